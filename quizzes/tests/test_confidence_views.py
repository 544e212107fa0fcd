import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quizzes import personal_data, portability
from quizzes.confidence import CHART_MIN_RATED, Confidence
from quizzes.models import Answer, Attempt, Quiz

from .factories import bulk_attempts, count_queries, make_question, make_quiz

pytestmark = pytest.mark.django_db

NOT, FAIRLY, VERY = Confidence.NOT_SURE, Confidence.FAIRLY_SURE, Confidence.VERY_SURE


def verdict_quiz(*, cbm=False, feedback="immediate", **kwargs):
    """A quiz of a scam, a genuine message and a plain single choice."""
    quiz = make_quiz(certainty_based_marking=cbm, feedback=feedback, **kwargs)
    make_question(quiz, kind="scam_or_legit", is_scam=True, prompt="A scam?")
    make_question(quiz, kind="scam_or_legit", is_scam=False, prompt="Genuine?")
    make_question(quiz, prompt="What next?")
    return quiz


def start(client, quiz):
    client.post(reverse("quizzes:quiz_start", args=[quiz.slug]))
    return Attempt.objects.latest("started_at")


def answer_url(attempt, position):
    return reverse("quizzes:answer", args=[attempt.public_id, position])


def answer(client, attempt, position, *, right, confidence=None, **headers):
    row = attempt.answers.select_related("question").get(position=position)
    choice = row.question.choices.get(is_correct=right)
    data = {"choice": choice.key}
    if confidence is not None:
        data["confidence"] = confidence
    return client.post(answer_url(attempt, position), data, headers=headers)


def refused(client, attempt, position, response):
    """Return the question page that a refused answer's redirect opens."""
    url = reverse("quizzes:question", args=[attempt.public_id, position])
    assert response.status_code == 302 and response["Location"] == url
    return client.get(url)


def queries(request):
    """Return how many queries ``request()`` makes, whatever it answers."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        request()
    return len(captured)


def finish(client, attempt):
    client.post(reverse("quizzes:attempt_finish", args=[attempt.public_id]))
    attempt.refresh_from_db()
    return attempt


def take(client, quiz, plan):
    """Answer every question: plan is (right, confidence) per position."""
    attempt = start(client, quiz)
    for position, (right, level) in enumerate(plan, start=1):
        answer(client, attempt, position, right=right, confidence=level)
    return finish(client, attempt)


def test_the_question_asks_how_sure_on_scam_or_legit_items_only(client):
    attempt = start(client, verdict_quiz(feedback="end"))
    page = client.get(reverse("quizzes:question", args=[attempt.public_id, 1]))
    assertContains(page, "<legend", count=2)
    assertContains(page, "How sure are you?")
    assertContains(page, "(optional)")
    for label in ("Not sure", "Fairly sure", "Very sure"):
        assertContains(page, label)
    assertContains(page, 'type="radio" name="confidence"', count=3)
    answer(client, attempt, 1, right=True)
    answer(client, attempt, 2, right=True)
    page = client.get(reverse("quizzes:question", args=[attempt.public_id, 3]))
    assertNotContains(page, "How sure are you?")


def test_confidence_is_optional_and_recorded_outside_cbm(client):
    attempt = start(client, verdict_quiz())
    answer(client, attempt, 1, right=True)
    answer(client, attempt, 2, right=False, confidence=FAIRLY)
    levels = list(attempt.answers.values_list("confidence", flat=True))
    assert levels == [None, FAIRLY, None]


def test_a_cbm_quiz_requires_a_level_and_the_answer_can_be_retried(client):
    attempt = start(client, verdict_quiz(cbm=True))
    response = refused(client, attempt, 1, answer(client, attempt, 1, right=True))
    assertContains(response, "Say how sure you are as well", html=False)
    assertNotContains(response, "(optional)")
    # The option chosen is still chosen: only the level is asked for.
    right = attempt.answers.get(position=1).question.choices.get(is_correct=True)
    assertContains(response, f'value="{right.key}" id="id_choice_', count=1)
    assert re.search(rf'value="{right.key}"[^>]* checked', response.content.decode())
    assert not Answer.objects.get(attempt=attempt, position=1).is_answered
    response = answer(client, attempt, 1, right=True, confidence=VERY)
    assert response.status_code == 302
    assert Answer.objects.get(attempt=attempt, position=1).confidence == VERY


@pytest.mark.parametrize("level", ["4", "0", "very", "", "3.5"])
def test_a_bad_level_is_refused_clearly_and_never_a_500(client, level):
    attempt = start(client, verdict_quiz(cbm=True))
    response = answer(client, attempt, 1, right=True, confidence=level)
    assertContains(refused(client, attempt, 1, response), 'class="form-error"')
    assert not Answer.objects.get(attempt=attempt, position=1).is_answered


def test_a_bad_level_outside_cbm_is_refused_too(client):
    attempt = start(client, verdict_quiz())
    response = answer(client, attempt, 1, right=True, confidence="7")
    assertContains(
        refused(client, attempt, 1, response), "Choose one of the three levels"
    )


def test_immediate_feedback_names_a_confidently_wrong_answer(client):
    attempt = start(client, verdict_quiz())
    answer(client, attempt, 1, right=False, confidence=VERY)
    page = client.get(reverse("quizzes:question", args=[attempt.public_id, 1]))
    assertContains(page, "You said: Very sure.")
    assertContains(page, "Confidently wrong")
    assertContains(page, "scammers count on it")
    # Only CBM quizzes show a certainty-based mark.
    assertNotContains(page, "Certainty-based mark")


def test_sure_and_right_or_unsure_and_wrong_is_not_confidently_wrong(client):
    attempt = start(client, verdict_quiz())
    answer(client, attempt, 1, right=True, confidence=VERY)
    answer(client, attempt, 2, right=False, confidence=NOT)
    for position in (1, 2):
        page = client.get(
            reverse("quizzes:question", args=[attempt.public_id, position])
        )
        assertNotContains(page, "Confidently wrong")


def test_the_result_page_names_confidently_wrong_answers(client):
    attempt = take(
        client,
        verdict_quiz(feedback="end"),
        [(False, VERY), (True, NOT), (True, None)],
    )
    page = client.get(attempt.get_absolute_url())
    assertContains(page, "1 answer was confidently wrong")
    assertContains(page, "Confidently wrong: you were very sure", count=1)
    assertNotContains(page, "Certainty-based marking")


def test_without_cbm_confidence_never_changes_the_score(client):
    plan = [(False, VERY), (True, NOT), (True, None)]
    rated = take(client, verdict_quiz(), plan)
    plain = take(client, verdict_quiz(), [(right, None) for right, _level in plan])
    assert rated.score == plain.score == pytest.approx(66.7)


def test_a_cbm_quiz_scores_accuracy_plus_bonus(client):
    # Rated: right at "Very sure" and wrong at "Not sure" (bonus .1 each);
    # plain: right. (1 + 0 + 1 + 2 × .1) / 3 = 73.3 %.
    attempt = take(
        client, verdict_quiz(cbm=True), [(True, VERY), (False, NOT), (True, None)]
    )
    assert attempt.score == pytest.approx(73.3)
    # The raw marks stay 0 to 1 for item analysis, mastery and reviews.
    assert sorted(attempt.answers.values_list("mark", flat=True)) == [0, 1, 1]
    page = client.get(attempt.get_absolute_url())
    assertContains(page, "Certainty-based marking")
    assertContains(page, "Average certainty-based mark")
    # Accuracy 50 %, average (3 + 0) / 2, bonus +10 %.
    assertContains(page, "<dd>50%</dd>", html=True)
    assertContains(page, "<dd>1.50</dd>", html=True)
    assertContains(page, "<dd>+10.0%</dd>", html=True)
    assertContains(page, "Certainty-based mark: 3.")
    assertContains(page, "Certainty-based mark: 0.")


def test_a_cbm_quiz_punishes_being_sure_and_wrong(client):
    plan = [(False, VERY), (True, NOT), (True, None)]
    cbm = take(client, verdict_quiz(cbm=True), plan)
    plain = take(client, verdict_quiz(), plan)
    # Accuracy .5, average (−6 + 1) / 2 = −2.5, bonus −.3 for each rated
    # answer: (0 + 1 + 1 − .6) / 3 = 46.7 %.
    assert cbm.score == pytest.approx(46.7) and cbm.score < plain.score
    page = client.get(cbm.get_absolute_url())
    assertContains(page, "Certainty-based mark: -6.")


def test_the_quiz_page_explains_cbm_before_starting(client):
    quiz = verdict_quiz(cbm=True)
    page = client.get(quiz.get_absolute_url())
    assertContains(page, "This quiz marks how sure you are")
    assertContains(page, "<td>−6</td>", html=True)
    page = client.get(verdict_quiz().get_absolute_url())
    assertNotContains(page, "This quiz marks how sure you are")


def rate(client, count, *, right=True, level=VERY):
    """Answer ``count`` scam-or-legit questions, each rated."""
    quiz = make_quiz(feedback="end")
    for _n in range(count):
        make_question(quiz, kind="scam_or_legit", is_scam=True)
    return take(client, quiz, [(right, level)] * count)


def test_the_calibration_chart_says_how_many_more_answers_it_needs(client):
    rate(client, CHART_MIN_RATED - 3)
    page = client.get(reverse("quizzes:progress"))
    assertContains(page, "How sure, how right")
    assertContains(page, "3 more to go")
    assertNotContains(page, "calibration-chart")


def test_the_calibration_chart_appears_once_enough_answers_are_rated(client):
    rate(client, 4, right=True, level=VERY)
    rate(client, CHART_MIN_RATED - 4, right=False, level=VERY)
    page = client.get(reverse("quizzes:progress"))
    assertContains(page, '<svg class="calibration-chart"')
    assertNotContains(page, "more to go")
    # Readable without colour: the share and the count, in the chart and
    # the table.
    assertContains(page, "4 of 10 right")
    assertContains(page, "40% (4 of 10 answers)")
    assertContains(page, "above 80%")
    assertContains(page, "be more careful when you feel this sure")
    assertNotContains(page, "style=")


def test_unrated_answers_do_not_count_towards_the_chart(client):
    rate(client, CHART_MIN_RATED, level=None)
    page = client.get(reverse("quizzes:progress"))
    assertContains(page, "After 10 rated answers")
    assertNotContains(page, "calibration-chart")


def test_progress_queries_stay_flat_with_rated_answers(client):
    progress = reverse("quizzes:progress")
    rate(client, 2)
    few = count_queries(lambda: client.get(progress))
    for _n in range(3):
        rate(client, 6, right=False)
    assert count_queries(lambda: client.get(progress)) == few
    assertContains(client.get(progress), "calibration-chart")


def test_answering_with_a_level_takes_no_more_queries(client):
    attempt = start(client, verdict_quiz())
    plain = queries(lambda: answer(client, attempt, 1, right=True))
    rated = queries(lambda: answer(client, attempt, 2, right=True, confidence=VERY))
    assert rated == plain


def test_export_includes_confidence_with_flat_queries(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    quiz = verdict_quiz()
    take(client, quiz, [(False, VERY), (True, None), (True, None)])
    key = client.session["learner"]
    connection.queries_log.clear()
    with django_assert_max_num_queries(12) as first:
        data = personal_data.export(user=AnonymousUser(), learner_key=key)
    # Counted at once: the next request clears the log it is read from.
    count = len(first)
    answers = data["attempts"][0]["answers"]
    assert [a["confidence"] for a in answers] == [VERY, None, None]
    assert answers[0]["confidence_label"] == "Very sure"
    for _n in range(3):
        take(client, quiz, [(True, NOT), (True, FAIRLY), (True, None)])
    connection.queries_log.clear()
    with django_assert_num_queries(count):
        data = personal_data.export(user=AnonymousUser(), learner_key=key)
    assert len(data["attempts"]) == 4


def test_quiz_files_carry_certainty_based_marking(editor_client):
    quiz = verdict_quiz(cbm=True, slug="sure")
    data = json.loads(portability.dumps(quiz))
    assert data["version"] == 3
    assert data["quiz"]["certainty_based_marking"] is True
    Quiz.objects.filter(pk=quiz.pk).update(certainty_based_marking=False)
    plan = portability.read("sure.json", json.dumps(data))
    assert not plan.problems
    portability.apply(portability.check([plan]))
    quiz.refresh_from_db()
    assert quiz.certainty_based_marking


def test_older_quiz_files_import_with_cbm_off():
    quiz = verdict_quiz(cbm=True, slug="older")
    data = json.loads(portability.dumps(quiz))
    data["version"] = 2
    del data["quiz"]["certainty_based_marking"]
    plan = portability.read("older.json", json.dumps(data))
    assert not plan.problems
    portability.apply(portability.check([plan]))
    quiz.refresh_from_db()
    assert not quiz.certainty_based_marking


def test_a_current_file_without_the_key_is_refused():
    quiz = verdict_quiz(slug="current")
    data = json.loads(portability.dumps(quiz))
    del data["quiz"]["certainty_based_marking"]
    plan = portability.read("current.json", json.dumps(data))
    assert any("certainty_based_marking" in p for p in plan.problems)


def test_staff_statistics_show_overconfidence_per_item(analyst_client):
    cache.clear()
    quiz = verdict_quiz()
    bulk_attempts(quiz, 30)
    # Twelve learners said "Very sure" on the scam; three of them wrong.
    scam = quiz.questions.get(prompt="A scam?")
    answers = list(Answer.objects.filter(question=scam).order_by("pk")[:12])
    for n, row in enumerate(answers):
        row.confidence = VERY
        row.mark = 0.0 if n < 3 else 1.0
    Answer.objects.bulk_update(answers, ["confidence", "mark"])
    url = reverse("admin:quizzes_quiz_statistics", args=[quiz.pk])
    response = analyst_client.get(url)
    table = next(t for t in response.context["tables"] if t.name == "overconfidence")
    rows = {row[0].value.split(". ", 1)[1]: row for row in table.rows}
    assert [cell.value for cell in rows["A scam?"][1:]] == [12, 3, 0.25]
    # The genuine message has no rating: nothing to show, and it says why.
    assert rows["Genuine?"][3].value is None
    assert "fewer than 10 learners" in rows["Genuine?"][3].note
    assertContains(response, "Overconfidence: wrong at “Very sure”")
    download = analyst_client.get(url, {"export": "overconfidence"})
    assert "25.0" in download.content.decode()


def test_the_content_turns_cbm_on_for_the_impersonation_quiz_only():
    from io import StringIO

    from django.core.management import call_command

    call_command("load_content", stdout=StringIO())
    marked = Quiz.objects.filter(certainty_based_marking=True)
    assert list(marked.values_list("slug", flat=True)) == ["impersonation"]
