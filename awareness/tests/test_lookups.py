import pytest
from django.contrib.auth.models import Permission

pytestmark = pytest.mark.django_db


def test_numbers_too_big_for_the_column_match_nothing_instead_of_failing():
    some = Permission.objects.first()
    huge = 10**26
    assert list(Permission.objects.filter(pk__in=[huge])) == []
    assert list(Permission.objects.filter(pk__in=[huge, some.pk, -huge])) == [some]
    assert list(Permission.objects.filter(pk__in=[str(huge)])) == []


def test_text_with_nul_matches_nothing_instead_of_failing():
    some = Permission.objects.first()
    for lookup in ("exact", "iexact", "contains", "icontains", "istartswith"):
        assert not Permission.objects.filter(**{f"name__{lookup}": "a\x00"}).exists()
        assert Permission.objects.exclude(**{f"name__{lookup}": "\x00"}).count() == (
            Permission.objects.count()
        )
    assert some in Permission.objects.filter(name=some.name)
