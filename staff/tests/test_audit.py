"""Every change staff make is in the audit trail, and content keeps its history."""

import datetime
import zoneinfo

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from awareness.models import CaseStudy
from awareness.tests.factories import (
    in_english,
    make_case_study,
    make_figure,
    make_source,
)

pytestmark = pytest.mark.django_db

# The form's publish time, as a saved case has it, so that it is unchanged.
PUBLISHED_AT = datetime.datetime(
    2026, 11, 1, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
)


def case_data(case_study, **fields):
    data = {
        "number": case_study.number,
        "title": case_study.title,
        "slug": case_study.slug,
        "summary": case_study.summary,
        "story": case_study.story,
        "warning_signs": case_study.warning_signs,
        "police_action": case_study.police_action,
        "takeaway": case_study.takeaway,
        "last_verified": "2026-11-25",
        "is_published": "on",
        "zh_hant_is_converted": "on",
        "published_at_0": "2026-11-01",
        "published_at_1": "09:00:00",
        # A field with a callable default is compared with these hidden values.
        "initial-published_at_0": "2026-11-01",
        "initial-published_at_1": "09:00:00",
        "figures-TOTAL_FORMS": 0,
        "figures-INITIAL_FORMS": 0,
        "roles-TOTAL_FORMS": 0,
        "roles-INITIAL_FORMS": 0,
    }
    data.update(fields)
    return in_english(data)


def entries(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("pk")


def test_create_change_and_delete_are_logged_with_who_and_what(editor_client, editor):
    template = CaseStudy(
        number=4,
        title="A new case",
        slug="new-case",
        summary="Summary.",
        story="Story.",
        warning_signs="Signs.",
        police_action="Police.",
        takeaway="Takeaway.",
    )
    add = reverse("admin:awareness_casestudy_add")
    assert editor_client.post(add, case_data(template)).status_code == 302
    case_study = CaseStudy.objects.get(slug="new-case")
    change = reverse("admin:awareness_casestudy_change", args=[case_study.pk])
    editor_client.post(change, case_data(case_study, title="A renamed case"))
    delete = reverse("admin:awareness_casestudy_delete", args=[case_study.pk])
    editor_client.post(delete, {"post": "yes"})

    added, changed, deleted = entries(case_study)
    assert [e.action_flag for e in (added, changed, deleted)] == [
        ADDITION,
        CHANGE,
        DELETION,
    ]
    assert {e.user for e in (added, changed, deleted)} == {editor}
    assert changed.get_change_message() == "Changed Title [en]."
    assert deleted.object_repr == "A renamed case"


def test_bulk_actions_are_logged_per_item(editor_client):
    drafts = [make_case_study(is_published=False) for _ in range(2)]
    editor_client.post(
        reverse("admin:awareness_casestudy_changelist"),
        {"action": "publish", "_selected_action": [c.pk for c in drafts]},
    )
    for case_study in drafts:
        (entry,) = entries(case_study)
        assert entry.get_change_message() == "Changed Published."


def test_the_audit_trail_is_read_only_and_filterable(superuser_client):
    case_study = make_case_study(published_at=PUBLISHED_AT)
    superuser_client.post(
        reverse("admin:awareness_casestudy_change", args=[case_study.pk]),
        case_data(case_study, title="Edited"),
    )
    entry = entries(case_study).get()
    changelist = reverse("admin:admin_logentry_changelist")
    response = superuser_client.get(changelist)
    assertContains(response, "Changed Title [en].")
    assertContains(
        response, reverse("admin:awareness_casestudy_change", args=[case_study.pk])
    )
    for params in (
        {"action_flag__exact": CHANGE},
        {"content_type__id__exact": entry.content_type_id},
        {"user__id__exact": entry.user_id},
        {"q": "Edited"},
    ):
        assertContains(superuser_client.get(changelist, params), "Changed Title [en].")
    assert (
        superuser_client.get(
            reverse("admin:admin_logentry_change", args=[entry.pk])
        ).status_code
        == 200
    )
    assert superuser_client.get(reverse("admin:admin_logentry_add")).status_code == 403
    delete = reverse("admin:admin_logentry_delete", args=[entry.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_editors_see_only_changes_to_what_they_may_see(
    superuser_client, editor, django_user_model
):
    learner = django_user_model.objects.create_user("learner-wang", password="x")
    superuser_client.post(
        reverse("admin:auth_user_change", args=[learner.pk]),
        {
            "username": "learner-wang",
            "date_joined_0": "2026-11-01",
            "date_joined_1": "09:00:00",
            "initial-date_joined_0": "2026-11-01",
            "initial-date_joined_1": "09:00:00",
        },
    )
    case_study = make_case_study(title="Visible case", published_at=PUBLISHED_AT)
    superuser_client.post(
        reverse("admin:awareness_casestudy_change", args=[case_study.pk]),
        case_data(case_study, title="Visible case, edited"),
    )
    assert LogEntry.objects.filter(object_repr="learner-wang").exists()
    client = Client()
    client.force_login(editor)
    response = client.get(reverse("admin:admin_logentry_changelist"))
    assertContains(response, "Visible case, edited")
    assertNotContains(response, "learner-wang")


def test_a_case_keeps_its_history_with_figures_and_can_be_restored(editor_client):
    source = make_source()
    case_study = make_case_study(title="First title", published_at=PUBLISHED_AT)
    make_figure(case_study=case_study, source=source, value="50+")
    url = reverse("admin:awareness_casestudy_change", args=[case_study.pk])
    figure = case_study.figures.get()
    data = case_data(
        case_study,
        **{
            "figures-TOTAL_FORMS": 1,
            "figures-INITIAL_FORMS": 1,
            "figures-0-id": figure.pk,
            "figures-0-case_study": case_study.pk,
            "figures-0-order": 1,
            "figures-0-value": "50+",
            "figures-0-label": figure.label,
            "figures-0-basis": figure.basis,
            "figures-0-source": source.pk,
        },
    )
    data = in_english(data)
    editor_client.post(url, data)
    editor_client.post(
        url, in_english({**data, "title": "Second title", "figures-0-value": "60+"})
    )
    versions = Version.objects.get_for_object(case_study)
    assert versions.count() == 2
    oldest = versions.last()
    assert oldest.field_dict["title"] == "First title"
    revision = reverse(
        "admin:awareness_casestudy_revision", args=[case_study.pk, oldest.pk]
    )
    assertContains(editor_client.get(revision), "First title")
    editor_client.post(revision, in_english({**data, "title": "First title"}))
    case_study.refresh_from_db()
    assert case_study.title == "First title"
    assert case_study.figures.get().value == "50+"
    history = editor_client.get(
        reverse("admin:awareness_casestudy_history", args=[case_study.pk])
    )
    assertContains(history, "Reverted to previous version")
