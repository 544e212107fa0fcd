import datetime
import random

import pytest
from django.utils import timezone
from fsrs import Rating
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quizzes import scheduling
from quizzes.models import Answer, Attempt, Question, ReviewItem
from quizzes.review import REVIEW_SIZE

from .factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    quiz = make_quiz(slug="calls")
    make_question(quiz, prompt="First?")
    make_question(quiz, prompt="Second?")
    return quiz


def take(client, attempt, *texts):
    for answer in attempt.answers.select_related("question"):
        keys = [c.key for c in answer.question.choices.all() if c.text in texts]
        client.post(
            f"/en/attempts/{attempt.public_id}/{answer.position}/answer/",
            {"choice": keys},
        )
    client.post(f"/en/attempts/{attempt.public_id}/finish/")


def pass_time(days):
    """Move every card and answer ``days`` into the past: time passes."""
    delta = datetime.timedelta(days=days)
    for item in ReviewItem.objects.all():
        item.due_at -= delta
        item.last_review -= delta
        item.save(update_fields=["due_at", "last_review"])
    for answer in Answer.objects.filter(answered_at__isnull=False):
        answer.answered_at -= delta
        answer.save(update_fields=["answered_at"])
    for attempt in Attempt.objects.all():
        attempt.started_at -= delta
        attempt.save(update_fields=["started_at"])


def make_due():
    pass_time(70)


def latest_review():
    return Attempt.objects.filter(quiz=None).latest("started_at")


def soon(days, moment):
    expected = timezone.now() + datetime.timedelta(days=days)
    return abs((moment - expected).total_seconds()) < 120


def test_every_answer_is_scheduled_right_ones_too(client, quiz):
    client.post("/en/quizzes/calls/start/")
    attempt = Attempt.objects.get()
    first, second = attempt.answers.select_related("question")
    client.post(
        f"/en/attempts/{attempt.public_id}/1/answer/",
        {"choice": first.question.choices.get(is_correct=False).key},
    )
    client.post(
        f"/en/attempts/{attempt.public_id}/2/answer/",
        {"choice": second.question.choices.get(is_correct=True).key},
    )
    wrong = ReviewItem.objects.get(question=first.question)
    right = ReviewItem.objects.get(question=second.question)
    # FSRS, default parameters: Again comes back after a day, Good after two.
    assert soon(1, wrong.due_at) and soon(2, right.due_at)
    assert wrong.difficulty > right.difficulty
    assert (wrong.reps, right.reps) == (1, 1)
    assertContains(client.get("/en/review/"), "Nothing is due yet")


def test_the_mark_gives_the_rating():
    assert scheduling.rating(0.0) == Rating.Again
    assert scheduling.rating(0.5) == Rating.Hard
    assert scheduling.rating(1.0) == Rating.Good


def test_partial_credit_is_hard_between_again_and_good(client):
    quiz = make_quiz(slug="multi")
    make_question(
        quiz,
        kind="multiple",
        choices=(("A", True), ("B", True), ("C", False)),
    )
    client.post("/en/quizzes/multi/start/")
    take(client, Attempt.objects.get(), "A")
    item = ReviewItem.objects.get()
    assert item.stability == pytest.approx(
        scheduling.SCHEDULER.parameters[Rating.Hard - 1]
    )


def test_one_card_per_family_and_a_question_without_one_is_its_own(client):
    quiz = make_quiz(slug="fam")
    make_question(quiz, key="calls-a1", family="calls-bank")
    make_question(quiz, key="calls-a2", family="calls-bank")
    make_question(quiz, key="calls-solo")
    client.post("/en/quizzes/fam/start/")
    take(client, Attempt.objects.get(), "Right")
    assert sorted(ReviewItem.objects.values_list("family", "reps")) == [
        ("calls-bank", 2),
        ("key:calls-solo", 1),
    ]


def test_a_card_made_before_its_family_was_named_joins_it(client):
    quiz = make_quiz(slug="later")
    first = make_question(quiz, key="calls-b1")
    second = make_question(quiz, key="calls-b2")
    client.post("/en/quizzes/later/start/")
    take(client, Attempt.objects.get(), "Wrong")
    assert ReviewItem.objects.count() == 2
    # The content writers give both questions a family.
    Question.objects.filter(pk__in=[first.pk, second.pk]).update(family="calls-b")
    pass_time(3)
    assertContains(client.get("/en/review/"), "1 question is due for review")
    client.post("/en/review/start/")
    take(client, latest_review(), "Right")
    item = ReviewItem.objects.get()
    assert (item.family, item.reps) == ("calls-b", 2)


@pytest.fixture
def family_quiz():
    quiz = make_quiz(slug="variants")
    for n in (1, 2, 3):
        make_question(
            quiz, key=f"calls-v{n}", family="calls-refund", prompt=f"Variant {n}?"
        )
    quiz.draw = 1
    quiz.save()
    return quiz


def shown_in(attempt):
    return list(attempt.answers.values_list("question__key", flat=True))


def test_a_review_shows_a_variant_not_yet_seen(client, family_quiz):
    client.post("/en/quizzes/variants/start/")
    seen = shown_in(Attempt.objects.get())
    take(client, Attempt.objects.get(), "Wrong")
    make_due()
    client.post("/en/review/start/")
    first_review = shown_in(latest_review())
    assert len(first_review) == 1 and first_review[0] not in seen
    take(client, latest_review(), "Wrong")
    make_due()
    client.post("/en/review/start/")
    second_review = shown_in(latest_review())
    assert second_review[0] not in seen + first_review


def test_with_every_variant_seen_the_least_recent_comes_back(client, family_quiz):
    family_quiz.draw = 0
    family_quiz.save()
    client.post("/en/quizzes/variants/start/")
    take(client, Attempt.objects.get(), "Wrong")
    # Answered in order: variant 1 is the one seen longest ago.
    make_due()
    client.post("/en/review/start/")
    assert shown_in(latest_review()) == ["calls-v1"]


def test_choose_variant_prefers_unseen_then_least_recent():
    variants = [Question(pk=pk) for pk in (1, 2, 3)]
    now = timezone.now()
    seen = {1: now, 2: now - datetime.timedelta(days=2)}
    assert scheduling.choose_variant(variants, seen).pk == 3
    seen[3] = now - datetime.timedelta(days=1)
    assert scheduling.choose_variant(variants, seen).pk == 2


def many_due(client, calls=8, shopping=4):
    quiz = make_quiz(slug="many", shuffle_questions=False)
    for n in range(calls):
        make_question(quiz, key=f"calls-m{n}", topic="calls")
    for n in range(shopping):
        make_question(quiz, key=f"shop-m{n}", topic="shopping")
    client.post("/en/quizzes/many/start/")
    take(client, Attempt.objects.get(quiz=quiz), "Wrong")
    make_due()
    return quiz


def test_a_review_is_one_mixed_session_of_at_most_ten(client):
    many_due(client)
    response = client.get("/en/review/")
    assertContains(response, "12 questions are due for review")
    assertContains(response, "Review 10 of the 12 now")
    client.post("/en/review/start/")
    topics = list(latest_review().answers.values_list("question__topic", flat=True))
    assert len(topics) == REVIEW_SIZE
    assert topics.count("shopping") == 4
    # Topics take turns while both are left.
    assert topics[:8] == ["calls", "shopping"] * 4


def test_counts_agree_the_button_starts_what_it_says(client):
    many_due(client, calls=2, shopping=1)
    assertContains(client.get("/en/review/"), "Review the 3 questions now")
    client.post("/en/review/start/")
    assert latest_review().answers.count() == 3


def test_practising_early_says_how_many_it_starts(client):
    many_due(client)
    pass_time(-80)  # back before any is due
    response = client.get("/en/review/")
    assertContains(response, "Practise 10 of your 12 questions now anyway")
    client.post("/en/review/start/", {"scope": "all"})
    assert latest_review().answers.count() == 10


def test_a_review_answer_goes_through_the_answer_path_once(client, quiz):
    client.post("/en/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    make_due()
    client.post("/en/review/start/")
    review = latest_review()
    answer = review.answers.select_related("question").first()
    right = answer.question.choices.get(is_correct=True).key
    url = f"/en/attempts/{review.public_id}/1/answer/"
    before = ReviewItem.objects.get(question=answer.question).reps
    client.post(url, {"choice": right})
    client.post(url, {"choice": right})
    item = ReviewItem.objects.get(family=scheduling.family_key(answer.question))
    assert item.reps == before + 1
    assert item.due_at > timezone.now() + datetime.timedelta(days=1)


def test_starting_twice_resumes_the_same_review(client, quiz):
    client.post("/en/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    make_due()
    first = client.post("/en/review/start/")
    second = client.post("/en/review/start/")
    assert Attempt.objects.filter(quiz=None).count() == 1
    review = latest_review()
    assertRedirects(first, f"/en/attempts/{review.public_id}/1/")
    assertRedirects(second, review.get_absolute_url(), target_status_code=302)
    assertContains(client.get("/en/review/"), "Resume the review")


def test_the_page_says_when_the_next_items_fall_due(client, quiz):
    client.post("/en/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    response = client.get("/en/review/")
    assertContains(response, "Nothing is due yet. The next question comes back on")
    assertContains(response, "(UTC+8), in 23")
    assertContains(response, "Coming up")
    assertContains(response, "2 questions from")


def test_the_page_speaks_the_learners_language(client, quiz):
    client.post("/zh-hans/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    response = client.get("/zh-hans/review/")
    assertContains(response, "还没有到期的题目")
    assertContains(response, "UTC+8")
    assertNotContains(response, "您")


def test_nothing_to_review_is_a_clear_message(client):
    response = client.post("/en/review/start/")
    assertRedirects(response, "/en/review/")
    assertContains(client.get("/en/review/"), "Nothing to review yet")


def test_review_cards_join_the_account(client, quiz, django_user_model):
    django_user_model.objects.create_user("learner", password="long-pass-word-1")
    client.post("/en/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    client.post(
        "/en/accounts/login/", {"username": "learner", "password": "long-pass-word-1"}
    )
    client.post("/en/accounts/join/", {"choice": "keep"})
    assert set(ReviewItem.objects.values_list("user__username", flat=True)) == {
        "learner"
    }


def test_the_interleave_takes_topics_in_turn():
    items = ["a1", "a2", "a3", "b1", "c1", "b2"]
    chosen = scheduling.interleave(items, lambda item: item[0], 5)
    assert chosen == ["a1", "b1", "c1", "a2", "b2"]


def test_a_draw_keeps_the_quizs_share_of_legit_items():
    quiz = make_quiz(slug="draw", draw=5)
    legit = [make_question(quiz, kind="scam_or_legit", is_scam=False) for _ in range(4)]
    [make_question(quiz, kind="scam_or_legit", is_scam=True) for _ in range(4)]
    [make_question(quiz) for _ in range(2)]
    from django.contrib.auth.models import AnonymousUser

    for _ in range(30):
        attempt = Attempt.objects.start(
            quiz=quiz, user=AnonymousUser(), learner_key="k"
        )
        drawn = set(attempt.answers.values_list("question", flat=True))
        assert len(drawn) == 5
        # 4 of 10 are legit: 2 of 5 drawn.
        assert len(drawn & {q.pk for q in legit}) == 2


def test_a_small_draw_still_has_a_legit_item_beside_a_scam():
    from quizzes.models import draw_questions, is_legit_item

    quiz = make_quiz(slug="small-draw")
    questions = [make_question(quiz, kind="scam_or_legit", is_scam=False)]
    questions += [make_question(quiz, kind="scam_or_legit") for _ in range(3)]
    questions += [make_question(quiz) for _ in range(6)]
    for seed in range(200):
        drawn = draw_questions(questions, 3, random.Random(seed))
        assert len(set(drawn)) == 3
        if any(q.kind == "scam_or_legit" for q in drawn):
            assert any(is_legit_item(q) for q in drawn), seed
