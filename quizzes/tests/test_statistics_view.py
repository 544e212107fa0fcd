import csv
import io
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quizzes import personal_data, statistics
from quizzes.models import Attempt, Question

from .factories import bulk_attempts, count_queries, make_question, make_quiz

pytestmark = pytest.mark.django_db

FLAGS = (("Dear customer, ", False), ("tap this link ", True), ("today.", False))


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def make_mixed_quiz(**kwargs):
    quiz = make_quiz(**kwargs)
    make_question(quiz, prompt="Who calls from +?")
    make_question(
        quiz,
        kind="multiple",
        choices=(
            ("Link", True),
            ("Code", True),
            ("Greeting", False, "suspects-any-link"),
        ),
    )
    make_question(quiz, kind="scam_or_legit", is_scam=True)
    make_question(quiz, kind="scam_or_legit", is_scam=False)
    make_question(quiz, kind="red_flags", choices=FLAGS, channel="sms")
    make_question(
        quiz,
        kind="true_false",
        choices=(("=True", False, "trusts-caller-id"), ("False", True)),
    )
    return quiz


def url(quiz, **params):
    base = reverse("admin:quizzes_quiz_statistics", args=[quiz.pk])
    return base, params


def get(client, quiz, **params):
    base, params = url(quiz, **params)
    return client.get(base, params)


def test_analysts_read_statistics_of_every_kind(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 40, language="en")
    response = get(analyst_client, quiz)
    for heading in (
        "From start to review",
        "Questions",
        "How often each option was chosen",
        "Red flags missed and decoys flagged",
        "Scam or legit: how often learners said “scam”",
        "Telling scams from real messages",
        "Misconceptions most often chosen",
    ):
        assertContains(response, heading)
    assertContains(response, "Over-suspicion: thinks any link")
    assertNotContains(response, "Only 40 finished attempts")


def test_editors_and_strangers_cannot(editor_client):
    quiz = make_mixed_quiz()
    assert get(editor_client, quiz).status_code == 403
    response = get(Client(), quiz)
    assert response.status_code == 302 and "login" in response["Location"]


def test_fewer_than_ten_learners_show_no_statistics(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 9)
    response = get(analyst_client, quiz)
    assertContains(response, "Statistics appear from 10 learners")
    assertNotContains(response, "How often each option was chosen")
    assert get(analyst_client, quiz, export="questions").status_code == 404


def test_fewer_than_thirty_attempts_carry_a_warning(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 12)
    assertContains(get(analyst_client, quiz), "Only 12 finished attempts")


def test_every_table_downloads_as_csv_with_the_pages_figures(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 30)
    response = get(analyst_client, quiz)
    tables = response.context["tables"]
    assert {t.name for t in tables} >= {"funnel", "questions", "responses", "cues"}
    for table in tables:
        download = get(analyst_client, quiz, export=table.name)
        assert download["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert len(rows) == len(table.rows) + 1, table.name
    rows = list(
        csv.reader(
            io.StringIO(
                get(analyst_client, quiz, export="questions").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    report = response.context["report"]
    first = Question.objects.filter(quiz=quiz).first()
    assert rows[0][3] == "facility (%)"
    assert float(rows[1][3]) == pytest.approx(
        100 * report.items[first.pk].facility, abs=0.05
    )


def test_csv_cells_cannot_start_a_formula(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 30)
    text = get(analyst_client, quiz, export="responses").content.decode("utf-8-sig")
    assert "'=True" in text


def test_first_attempts_by_default_all_on_request(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 10)
    bulk_attempts(quiz, 10)  # the same ten learners, trying again
    assert get(analyst_client, quiz).context["report"].finished == 10
    assert get(analyst_client, quiz, attempts="all").context["report"].finished == 20


def test_languages_side_by_side_and_as_a_filter(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 12, language="en", seed=1)
    bulk_attempts(quiz, 12, language="zh-hans", seed=2)
    bulk_attempts(quiz, 3, seed=3)
    response = get(analyst_client, quiz)
    assertContains(response, "Facility by language")
    assertContains(response, "English (12 learners)")
    assertContains(response, "Simplified Chinese (12 learners)")
    # Three learners are too few to show, or to count in the overall figures.
    assertNotContains(response, "not recorded (3 learners)")
    assert response.context["report"].learners == 24
    filtered = get(analyst_client, quiz, language="zh-hans").context["report"]
    assert (filtered.finished, filtered.language) == (12, "zh-hans")
    assert get(analyst_client, quiz, language="none").context["report"].language == ""


def test_a_question_much_harder_in_one_language_is_marked(analyst_client):
    quiz = make_quiz()
    question = make_question(quiz)
    make_question(quiz)
    bulk_attempts(quiz, 12, language="en")
    bulk_attempts(quiz, 12, language="zh-hans", learner_prefix="zh")
    Attempt.objects.filter(language="zh-hans").update(score=0)
    question.answers.filter(attempt__language="zh-hans").update(mark=0.0)
    question.answers.filter(attempt__language="en").update(mark=1.0)
    response = get(analyst_client, quiz)
    assert (question.pk, "zh-hans") in response.context["report"].language_gaps
    assertContains(response, "much harder")


@pytest.mark.parametrize(
    "params",
    [
        {"attempts": "bogus"},
        {"language": "xx"},
        {"language": "\x00"},
        {"attempts": ["first", "all"]},
    ],
)
def test_odd_parameters_fall_back_to_defaults(analyst_client, params):
    quiz = make_mixed_quiz()
    assert get(analyst_client, quiz, **params).status_code == 200


def test_unknown_table_or_quiz_is_a_404(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 10)
    assert get(analyst_client, quiz, export="nope").status_code == 404
    missing = reverse("admin:quizzes_quiz_statistics", args=["999999"])
    assert analyst_client.get(missing).status_code == 404


def test_review_of_mistakes_counts_in_the_funnel(analyst_client):
    quiz = make_mixed_quiz()
    attempts = bulk_attempts(quiz, 10)
    learner = attempts[0].learner_key
    review = Attempt.objects.start_review(
        user=AnonymousUser(),
        learner_key=learner,
        questions=[quiz.questions.first()],
    )
    answer = review.answers.get()
    answer.record([answer.question.choices.first()])
    report = get(analyst_client, quiz).context["report"]
    assert report.reviewed == 1


def test_erased_learners_attempts_count_one_learner_each(analyst_client):
    """Erasure unlinks finished attempts from their learners, and learners
    from each other: ten erased learners are still ten."""
    quiz = make_mixed_quiz()
    for attempt in bulk_attempts(quiz, 10):
        personal_data.erase(user=AnonymousUser(), learner_key=attempt.learner_key)
    assert not Attempt.objects.filter(learner_key__startswith="learner-").exists()
    report = get(analyst_client, quiz).context["report"]
    assert (report.learners, report.finished) == (10, 10)
    assert not report.suppressed


def test_an_erased_learners_retries_do_not_count_as_more_learners(analyst_client):
    """A learner who finished a quiz three times and then erased their
    progress is still one learner with one first attempt, not three."""
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 9, learner_prefix="others")
    for _try in range(3):
        bulk_attempts(quiz, 1, learner_prefix="retried")
    personal_data.erase(user=AnonymousUser(), learner_key="retried-1-0")
    report = get(analyst_client, quiz).context["report"]
    assert (report.learners, report.finished) == (10, 10)
    # Their two later tries are theirs alone: too few learners to count.
    every = get(analyst_client, quiz, attempts="all").context["report"]
    assert (every.finished, every.retries_left_out) == (10, True)
    personal_data.erase(user=AnonymousUser(), learner_key="others-1-0")
    assert get(analyst_client, quiz).context["report"].learners == 10


def test_the_report_is_cached_until_another_attempt_finishes(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 10)
    cold = count_queries(lambda: get(analyst_client, quiz))
    warm = count_queries(lambda: get(analyst_client, quiz))
    assert warm < cold
    bulk_attempts(quiz, 1, seed=9)
    assert get(analyst_client, quiz).context["report"].finished == 11


def test_statistics_page_queries_do_not_grow_with_data(
    analyst_client, django_assert_num_queries
):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 10, language="en")
    cold = count_queries(lambda: get(analyst_client, quiz))
    cache.clear()
    bulk_attempts(quiz, 40, language="zh-hans", seed=2)
    make_question(quiz)
    with django_assert_num_queries(cold):
        get(analyst_client, quiz)


def test_ten_thousand_attempts_render_well_under_two_seconds(analyst_client, capsys):
    """Cold cache, on the suite's database (SQLite runs in this process).

    The limit holds for the process's CPU time, so that other work on a
    shared machine cannot fail it; the wall time is printed beside it.
    """
    quiz = make_mixed_quiz()
    for _ in range(4):
        make_question(quiz)
    bulk_attempts(quiz, 10_000)
    assert Attempt.objects.filter(quiz=quiz).count() == 10_000
    timings = {}

    def timed(name, **params):
        wall, cpu = time.perf_counter(), time.process_time()
        response = get(analyst_client, quiz, **params)
        timings[name] = (time.process_time() - cpu, time.perf_counter() - wall)
        assert response.status_code == 200
        assert response.context["report"].finished == 10_000

    for mode in (statistics.FIRST, statistics.ALL):
        cache.clear()
        timed(mode, attempts=mode)
    timed("cached", attempts=statistics.ALL)
    # The measurement the issue asks for, shown in every run.
    with capsys.disabled():
        print(  # noqa: T201
            "\nstatistics page, 10,000 attempts (CPU / wall seconds): "
            + ", ".join(
                f"{name} {cpu:.2f} / {wall:.2f}"
                for name, (cpu, wall) in timings.items()
            )
        )
    assert max(cpu for cpu, _wall in timings.values()) < 2.0
    assert timings["cached"][0] < 0.5


def _csv_rows(client, quiz, **params):
    text = get(client, quiz, **params).content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_all_languages_minus_one_language_reveals_no_small_group(analyst_client):
    """The differencing attack of the 2026-12 review: 41 en learners and one
    zh-hant learner; the questions CSV for all languages minus the one for
    en must not give that one learner's marks."""
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 41, language="en", seed=1)
    bulk_attempts(quiz, 1, language="zh-hant", seed=2, learner_prefix="zh")
    everyone = _csv_rows(analyst_client, quiz, export="questions")
    english = _csv_rows(analyst_client, quiz, language="en", export="questions")
    assert everyone == english
    response = get(analyst_client, quiz)
    report = response.context["report"]
    assert (report.learners, report.languages_left_out) == (41, 1)
    assertContains(response, "1 language with fewer than 10 learners is not counted")
    assertNotContains(response, "(1 learners)")
    for table in response.context["tables"]:
        if table.name == "summary":
            continue
        assert _csv_rows(analyst_client, quiz, export=table.name) == _csv_rows(
            analyst_client, quiz, language="en", export=table.name
        ), table.name
    summary = _csv_rows(analyst_client, quiz, export="summary")
    assert ["languages not counted (fewer than 10 learners)", "1"] in summary
    assert ["learners", "41"] in summary


def test_all_attempts_minus_first_attempts_reveals_no_single_retry(analyst_client):
    quiz = make_mixed_quiz()
    bulk_attempts(quiz, 20, language="en")
    bulk_attempts(quiz, 1, language="en", seed=1)  # one learner tries again
    response = get(analyst_client, quiz, attempts="all")
    assert response.context["report"].retries_left_out
    assertContains(response, "Later attempts are not counted in a language")
    for table in response.context["tables"]:
        if table.name == "summary":
            continue
        assert _csv_rows(analyst_client, quiz, export=table.name) == _csv_rows(
            analyst_client, quiz, attempts="all", export=table.name
        ), table.name
