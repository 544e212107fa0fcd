import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from awareness.models import PrecautionTip
from awareness.tests.factories import make_case_study, make_tip
from quizzes.models import Answer, Attempt, Reading

from .factories import make_question, make_quiz

pytestmark = pytest.mark.django_db

FLAGS = (
    ("Dear customer, ", False),
    ("tap http://refund.example ", True),
    ("and enter your SMS code", True),
    (" today.", False),
)


@pytest.fixture
def quiz():
    quiz = make_quiz(slug="calls", pass_mark=60)
    make_question(quiz, prompt="Who calls from +?")
    make_question(
        quiz,
        kind="multiple",
        prompt="Pick the red flags",
        choices=(("Link", True), ("Code", True), ("Greeting", False)),
    )
    make_question(
        quiz,
        kind="scam_or_legit",
        is_scam=False,
        prompt="Scam or legit?",
        body="This is 96110, the anti-fraud line.",
    )
    make_question(
        quiz, kind="red_flags", prompt="Mark the warning signs", choices=FLAGS
    )
    return quiz


def start(client, quiz):
    response = client.post(f"/en/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.latest("started_at")
    assertRedirects(response, f"/en/attempts/{attempt.public_id}/1/")
    return attempt


def keys(client, attempt, position, *texts):
    answer = attempt.answers.get(position=position)
    return [c.key for c in answer.question.choices.all() if c.text in texts]


def answer(client, attempt, position, *texts):
    return client.post(
        f"/en/attempts/{attempt.public_id}/{position}/answer/",
        {"choice": keys(client, attempt, position, *texts)},
    )


def test_a_learner_takes_a_quiz_from_start_to_result(client, quiz):
    attempt = start(client, quiz)
    response = client.get(f"/en/attempts/{attempt.public_id}/1/")
    assertContains(response, "Question 1 of 4")
    assertContains(response, '<progress class="quiz__progress" max="4" value="1"')

    response = answer(client, attempt, 1, "Right")
    assertRedirects(
        response,
        f"/en/attempts/{attempt.public_id}/1/#feedback",
        fetch_redirect_response=False,
    )
    feedback = client.get(f"/en/attempts/{attempt.public_id}/1/")
    assertContains(feedback, "Right.")
    assertContains(feedback, "Why Right.")
    assertContains(feedback, "Why Wrong.")
    assertContains(feedback, f"/en/attempts/{attempt.public_id}/2/")

    answer(client, attempt, 2, "Link", "Greeting")
    answer(client, attempt, 3, "Scam")
    answer(client, attempt, 4, "tap http://refund.example ")
    response = client.get(f"/en/attempts/{attempt.public_id}/4/")
    assertContains(response, "See your result")

    response = client.post(f"/en/attempts/{attempt.public_id}/finish/")
    assertRedirects(response, f"/en/attempts/{attempt.public_id}/")
    result = client.get(f"/en/attempts/{attempt.public_id}/")
    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(100 * (1 + 0 + 0 + 0.5) / 4, abs=0.1)
    assertContains(result, "Not passed yet")
    assertContains(result, "1 of 4 questions fully right")
    assertContains(result, "You doubted 1 of 1 genuine message.")
    # One genuine message and no scam: no bias can be told (content.md, 2).
    assertNotContains(result, "d′")
    assertContains(result, "so far they hold 0 and 1.")
    assertContains(result, "Try again")
    mistakes = client.get(f"/en/attempts/{attempt.public_id}/?show=mistakes")
    assertContains(mistakes, "Your mistakes")
    assertNotContains(mistakes, "Who calls from +?")


def test_feedback_at_the_end_waits_for_the_result(client, quiz):
    quiz.feedback = "end"
    quiz.save()
    attempt = start(client, quiz)
    response = answer(client, attempt, 1, "Wrong")
    assertRedirects(response, f"/en/attempts/{attempt.public_id}/2/")
    assertNotContains(client.get(f"/en/attempts/{attempt.public_id}/1/"), "Why Wrong.")
    for position, text in ((2, "Link"), (3, "Legit"), (4, " today.")):
        answer(client, attempt, position, text)
    response = client.get(f"/en/attempts/{attempt.public_id}/")
    assertContains(response, "All questions answered")
    client.post(f"/en/attempts/{attempt.public_id}/finish/")
    assertContains(client.get(f"/en/attempts/{attempt.public_id}/"), "Why Wrong.")


def test_replayed_post_counts_once(client, quiz):
    attempt = start(client, quiz)
    answer(client, attempt, 1, "Right")
    response = answer(client, attempt, 1, "Wrong")
    assert response.status_code == 302
    recorded = Answer.objects.get(attempt=attempt, position=1)
    assert recorded.mark == 1.0
    assert [c.text for c in recorded.choices.all()] == ["Right"]
    assertContains(client.get(response["Location"]), "your first answer counts")


def test_post_for_a_question_that_is_not_current_redirects(client, quiz):
    attempt = start(client, quiz)
    response = answer(client, attempt, 3, "Scam")
    assertRedirects(response, f"/en/attempts/{attempt.public_id}/1/")
    assert not Answer.objects.get(attempt=attempt, position=3).is_answered


def test_skipping_ahead_by_url_returns_to_the_current_question(client, quiz):
    attempt = start(client, quiz)
    assertRedirects(
        client.get(f"/en/attempts/{attempt.public_id}/3/"),
        f"/en/attempts/{attempt.public_id}/1/",
    )
    assert client.get(f"/en/attempts/{attempt.public_id}/9/").status_code == 404


def test_finishing_early_or_twice_is_harmless(client, quiz):
    attempt = start(client, quiz)
    response = client.post(f"/en/attempts/{attempt.public_id}/finish/")
    assertRedirects(response, f"/en/attempts/{attempt.public_id}/1/")
    for position, text in ((1, "Right"), (2, "Link"), (3, "Legit"), (4, " today.")):
        answer(client, attempt, position, text)
    client.post(f"/en/attempts/{attempt.public_id}/finish/")
    first = Attempt.objects.get(pk=attempt.pk).completed_at
    client.post(f"/en/attempts/{attempt.public_id}/finish/")
    assert Attempt.objects.get(pk=attempt.pk).completed_at == first
    response = answer(client, attempt, 1, "Wrong")
    assertRedirects(response, f"/en/attempts/{attempt.public_id}/")


def test_an_unfinished_attempt_can_be_resumed(client, quiz):
    attempt = start(client, quiz)
    answer(client, attempt, 1, "Right")
    response = client.get(f"/en/quizzes/{quiz.slug}/")
    assertContains(response, "Resume where you left off")
    assertRedirects(
        client.get(f"/en/attempts/{attempt.public_id}/"),
        f"/en/attempts/{attempt.public_id}/2/",
    )


def test_another_learners_attempt_is_a_404(client, quiz):
    attempt = start(client, quiz)
    stranger = Client()
    assert stranger.get(f"/en/attempts/{attempt.public_id}/").status_code == 404
    assert stranger.get(f"/en/attempts/{attempt.public_id}/1/").status_code == 404
    response = stranger.post(
        f"/en/attempts/{attempt.public_id}/1/answer/", {"choice": "x"}
    )
    assert response.status_code == 404
    assert not Answer.objects.filter(answered_at__isnull=False).exists()


def test_the_question_page_holds_no_trace_of_the_answer(client, quiz):
    attempt = start(client, quiz)
    for position in range(1, 5):
        answer_row = attempt.answers.get(position=position)
        page = client.get(
            f"/en/attempts/{attempt.public_id}/{position}/"
        ).content.decode()
        for choice in answer_row.question.choices.all():
            assert choice.explanation not in page
            assert f'name="choice" value="{choice.pk}"' not in page
        for marker in (
            "correct",
            "segment--flag",
            "tag--right",
            "Right answer",
            "Red flag<",
        ):
            assert marker not in page
        values = re.findall(r'name="choice" value="([^"]+)"', page)
        assert values and all(not v.isdigit() for v in values)
        if position < 4:
            answer(client, attempt, position, "Right", "Link", "Legit")


def refused(client, url, data):
    """Post a refused answer; return the question page its redirect opens.

    Without JavaScript the refusal is shown at the question's own address,
    never at the address of the post.
    """
    response = client.post(url, data)
    question_url = url.removesuffix("answer/")
    assertRedirects(response, question_url, fetch_redirect_response=False)
    page = client.get(question_url)
    assert page.status_code == 200
    return page


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"choice": ""},
        {"choice": "not-a-key"},
        {"choice": "1"},
        {"choice": "x" * 10000},
        {"choice": ["a", "b", "c"]},
        {"other": "field"},
    ],
)
def test_malformed_answers_get_a_clear_message_and_no_500(client, quiz, data):
    attempt = start(client, quiz)
    response = refused(client, f"/en/attempts/{attempt.public_id}/1/answer/", data)
    assertContains(response, "form-error")
    assert not Answer.objects.get(attempt=attempt, position=1).is_answered
    answer(client, attempt, 1, "Right")
    assert Answer.objects.get(attempt=attempt, position=1).is_answered


def test_a_choice_from_another_question_is_refused(client, quiz):
    attempt = start(client, quiz)
    foreign = keys(client, attempt, 2, "Link")
    response = refused(
        client, f"/en/attempts/{attempt.public_id}/1/answer/", {"choice": foreign}
    )
    assertContains(response, "not part of this question")


def test_duplicated_choices_count_once(client, quiz):
    attempt = start(client, quiz)
    answer(client, attempt, 1, "Right")
    link = keys(client, attempt, 2, "Link")[0]
    client.post(f"/en/attempts/{attempt.public_id}/2/answer/", {"choice": [link, link]})
    recorded = Answer.objects.get(attempt=attempt, position=2)
    assert recorded.mark == 0.5
    assert recorded.choices.count() == 1


@pytest.mark.parametrize(
    "position, message",
    [
        (2, "Choose at least one option before you continue."),
        (4, "Mark the suspicious parts of the message, or choose"),
    ],
    ids=["select all", "red flags"],
)
def test_select_all_refuses_an_empty_answer_and_the_learner_can_retry(
    client, quiz, position, message
):
    attempt = start(client, quiz)
    for earlier, texts in ((1, ("Right",)), (2, ("Link",)), (3, ("Legit",))):
        if earlier < position:
            answer(client, attempt, earlier, *texts)
    url = f"/en/attempts/{attempt.public_id}/{position}/answer/"
    response = refused(client, url, {})
    assertContains(response, message)
    assert not Answer.objects.get(attempt=attempt, position=position).is_answered
    chosen = keys(client, attempt, position, "Link", "tap http://refund.example ")
    assert client.post(url, {"choice": chosen}).status_code == 302
    assert Answer.objects.get(attempt=attempt, position=position).is_answered


def test_pages_render_the_five_kinds_as_real_inputs(client, quiz):
    attempt = start(client, quiz)
    page = client.get(f"/en/attempts/{attempt.public_id}/1/")
    assertContains(page, 'type="radio"', count=2)
    assertContains(page, "<fieldset")
    assertContains(page, "<legend")
    answer(client, attempt, 1, "Right")
    page = client.get(f"/en/attempts/{attempt.public_id}/2/")
    assertContains(page, 'type="checkbox"', count=3)
    assertContains(page, "Select all that apply")
    answer(client, attempt, 2, "Link")
    page = client.get(f"/en/attempts/{attempt.public_id}/3/")
    assertContains(page, "Training example")
    assertContains(page, "This is 96110")
    answer(client, attempt, 3, "Legit")
    page = client.get(f"/en/attempts/{attempt.public_id}/4/")
    assertContains(page, 'class="segment__input" type="checkbox"', count=4)


def test_quiz_pages_list_and_describe_quizzes(client, quiz):
    assertContains(client.get("/en/quizzes/"), quiz.title)
    page = client.get(f"/en/quizzes/{quiz.slug}/")
    assertContains(page, "4 questions, one per page")
    assertContains(page, "ticking everything scores nothing")
    assert client.get("/en/quizzes/no-such-quiz/").status_code == 404


def test_draft_quizzes_cannot_be_started(client):
    draft = make_quiz(slug="draft", is_published=False)
    make_question(draft)
    assert client.get("/en/quizzes/draft/").status_code == 404
    assert client.post("/en/quizzes/draft/start/").status_code == 404


def test_progress_lists_only_my_attempts(client, quiz):
    attempt = start(client, quiz)
    assertContains(client.get("/en/progress/"), attempt.get_absolute_url())
    assertNotContains(Client().get("/en/progress/"), attempt.get_absolute_url())


def _queries(callable_):
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def _pages_at_size(client, size):
    quiz = make_quiz(slug=f"big-{size}")
    for _ in range(size):
        make_question(quiz, kind="multiple", choices=(("A", 1), ("B", 0), ("C", 1)))
    attempt = start(client, quiz)
    chosen = {"choice": keys(client, attempt, 1, "A")}
    url = f"/en/attempts/{attempt.public_id}/1/"
    counts = {
        "question": _queries(lambda: client.get(url)),
        "answer": _queries(lambda: client.post(f"{url}answer/", chosen)),
        "feedback": _queries(lambda: client.get(url)),
    }
    for position in range(2, size + 1):
        answer(client, attempt, position, "A")
    client.post(f"/en/attempts/{attempt.public_id}/finish/")
    counts["result"] = _queries(
        lambda: client.get(f"/en/attempts/{attempt.public_id}/")
    )
    counts["progress"] = _queries(lambda: client.get("/en/progress/"))
    return counts


def test_query_counts_do_not_grow_with_the_quiz(client):
    small, large = _pages_at_size(client, 3), _pages_at_size(client, 25)
    assert small == large
    assert small == {
        # The answer and where its attempt stands are two plain queries,
        # which Django builds faster than one with subqueries.
        "question": 4,
        "answer": 10,
        "feedback": 6,
        # Three queries more than the page needs, for the ETag that lets
        # a reload of the same page be a 304 (see below): the attempt, the
        # learner's latest finished attempt and their due reviews. "What
        # next" reads the next quiz and the learner's review cards (one
        # query while there are none, as here).
        "result": 11,
        # One for the calibration chart (rated answers counted per level),
        # one for scams caught and genuine messages doubted, pooled,
        # two for the simulations section (its runs, and their state in
        # the ETag), one for the tracks section (the published tracks;
        # there are none here).
        "progress": 11,
    }


def _revisit(client, url):
    """GET url, then again as a browser that kept the page would."""
    first = client.get(url)
    assert first.status_code == 200 and first.has_header("ETag")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    return first, again


def test_reloading_an_unchanged_learner_page_is_a_304(client, quiz):
    attempt = start(client, quiz)
    question = f"/en/attempts/{attempt.public_id}/1/"
    for url in (question, "/en/progress/"):
        first, again = _revisit(client, url)
        assert again.status_code == 304, url
        assert again.content == b""
        assert "no-cache" in first["Cache-Control"]
        assert "private" in first["Cache-Control"]
    # Answering changes both pages: the old copy is not confirmed.
    etags = [client.get(url)["ETag"] for url in (question, "/en/progress/")]
    answer(client, attempt, 1, "Right")
    for url, etag in zip((question, "/en/progress/"), etags, strict=True):
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200, url
        assert response["ETag"] != etag
    for position in range(2, 5):
        answer(client, attempt, position, "Wrong", "Greeting", "Scam", " today.")
    client.post(f"/en/attempts/{attempt.public_id}/finish/")
    _first, again = _revisit(client, f"/en/attempts/{attempt.public_id}/")
    assert again.status_code == 304


def test_a_learner_page_copy_is_never_confirmed_for_someone_else(client, quiz):
    attempt = start(client, quiz)
    url = f"/en/attempts/{attempt.public_id}/1/"
    etag = client.get(url)["ETag"]
    stranger = Client()
    start(stranger, quiz)
    assert stranger.get(url, headers={"If-None-Match": etag}).status_code == 404
    progress = client.get("/en/progress/")["ETag"]
    response = stranger.get("/en/progress/", headers={"If-None-Match": progress})
    assert response.status_code == 200


def test_a_waiting_message_is_shown_not_confirmed(client, quiz):
    attempt = start(client, quiz)
    url = f"/en/attempts/{attempt.public_id}/1/"
    answer(client, attempt, 1, "Right")
    etag = client.get(url)["ETag"]
    # Answering again leaves a message for the page it redirects to.
    answer(client, attempt, 1, "Wrong")
    response = client.get(url, headers={"If-None-Match": etag})
    assertContains(response, "your first answer counts")


def test_with_javascript_the_answer_comes_back_with_its_feedback(client, quiz):
    attempt = start(client, quiz)
    url = f"/en/attempts/{attempt.public_id}/1/"
    data = {"choice": keys(client, attempt, 1, "Right")}
    response = client.post(f"{url}answer/", data, headers={"X-Requested-With": "fetch"})
    assertContains(response, 'id="feedback"')
    assert attempt.answers.get(position=1).mark == 1
    # The same page as the reload after a redirect would show.
    reloaded = client.get(url)
    assertContains(reloaded, 'id="feedback"')
    # Answering again is refused as always, with a redirect and a message.
    again = client.post(f"{url}answer/", data, headers={"X-Requested-With": "fetch"})
    assert again.status_code == 302


def test_progress_shows_best_latest_and_mastery(client, quiz):
    best = ("Right", "Link", "Code", "Legit", "tap http://refund.example ")
    worst = ("Wrong", "Greeting", "Scam", " today.")
    for picks in (best, worst):
        attempt = start(client, quiz)
        for position in range(1, 5):
            answer(client, attempt, position, *picks)
        client.post(f"/en/attempts/{attempt.public_id}/finish/")
    response = client.get("/en/progress/")
    assertContains(response, "Quizzes taken")
    assertContains(response, "Mastery by topic")
    assertContains(response, "Suspicious calls and messages")
    assertContains(response, '<svg class="trend-chart"')
    assertContains(response, "Your scores over time")
    summary = response.context["quizzes"][0]
    assert summary["best"].score > summary["latest"].score


def test_reading_is_recorded_only_for_learners_and_once(client, quiz):
    case_study = make_case_study(slug="trojans", title="Trojans")
    client.get("/en/cases/trojans/")
    assert not Reading.objects.exists()
    start(client, quiz)
    client.get("/en/cases/trojans/")
    client.get("/en/cases/trojans/")
    assert Reading.objects.get().case_study == case_study
    assertContains(client.get("/en/progress/"), "/en/cases/trojans/")


def test_readings_join_the_account_without_duplicates(client, quiz, django_user_model):
    make_tip(slug="wifi")
    user = django_user_model.objects.create_user("learner", password="long-pass-word-1")
    Reading.objects.create(user=user, tip=PrecautionTip.objects.get())
    start(client, quiz)
    client.get("/en/tips/wifi/")
    client.post(
        "/en/accounts/login/", {"username": "learner", "password": "long-pass-word-1"}
    )
    client.post("/en/accounts/join/", {"choice": "keep"})
    assert list(Reading.objects.values_list("user__username", flat=True)) == ["learner"]


def test_staff_with_the_permission_may_read_but_not_answer(
    client, quiz, django_user_model
):
    from django.contrib.auth.models import Permission

    attempt = start(client, quiz)
    staff = django_user_model.objects.create_user("analyst", is_staff=True)
    other = Client()
    other.force_login(staff)
    assert other.get(f"/en/attempts/{attempt.public_id}/").status_code == 404
    staff.user_permissions.add(Permission.objects.get(codename="view_learner_progress"))
    other = Client()
    other.force_login(staff)
    assert other.get(f"/en/attempts/{attempt.public_id}/").status_code == 302
    response = other.post(
        f"/en/attempts/{attempt.public_id}/1/answer/", {"choice": "x"}
    )
    assert response.status_code == 404


def test_red_flag_feedback_counts_cues(client, quiz):
    attempt = start(client, quiz)
    answer(client, attempt, 1, "Right")
    answer(client, attempt, 2, "Link")
    answer(client, attempt, 3, "Legit")
    answer(client, attempt, 4, "tap http://refund.example ", " today.")
    response = client.get(f"/en/attempts/{attempt.public_id}/4/")
    assertContains(
        response,
        "You found 1 of 2 red flags. You marked 1 harmless part as a red flag.",
    )


ALL_CLEAR = (("Your parcel is in locker 12. ", False), ("Pickup code 4821.", False))


@pytest.mark.parametrize(
    "choices, nothing, mark",
    [(ALL_CLEAR, True, 1.0), (ALL_CLEAR, False, 0.0), (FLAGS, True, 0.0)],
    ids=["all-clear, nothing chosen", "all-clear flagged", "scam, nothing chosen"],
)
def test_nothing_suspicious_is_an_answer_right_only_for_an_all_clear(
    client, choices, nothing, mark
):
    quiz = make_quiz(slug="lockers")
    make_question(quiz, kind="red_flags", choices=choices)
    attempt = start(client, quiz)
    page = client.get(f"/en/attempts/{attempt.public_id}/1/")
    # Offered on every red-flag message, so its presence tells nothing.
    assertContains(page, "Nothing here looks suspicious")
    data = (
        {"nothing": "on"}
        if nothing
        else {"choice": keys(client, attempt, 1, choices[0][0])}
    )
    response = client.post(f"/en/attempts/{attempt.public_id}/1/answer/", data)
    assert response.status_code == 302
    assert Answer.objects.get(attempt=attempt, position=1).mark == mark


def test_flagging_parts_and_nothing_at_once_is_refused_and_can_be_retried(client):
    quiz = make_quiz(slug="lockers")
    make_question(quiz, kind="red_flags", choices=FLAGS)
    attempt = start(client, quiz)
    url = f"/en/attempts/{attempt.public_id}/1/answer/"
    flag = keys(client, attempt, 1, "tap http://refund.example ")
    response = refused(client, url, {"choice": flag, "nothing": "on"})
    assertContains(response, "Choose one or the other")
    # What was marked is still marked, for the learner to correct.
    assert re.search(rf'value="{flag[0]}"[^>]* checked', response.content.decode())
    assert not Answer.objects.get(attempt=attempt, position=1).is_answered
    assert client.post(url, {"choice": flag}).status_code == 302


def test_feedback_names_the_belief_behind_a_wrong_choice(client):
    quiz = make_quiz(slug="beliefs")
    make_question(
        quiz,
        choices=(
            ("Hang up and call 110 yourself.", True),
            ("Trust it: the screen says 110.", False, "trusts-caller-id"),
        ),
    )
    attempt = start(client, quiz)
    answer(client, attempt, 1, "Trust it: the screen says 110.")
    page = client.get(f"/en/attempts/{attempt.public_id}/1/")
    assertContains(page, "The belief behind this choice: Trusts")
    assertContains(page, "Trusts the number or name shown")
    page = client.get(f"/zh-hans/attempts/{attempt.public_id}/1/")
    assertContains(page, "相信来电显示或发件人名称")


def test_a_right_choice_names_no_belief(client):
    quiz = make_quiz(slug="beliefs")
    make_question(
        quiz, choices=(("Hang up.", True), ("Trust it.", False, "trusts-caller-id"))
    )
    attempt = start(client, quiz)
    answer(client, attempt, 1, "Hang up.")
    page = client.get(f"/en/attempts/{attempt.public_id}/1/")
    assertNotContains(page, "The belief behind this choice")


def test_a_refused_answer_shows_once_and_is_not_a_stale_304(client, quiz):
    attempt = start(client, quiz)
    url = f"/en/attempts/{attempt.public_id}/1/"
    etag = client.get(url)["ETag"]
    client.post(url + "answer/", {})
    page = client.get(url, headers={"if-none-match": etag})
    assertContains(page, "Choose an answer before you continue.")
    again = client.get(url)
    assertNotContains(again, "form-error")


def test_a_refused_answer_sent_by_the_script_comes_back_in_place(client, quiz):
    attempt = start(client, quiz)
    response = client.post(
        f"/en/attempts/{attempt.public_id}/1/answer/",
        {},
        headers={"x-requested-with": "fetch"},
    )
    assertContains(response, "Choose an answer before you continue.", status_code=400)


def test_focus_starts_at_the_question_and_at_the_first_option_after_an_error(
    client, quiz
):
    attempt = start(client, quiz)
    url = f"/en/attempts/{attempt.public_id}/1/"
    page = client.get(url).content.decode()
    assert re.search(r'<legend[^>]*tabindex="-1" autofocus', page)
    assert page.count("autofocus") == 1
    client.post(url + "answer/", {})
    page = client.get(url).content.decode()
    assert not re.search(r"<legend[^>]*autofocus", page)
    assert re.search(r'<input[^>]*type="radio"[^>]*autofocus', page)
    assert page.count("autofocus") == 1


def test_a_draft_kept_for_another_question_is_not_shown(client, quiz):
    attempt = start(client, quiz)
    client.post(f"/en/attempts/{attempt.public_id}/1/answer/", {})
    answer(client, attempt, 1, "Right")
    page = client.get(f"/en/attempts/{attempt.public_id}/2/")
    assertNotContains(page, "form-error")
