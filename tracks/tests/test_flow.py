from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quizzes.models import Attempt
from tracks.models import Stage, TrackCheck

from .factories import answer_all, start_check, take_quiz, track_with_families

pytestmark = pytest.mark.django_db


def questions_of(attempt):
    return {answer.question_id for answer in attempt.answers.all()}


def families_of(attempt):
    return {answer.question.family for answer in attempt.answers.all()}


def move_post_check_back(track, days):
    """Pretend the post-check was taken ``days`` ago."""
    post = TrackCheck.objects.get(track=track, stage=Stage.POST).attempt
    Attempt.objects.filter(pk=post.pk).update(
        completed_at=timezone.now() - timedelta(days=days)
    )


def test_a_learner_takes_every_check_and_sees_what_they_show(client):
    track = track_with_families()
    home = reverse("home")
    page = client.get(track.get_absolute_url())
    assertContains(page, "Take the pre-check")

    # Pre-check: about six unseen variants, scams and genuine messages mixed.
    _response, pre = start_check(client, track, Stage.PRE)
    assert pre.is_check and pre.quiz is None
    assert pre.answers.count() == 6
    verdicts = {answer.question.is_scam for answer in pre.answers.all()}
    assert verdicts == {True, False}
    # Half right before the track: every scam trusted.
    finished = answer_all(client, pre, right=lambda question: not question.is_scam)
    assertRedirects(finished, pre.get_absolute_url(), fetch_redirect_response=False)
    result = client.get(pre.get_absolute_url())
    assertRedirects(
        result,
        reverse("tracks:check_result", args=[pre.public_id]),
        fetch_redirect_response=False,
    )
    back = client.get(result.url)
    assertRedirects(
        back, track.get_absolute_url() + "#results", fetch_redirect_response=False
    )
    page = client.get(track.get_absolute_url())
    assertContains(page, "You scored 50% before the track")
    assertNotContains(page, "Take the post-check")
    assert client.get(home).content.count(b"Your tracks") == 1

    for quiz in track.quizzes.all():
        take_quiz(client, quiz)
    page = client.get(track.get_absolute_url())
    assertContains(page, "Take the post-check")

    # Post-check: the same families through another variant.
    _response, post = start_check(client, track, Stage.POST)
    assert families_of(post) == families_of(pre)
    assert not questions_of(post) & questions_of(pre)
    answer_all(client, post)
    page = client.get(track.get_absolute_url())
    assertContains(page, "You scored 50% before the track and 100% after it")
    assertContains(page, "a gain of 1.00")
    assertContains(
        page, "Post-check: you caught 3 of 3 scams and doubted 0 of 3 genuine messages."
    )
    assertContains(
        page, "Pre-check: you caught 0 of 3 scams and doubted 0 of 3 genuine messages."
    )
    assertContains(page, '<svg class="track-chart"', count=2)
    assertContains(page, "<table")
    for symbol in ("d′", "d&#x27;", "bias c"):
        assertNotContains(page, symbol)
    # Not due yet: neither offered at home nor startable.
    assertNotContains(client.get(home), "a check of what you remember is due.")
    early = client.post(
        reverse("tracks:check_start", args=[track.slug]), {"stage": Stage.WEEK}
    )
    assertRedirects(early, track.get_absolute_url(), fetch_redirect_response=False)
    assert not TrackCheck.objects.filter(stage=Stage.WEEK).exists()

    # A week on, the home page offers the 7-day check.
    move_post_check_back(track, 8)
    assertContains(client.get(home), "a check of what you remember is due.")
    _response, week = start_check(client, track, Stage.WEEK)
    assert families_of(week) == families_of(pre)
    assert not questions_of(week) & questions_of(post)
    # One of the six forgotten.
    missed = next(iter(questions_of(week)))
    answer_all(client, week, right=lambda question: question.pk != missed)
    assertNotContains(client.get(home), "a check of what you remember is due.")

    # A month on, the 30-day check.
    move_post_check_back(track, 31)
    assertContains(client.get(home), "a check of what you remember is due.")
    _response, month = start_check(client, track, Stage.MONTH)
    answer_all(client, month)
    page = client.get(track.get_absolute_url())
    assertContains(page, "In your 7-day check you scored 83%: you kept 0.83")
    assertContains(page, "In your 30-day check you scored 100%: you kept 1.00")
    progress = client.get(reverse("quizzes:progress"))
    assertContains(progress, "a gain of 1.00")
    assertContains(progress, "you kept 0.83")
    assertNotContains(client.get(home), "Your tracks")


def test_a_check_started_twice_resumes(client):
    track = track_with_families()
    _response, first = start_check(client, track, Stage.PRE)
    again, _attempt = start_check(client, track, Stage.PRE)
    assert again.url == first.get_absolute_url()
    assert Attempt.objects.filter(is_check=True).count() == 1


def test_a_check_gives_no_feedback_until_it_is_finished(client):
    track = track_with_families()
    _response, pre = start_check(client, track, Stage.PRE)
    answer = pre.answers.select_related("question").get(position=1)
    choice = answer.question.choices.get(is_correct=True)
    response = client.post(
        reverse("quizzes:answer", args=[pre.public_id, 1]), {"choice": choice.key}
    )
    assertRedirects(
        response,
        reverse("quizzes:question", args=[pre.public_id, 2]),
        fetch_redirect_response=False,
    )
    page = client.get(reverse("quizzes:question", args=[pre.public_id, 2]))
    assertContains(page, reverse("tracks:track_list"))
    assertContains(page, "Knowledge check")


@pytest.mark.parametrize("stage", ["", "later", "pre' OR 1", "x" * 300])
def test_an_unknown_stage_is_a_400(client, stage):
    track = track_with_families()
    response = client.post(
        reverse("tracks:check_start", args=[track.slug]), {"stage": stage}
    )
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_someone_elses_check_result_is_a_404(client):
    track = track_with_families()
    _response, pre = start_check(client, track, Stage.PRE)
    answer_all(client, pre)
    client.cookies.clear()
    response = client.get(reverse("tracks:check_result", args=[pre.public_id]))
    assert response.status_code == 404


def test_checks_are_claimed_exported_and_erased_with_the_learner(
    client, django_user_model
):
    from quizzes import personal_data
    from quizzes.models import learner_key as key_of

    track = track_with_families()
    _response, pre = start_check(client, track, Stage.PRE)
    answer_all(client, pre)
    key = Attempt.objects.get(pk=pre.pk).learner_key
    user = django_user_model.objects.create_user(username="ann", password="x" * 20)
    personal_data.claim(learner_key=key, user=user)
    assert TrackCheck.objects.for_learner(user, "").count() == 1
    exported = personal_data.export(user=user, learner_key="")
    assert exported["track_checks"] == [
        {
            "attempt": str(pre.public_id),
            "track": track.title,
            "track_slug": track.slug,
            "stage": "pre",
        }
    ]
    personal_data.erase(user=user, learner_key="")
    assert not TrackCheck.objects.exists()
    assert key_of  # the same helper the views use names the learner


def test_anonymous_checks_expire_with_the_rest_of_the_progress(client):
    from quizzes import personal_data

    track = track_with_families()
    _response, pre = start_check(client, track, Stage.PRE)
    answer_all(client, pre)
    Attempt.objects.update(started_at=timezone.now() - timedelta(days=400))
    personal_data.erase_inactive(before=timezone.now() - timedelta(days=90))
    assert not TrackCheck.objects.exists()
