import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from hypothesis import event, given, strategies as st

from .every_url import every_url
from .fuzzing import admin_fields, bodies, check, hostile_text, rolled_back

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
