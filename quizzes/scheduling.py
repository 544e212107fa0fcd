"""Spaced review with FSRS: when each item family comes back, and in what order.

Every answer a learner gives is a review of its family's card (one card per
learner per family; a question without a family is a family of its own).
The mark gives the rating: wrong is Again, partly right is Hard, right is
Good (the maintainers' advice for right/wrong answers). The scheduler uses
FSRS's default parameters and desired retention; its same-day learning
steps are left out, because a review here is a visit on another day, not a
flashcard turned again a minute later (with them, a wrong answer would be
"due" one minute after the quiz). And no interval grows past two months:
training effects on scam spotting fade within one to two months, and a
short booster restores them (../shared/source/statistics.md).
"""

import random
from collections import defaultdict
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler, State

MAXIMUM_INTERVAL_DAYS = 60
SCHEDULER = Scheduler(
    learning_steps=(), relearning_steps=(), maximum_interval=MAXIMUM_INTERVAL_DAYS
)

# Families are slugs, which have no colon: a question without a family
# is scheduled under its key with this prefix, and no family can collide.
SOLO_PREFIX = "key:"


def family_key(question):
    """Return the family a question is scheduled under."""
    return question.family or f"{SOLO_PREFIX}{question.key}"


def rating(mark):
    """Return the FSRS rating of a mark from 0 to 1."""
    if mark >= 1.0:
        return Rating.Good
    if mark > 0:
        return Rating.Hard
    return Rating.Again


def review(item, mark, when):
    """Review an item's card with this mark at ``when``; update it in place.

    ``item`` has the card's fields (state, stability, difficulty, due_at,
    last_review, reps, lapses); a new item has no stability yet.
    """
    # A card id of our own: fsrs would otherwise wait a millisecond to make one.
    if item.stability is None:
        card = Card(card_id=1, due=when)
    else:
        card = Card(
            card_id=1,
            state=State(item.state),
            step=None if item.state == State.Review else 0,
            stability=item.stability,
            difficulty=item.difficulty,
            due=item.due_at,
            last_review=item.last_review,
        )
    card, _log = SCHEDULER.review_card(card, rating(mark), when.astimezone(UTC))
    if item.stability is not None and mark == 0:
        item.lapses = (item.lapses or 0) + 1
    item.state = int(card.state)
    item.stability = card.stability
    item.difficulty = card.difficulty
    item.due_at = card.due
    item.last_review = card.last_review
    item.reps = (item.reps or 0) + 1
    return item


def choose_variant(variants, seen, *, rng=random):
    """Return the variant to show: one never seen, else the least recently seen.

    ``variants`` are the family's published questions; ``seen`` maps a
    question's pk to when the learner last answered it.
    """
    unseen = [question for question in variants if question.pk not in seen]
    if unseen:
        return rng.choice(unseen)
    return min(variants, key=lambda question: (seen[question.pk], question.pk))


def interleave(items, topic, limit):
    """Return at most ``limit`` items, taking topics in turn.

    ``items`` come most urgent first; each round takes the most urgent item
    left of each topic, topics in the order their most urgent item comes,
    so that a session mixes topics and no two neighbours share one while
    another topic is left.
    """
    by_topic = defaultdict(list)
    for item in items:
        by_topic[topic(item)].append(item)
    queues = list(by_topic.values())
    chosen = []
    while queues and len(chosen) < limit:
        for queue in queues:
            if len(chosen) < limit:
                chosen.append(queue.pop(0))
        queues = [queue for queue in queues if queue]
    return chosen


def now():
    return datetime.now(UTC)
