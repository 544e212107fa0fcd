import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given, strategies as st

from .every_url import every_url
from .fuzzing import (
    HOSTILE,
    admin_fields,
    bodies,
    check,
    date_text,
    hostile_text,
    huge_values,
    rolled_back,
)

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@given(q=st.one_of(hostile_text, st.lists(hostile_text, max_size=3)), body=bodies({}))
def test_search_with_any_query(q, body):
    with rolled_back():
        response = check(Client(), "GET", reverse("search"), {**body, "q": q})
        assert response.status_code == 200


@given(data=st.data())
def test_admin_forms_with_any_body(real_site, data):
    user = real_site["user"]
    model = data.draw(st.sampled_from(MODELS), label="model")
    view = data.draw(st.sampled_from(["add", "change"]), label="view")
    with rolled_back():
        obj, fields = admin_fields(model, user)
        placeholders = {f"@{name}": value for name, value in fields.items()}
        body = data.draw(bodies({name: [f"@{name}"] for name in fields}), label="body")
        info = model._meta.app_label, model._meta.model_name
        if view == "add":
            url = reverse("admin:{}_{}_add".format(*info))
        else:
            url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        client = Client()
        client.force_login(user)
        response = check(client, "POST", url, body, placeholders=placeholders)
        event(f"{view} {response.status_code}")


@pytest.fixture
def urls(real_site):
    staff = Client()
    staff.force_login(real_site["user"])
    return every_url(staff, user=real_site["user"], attempt=real_site["attempt"])


@given(data=st.data())
def test_every_url_takes_any_post(real_site, urls, data):
    _name, url = data.draw(st.sampled_from(urls), label="url")
    signed_in = data.draw(st.booleans(), label="signed in")
    body = data.draw(bodies({"csrfmiddlewaretoken": ["x"]}), label="body")
    with rolled_back():
        client = Client()
        if signed_in:
            client.force_login(real_site["user"])
        event(str(check(client, "POST", url, body).status_code))


def _date_keys(model, fields):
    """The body's keys that carry a date, split date and time included."""
    keys = {}
    for key in fields:
        name = key.removesuffix("_0").removesuffix("_1")
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, DateField):
            keys[key] = key.endswith("_1")
    return keys


DATED = [
    model
    for model in MODELS
    if any(
        isinstance(field, DateField) and field.editable for field in model._meta.fields
    )
]


@given(data=st.data())
def test_admin_change_forms_with_edge_dates_nul_and_huge_values(real_site, data):
    """A change form saves only dates PostgreSQL reads back, and every list
    page still answers after any save."""
    user = real_site["user"]
    model = data.draw(st.sampled_from(DATED), label="model")
    with rolled_back():
        obj, fields = admin_fields(model, user)
        body = dict(fields)
        for key, is_time in _date_keys(model, fields).items():
            if data.draw(st.booleans(), label=f"change {key}"):
                body[key] = data.draw(
                    st.sampled_from(["00:00:00", "23:59:59", "24:00:00", "\x00"])
                    if is_time
                    else date_text,
                    label=key,
                )
        others = sorted(set(fields) - set(_date_keys(model, fields)))
        chosen = (
            st.lists(st.sampled_from(others), max_size=3) if others else st.just([])
        )
        for key in data.draw(chosen, label="others"):
            body[key] = str(
                data.draw(st.one_of(huge_values, st.sampled_from(HOSTILE)), label=key)
            )
        info = model._meta.app_label, model._meta.model_name
        client = Client()
        client.force_login(user)
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        response = check(client, "POST", url, body)
        event(f"{model._meta.model_name} {response.status_code}")
        if response.status_code == 302:
            obj.refresh_from_db()
            for field in model._meta.fields:
                value = getattr(obj, field.name)
                if isinstance(field, DateField) and field.editable and value:
                    assert 1900 <= value.year <= timezone.now().year + 50, field
        for page in (
            reverse("admin:{}_{}_changelist".format(*info)),
            reverse("home"),
            reverse("django.contrib.sitemaps.views.sitemap"),
        ):
            assert client.get(page).status_code == 200, page
