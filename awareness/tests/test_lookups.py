import pytest
from django.contrib.auth.models import Permission

pytestmark = pytest.mark.django_db


def test_numbers_too_big_for_the_column_match_nothing_instead_of_failing():
    some = Permission.objects.first()
    huge = 10**26
    assert list(Permission.objects.filter(pk__in=[huge])) == []
    assert list(Permission.objects.filter(pk__in=[huge, some.pk, -huge])) == [some]
    assert list(Permission.objects.filter(pk__in=[str(huge)])) == []
