import pytest
from django.core.management import call_command

from tracks.models import Track

pytestmark = pytest.mark.django_db


def test_the_content_files_load_five_tracks_in_both_languages():
    call_command("load_content", verbosity=0)
    tracks = list(Track.objects.published().prefetch_related("steps__quiz"))
    assert [track.slug for track in tracks] == [
        "calls",
        "accounts",
        "shopping",
        "jobs",
        "investment",
    ]
    for track in tracks:
        assert track.title_zh_hans and track.summary_zh_hans
        assert track.steps.count() >= 1
        assert all(step.quiz.is_published for step in track.steps.all())
    calls = tracks[0]
    assert [step.quiz.slug for step in calls.steps.all()] == [
        "suspicious-calls",
        "impersonation",
    ]


def test_loading_again_keeps_what_staff_edited():
    call_command("load_content", verbosity=0)
    track = Track.objects.get(slug="calls")
    track.title = "Calls, edited by staff"
    track.save()
    call_command("load_content", verbosity=0)
    track.refresh_from_db()
    assert track.title == "Calls, edited by staff"
