"""Every admin action, run by every kind of staff member.

An action that changes data needs a permission to change it, and leaves
an entry in the audit trail per run; Analysts and staff without a group
change nothing with any of them.
"""

import hashlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.sessions.base_session import AbstractBaseSession
from django.test import Client, RequestFactory
from django.urls import reverse

from awareness.models import Translatable, TranslationStatus
from awareness.tests.fuzzing import rolled_back

pytestmark = pytest.mark.django_db

CHANGING = {"add", "change", "delete"}
# Bookkeeping that any request or any logged change writes.
NOT_DATA = {"admin", "reversion"}


def data_state():
    """Return a digest of every row, leaving out the audit trail and sessions."""
    digest = hashlib.sha256()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in NOT_DATA or issubclass(model, AbstractBaseSession):
            continue
        rows = model._base_manager.order_by("pk").values_list()
        digest.update(repr((model._meta.label, list(rows))).encode())
    return digest.hexdigest()


def permitted(model_admin, user, permissions):
    request = RequestFactory().get("/")
    request.user = user
    return all(
        getattr(model_admin, f"has_{name}_permission")(request) for name in permissions
    )


@pytest.fixture
def staff(real_site, django_user_model):
    """The superuser, one member of each group, and staff in no group."""
    people = {"superuser": real_site["user"]}
    for group in Group.objects.all():
        user = django_user_model.objects.create_user(
            username=f"member-{group.pk}", is_staff=True
        )
        user.groups.add(group)
        people[group.name] = user
    people["no group"] = django_user_model.objects.create_user(
        username="staff", is_staff=True
    )
    return people


def something_to_do(model):
    """Leave a draft and an out-of-date translation, so every action acts."""
    manager = model._default_manager
    first = manager.order_by("pk").first()
    if first is None:
        return
    if any(field.name == "is_published" for field in model._meta.fields):
        manager.filter(pk=first.pk).update(is_published=False)
    if issubclass(model, Translatable):
        manager.filter(pk=first.pk).update(zh_hans_status=TranslationStatus.STALE)


def test_every_action_checks_its_permission_and_is_logged(staff):
    assert {"Editors", "Analysts"} <= set(staff)
    ran = set()
    for model, model_admin in admin.site._registry.items():
        request = RequestFactory().get("/")
        request.user = staff["superuser"]
        actions = model_admin.get_actions(request)
        info = model._meta.app_label, model._meta.model_name
        url = reverse("admin:{}_{}_changelist".format(*info))
        for name, (function, _name, _description) in actions.items():
            needs = set(getattr(function, "allowed_permissions", ()))
            for who, user in staff.items():
                with rolled_back():
                    something_to_do(model)
                    pks = list(model._default_manager.values_list("pk", flat=True))
                    client = Client()
                    client.force_login(user)
                    before, logged = data_state(), LogEntry.objects.count()
                    response = client.post(
                        url,
                        {
                            "action": name,
                            "_selected_action": pks,
                            "index": 0,
                            # delete_selected's confirmation.
                            "post": "yes",
                        },
                    )
                    where = (model._meta.label, name, who)
                    assert response.status_code < 500, where
                    if data_state() == before:
                        continue
                    ran.add((model._meta.label, name))
                    assert needs & CHANGING, f"{where}: changes data, needs nothing"
                    assert permitted(model_admin, user, needs), where
                    assert who not in ("Analysts", "no group"), where
                    assert LogEntry.objects.count() > logged, f"{where}: not logged"
    # Each changing action did change something, so the checks above bit.
    assert {
        "publish",
        "unpublish",
        "mark_verified",
        "mark_translations_current",
        "duplicate",
        "delete_selected",
    } <= {name for _label, name in ran}


def test_analysts_change_nothing_by_any_admin_url(staff, real_site):
    from awareness.tests.every_url import every_url
    from awareness.tests.fuzzing import admin_fields

    superuser = Client()
    superuser.force_login(staff["superuser"])
    urls = every_url(superuser, user=staff["superuser"], attempt=real_site["attempt"])
    analyst = Client()
    analyst.force_login(staff["Analysts"])
    edits = {}
    for model in admin.site._registry:
        _obj, fields = admin_fields(model, staff["superuser"])
        edits[model._meta.model_name] = fields
    urls = [(name, url) for name, url in urls if name and name.startswith("admin:")]
    assert len(urls) > 40
    before = data_state()
    for name, url in urls:
        body = next((fields for key, fields in edits.items() if f"_{key}_" in name), {})
        response = analyst.post(url, {**body, "post": "yes", "_save": "Save"})
        assert response.status_code < 500, url
        assert data_state() == before, url
