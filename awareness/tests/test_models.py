import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from awareness.models import CaseStudy, PrecautionTip

from .factories import make_case_study, make_tip

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_items():
    live = make_tip(title="Live")
    make_tip(title="Draft", is_published=False)
    make_tip(
        title="Scheduled", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert list(PrecautionTip.objects.published()) == [live]


def test_staff_see_drafts_and_visitors_do_not(django_user_model):
    make_tip(title="Live")
    make_tip(title="Draft", is_published=False)
    staff = django_user_model(username="staff", is_staff=True)
    assert PrecautionTip.objects.visible_to(staff).count() == 2
    assert PrecautionTip.objects.visible_to(AnonymousUser()).count() == 1


def test_inactive_staff_do_not_see_drafts(django_user_model):
    make_tip(is_published=False)
    staff = django_user_model(username="gone", is_staff=True, is_active=False)
    assert not PrecautionTip.objects.visible_to(staff).exists()


def test_is_public_follows_flag_and_date():
    assert make_tip().is_public()
    assert not make_tip(is_published=False).is_public()
    later = timezone.now() + datetime.timedelta(hours=1)
    assert not make_tip(published_at=later).is_public()


def test_search_finds_words_in_any_field_and_ranks_titles_first():
    in_body = make_case_study(title="Fake jobs", story="A courier insider sold data.")
    in_title = make_case_study(title="Courier insiders", story="Orders were decrypted.")
    make_case_study(title="Trojans", story="USB drives in offices.")
    results = list(CaseStudy.objects.search(["courier"]).order_by("-rank"))
    assert results == [in_title, in_body]


def test_search_needs_every_term_somewhere():
    both = make_case_study(title="Courier data", story="Sold by an insider.")
    make_case_study(title="Courier slips", story="Keep them safe.")
    assert list(CaseStudy.objects.search(["courier", "insider"])) == [both]


def test_search_is_case_insensitive_and_matches_substrings():
    tip = make_tip(title="Public WiFi", what_to_do="Use mobile data for banking.")
    assert list(PrecautionTip.objects.search(["wifi"])) == [tip]
    assert list(PrecautionTip.objects.search(["bank"])) == [tip]


def test_edit_after_load_is_detected():
    tip = make_tip()
    assert not tip.is_edited_since_load()
    PrecautionTip.objects.filter(pk=tip.pk).update(
        loaded_at=tip.updated_at - datetime.timedelta(seconds=1)
    )
    tip.refresh_from_db()
    assert tip.is_edited_since_load()


def test_absolute_urls_use_slugs():
    assert make_case_study(slug="fake-recruitment").get_absolute_url() == (
        "/en/cases/fake-recruitment/"
    )
    assert make_tip(slug="public-wifi").get_absolute_url() == "/en/tips/public-wifi/"
