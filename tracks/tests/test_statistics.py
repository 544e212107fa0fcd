import math

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.models import Answer, Attempt
from quizzes.signal_detection import Discernment
from tracks import statistics
from tracks.models import Stage, TrackCheck
from tracks.statistics import Learner, analyse

from .factories import track_with_families


def learner(name, language, pre=50.0, post=80.0, week=None, hits=(1, 3)):
    scores = {Stage.PRE: pre, Stage.POST: post}
    if week is not None:
        scores[Stage.WEEK] = week
    before = [(True, False), (True, False), (True, True), (False, False)]
    after = [(True, True), (True, True), (True, True), (False, True)]
    return Learner(name, language, scores, {Stage.PRE: before, Stage.POST: after})


def test_gain_retention_and_discernment_follow_the_formulas():
    learners = [learner(f"en-{n}", "en", pre=40, post=70, week=56) for n in range(12)]
    [group], total = analyse(learners)
    gain = group["gain"].value
    assert gain["pre"] == 40 and gain["post"] == 70
    assert gain["gain"] == pytest.approx((70 - 40) / (100 - 40))
    assert group["day7"].value["retention"] == pytest.approx(56 / 70)
    found = group["discernment"].value
    assert found["before"] == Discernment(hits=12, scams=36, false_alarms=0, legits=12)
    assert found["after"] == Discernment(hits=36, scams=36, false_alarms=12, legits=12)
    assert found["sensitivity_gain"] == pytest.approx(
        found["after"].sensitivity - found["before"].sensitivity
    )
    assert not group["day30"].shown
    assert group.few_learners and not group.suppressed
    assert total["gain"].value == gain


def test_small_groups_are_hidden_and_left_out_of_every_language():
    learners = [learner(f"en-{n}", "en", pre=40, post=70) for n in range(12)]
    learners += [learner(f"zh-{n}", "zh-hans", pre=0, post=100) for n in range(9)]
    groups, total = analyse(learners)
    english, chinese = groups
    assert chinese.suppressed
    assert all(figure.value is None for figure in chinese.figures.values())
    assert total.learners == 12
    assert total.languages_left_out == 1
    # The total is English alone: the hidden group cannot be subtracted out.
    assert total["gain"].value == english["gain"].value


def test_a_figure_hidden_in_one_group_is_left_out_of_the_total_too():
    """Seven 7-day checks in Chinese must not be recoverable by differencing."""
    learners = [learner(f"en-{n}", "en", week=60) for n in range(10)]
    learners += [learner(f"zh-{n}", "zh-hans", week=10) for n in range(7)]
    learners += [learner(f"zh-x{n}", "zh-hans") for n in range(5)]
    groups, total = analyse(learners)
    english, chinese = groups
    assert not chinese.suppressed and not chinese["day7"].shown
    assert total["day7"].learners == 10
    assert total["day7"].value == english["day7"].value
    assert total["day7"].left_out == 1
    assert total["gain"].learners == 22


def make_learner_checks(track, name, language, *, pre_right, post_right):
    """Write one learner's finished pre- and post-check, as the views would."""
    from django.utils import timezone

    from quizzes.models import Question

    questions = list(
        Question.objects.filter(quiz__in=track.quizzes.all(), kind="scam_or_legit")
    )
    for stage, right in ((Stage.PRE, pre_right), (Stage.POST, post_right)):
        attempt = Attempt.objects.create(
            learner_key=name,
            seed=1,
            language=language,
            is_check=True,
            completed_at=timezone.now(),
            score=100 * right / 4,
        )
        for position, question in enumerate(questions[:4], start=1):
            Answer.objects.create(
                attempt=attempt,
                question=question,
                position=position,
                mark=1.0 if position <= right else 0.0,
                answered_at=timezone.now(),
            )
        TrackCheck.objects.create(attempt=attempt, track=track, stage=stage)


@pytest.mark.django_db
def test_load_learners_counts_each_learner_once_in_the_post_check_language():
    track = track_with_families()
    for n in range(3):
        make_learner_checks(track, f"k{n}", "en", pre_right=1, post_right=3)
    rows = statistics.load_learners(track)
    assert len(rows) == 3
    assert {row.language for row in rows} == {"en"}
    assert rows[0].scores == {Stage.PRE: 25.0, Stage.POST: 75.0}
    assert len(rows[0].verdicts[Stage.PRE]) == 4


@pytest.mark.django_db
def test_the_staff_page_shows_d_prime_and_c_with_suppression(
    analyst_client, django_assert_max_num_queries
):
    track = track_with_families()
    for n in range(12):
        make_learner_checks(track, f"en{n}", "en", pre_right=1, post_right=3)
    for n in range(4):
        make_learner_checks(track, f"zh{n}", "zh-hans", pre_right=0, post_right=4)
    url = reverse("admin:tracks_track_statistics")
    with django_assert_max_num_queries(12):
        page = analyst_client.get(url)
    assertContains(page, "d′ before → after")
    assertContains(page, "fewer than 10: hidden")
    assertContains(page, "few learners: uncertain")
    assertContains(page, "leaves out 1 language with fewer than 10 learners")
    assertContains(page, "25% → 75% (g = 0.67; n = 12)", count=2)
    changelist = analyst_client.get(reverse("admin:tracks_track_changelist"))
    assertContains(changelist, url)


@pytest.mark.django_db
def test_the_staff_page_needs_the_permission(editor_client):
    response = editor_client.get(reverse("admin:tracks_track_statistics"))
    assert response.status_code == 403
    changelist = editor_client.get(reverse("admin:tracks_track_changelist"))
    assertNotContains(changelist, reverse("admin:tracks_track_statistics"))


def test_a_learner_at_100_on_the_pre_check_has_no_gain():
    learners = [learner(f"en-{n}", "en", pre=100, post=100) for n in range(10)]
    [group], _total = analyse(learners)
    assert group["gain"].value["gain"] is None
    assert not math.isnan(group["discernment"].value["bias_change"])
