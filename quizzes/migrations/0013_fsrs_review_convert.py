# FSRS review, step 2 of 3: one FSRS card per learner and item family.
#
# The Leitner queue held only mistakes; FSRS schedules every item answered.
# So each learner's answer history is replayed through FSRS, family by
# family (a question without a family is its own, under "key:<its key>"),
# with the ratings the site now gives: wrong Again, partly right Hard,
# right Good. A queued question that has no history left (its attempt was
# deleted) becomes a card as its box says: last reviewed one interval ago.
# No card comes due later than the Leitner queue had promised. Erased
# attempts (no learner) make no card. The settings are the site's as of
# this migration, without fuzz, so that the conversion is repeatable.

from datetime import UTC, timedelta

from django.db import migrations
from fsrs import Card, Rating, Scheduler, State

LEITNER_DAYS = (1, 3, 7, 14)
ERASED_PREFIX = "erased:"


def scheduler():
    return Scheduler(
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=60,
        enable_fuzzing=False,
    )


def family_key(family, key):
    return family or f"key:{key}"


def rating(mark):
    if mark >= 1.0:
        return Rating.Good
    return Rating.Hard if mark > 0 else Rating.Again


def owner_of(user_id, learner_key):
    if user_id is not None:
        return (user_id, "")
    if learner_key and not learner_key.startswith(ERASED_PREFIX):
        return (None, learner_key)
    return None


def convert(apps, schema_editor):
    ReviewItem = apps.get_model("quizzes", "ReviewItem")
    Answer = apps.get_model("quizzes", "Answer")
    fsrs = scheduler()
    cards = {}
    history = (
        Answer.objects.filter(answered_at__isnull=False, mark__isnull=False)
        .order_by("answered_at", "pk")
        .values_list(
            "attempt__user_id",
            "attempt__learner_key",
            "question_id",
            "question__family",
            "question__key",
            "mark",
            "answered_at",
        )
    )
    for user_id, key, question_id, family, question_key, mark, when in (
        history.iterator(chunk_size=2000)
    ):
        owner = owner_of(user_id, key)
        if owner is None:
            continue
        slot = (owner, family_key(family, question_key))
        entry = cards.get(slot)
        card = entry["card"] if entry else Card(card_id=1, due=when)
        if entry and mark == 0:
            entry["lapses"] += 1
        card, _log = fsrs.review_card(card, rating(mark), when.astimezone(UTC))
        entry = entry or {"lapses": 0, "reps": 0, "due": None}
        entry.update(card=card, question_id=question_id, reps=entry["reps"] + 1)
        cards[slot] = entry
    for item in ReviewItem.objects.select_related("question").order_by("due_at"):
        owner = owner_of(item.user_id, item.learner_key)
        if owner is None:
            continue
        slot = (owner, family_key(item.question.family, item.question.key))
        entry = cards.get(slot)
        if entry is None:
            days = LEITNER_DAYS[min(max(item.box, 1), len(LEITNER_DAYS)) - 1]
            last = item.due_at - timedelta(days=days)
            first = fsrs.review_card(
                Card(card_id=1, due=last), Rating.Again, last.astimezone(UTC)
            )[0]
            entry = cards[slot] = {
                "card": Card(
                    card_id=1,
                    state=State.Review,
                    step=None,
                    stability=float(days),
                    difficulty=first.difficulty,
                    due=item.due_at,
                    last_review=last,
                ),
                "question_id": item.question_id,
                "reps": item.box,
                "lapses": 1,
                "due": None,
            }
        # The queue's promise stands: nothing comes back later than it said.
        if entry["due"] is None or item.due_at < entry["due"]:
            entry["due"] = item.due_at
    ReviewItem.objects.all().delete()
    rows = []
    for ((user_id, key), family), entry in cards.items():
        card = entry["card"]
        due = card.due if entry["due"] is None else min(card.due, entry["due"])
        rows.append(
            ReviewItem(
                user_id=user_id,
                learner_key=key,
                family=family,
                question_id=entry["question_id"],
                box=1,
                state=int(card.state),
                stability=card.stability,
                difficulty=card.difficulty,
                due_at=due,
                last_review=card.last_review,
                reps=entry["reps"],
                lapses=entry["lapses"],
            )
        )
    ReviewItem.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [("quizzes", "0012_fsrs_review")]

    # Backwards, the cards stay as they are: 0012 backwards gives each a box.
    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
