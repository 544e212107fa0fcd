import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from awareness.tests.fuzzing import admin_fields

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["date_joined", "last_login"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_users_dates_out_of_range_are_refused_and_the_list_stays_up(
    superuser_client, django_user_model, field, day
):
    superuser = django_user_model.objects.get(username="admin")
    learner = django_user_model.objects.create_user(username="learner")
    _obj, data = admin_fields(django_user_model, superuser, learner)
    data[f"{field}_0"], data[f"{field}_1"] = day, "00:00:00"
    url = reverse("admin:auth_user_change", args=[learner.pk])
    response = superuser_client.post(url, data)
    assertContains(response, "Enter a date between the years 2000 and")
    page = superuser_client.get(reverse("admin:auth_user_changelist"))
    assert page.status_code == 200
