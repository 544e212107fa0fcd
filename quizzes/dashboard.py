"""What a learner with progress sees first: the home page and the quiz list.

In progress (to resume), reviews due (counted as "start review" starts
them), the best score per quiz and the quiz to take next. A fixed number
of queries however many attempts or quizzes: the learner's attempts, then
their review cards (two, see review.cards_for).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from . import review, scheduling
from .models import Attempt

# A review left open this long is not resumed but started afresh
# (views.unfinished_review reads the same).
REVIEW_RESUMABLE = timedelta(days=1)


@dataclass
class Dashboard:
    # The latest unfinished attempt at each quiz, newest first.
    in_progress: list = field(default_factory=list)
    # An unfinished review "start review" would resume, or None.
    open_review: Attempt | None = None
    due_count: int = 0
    # How many questions "start review" starts now: a session holds at
    # most review.REVIEW_SIZE of the due ones.
    review_size: int = 0
    # Quiz pk -> the learner's best finished attempt at it.
    best: dict = field(default_factory=dict)
    attempted: set = field(default_factory=set)

    @property
    def has_progress(self):
        return bool(self.in_progress or self.open_review or self.best or self.due_count)

    def suggest(self, quizzes):
        """Return the quiz to take next, or None once every quiz is passed.

        The first quiz (in the site's order) never tried, else the one with
        the lowest best score not yet passed; one in progress is offered to
        resume instead.
        """
        busy = {attempt.quiz_id for attempt in self.in_progress}
        fresh = [q for q in quizzes if q.pk not in self.attempted]
        if fresh:
            return fresh[0]
        failing = [
            q
            for q in quizzes
            if q.pk not in busy and q.pk in self.best and not self.best[q.pk].passed()
        ]
        return min(failing, key=lambda q: self.best[q.pk].score, default=None)

    def annotate(self, quizzes):
        """Set `best` and `unfinished` on each quiz, for the quiz list."""
        unfinished = {attempt.quiz_id: attempt for attempt in self.in_progress}
        for quiz in quizzes:
            quiz.best = self.best.get(quiz.pk)
            quiz.unfinished = unfinished.get(quiz.pk)
        return quizzes


def for_learner(user, learner_key, now=None):
    """Return the learner's Dashboard; an empty one for a new visitor."""
    now = now or timezone.now()
    board = Dashboard()
    attempts = (
        Attempt.objects.for_learner(user, learner_key)
        # The whole quiz row: its title is translated (modeltranslation
        # reads the language's column, which only() would defer).
        .select_related("quiz")
        .order_by("-started_at", "-pk")
    )
    # A new visitor's queryset is none(): it reads nothing.
    for attempt in attempts:
        if attempt.is_review:
            if (
                board.open_review is None
                and not attempt.is_finished
                and attempt.started_at >= now - REVIEW_RESUMABLE
            ):
                board.open_review = attempt
            continue
        board.attempted.add(attempt.quiz_id)
        if not attempt.is_finished:
            if attempt.quiz_id not in {a.quiz_id for a in board.in_progress}:
                board.in_progress.append(attempt)
            continue
        best = board.best.get(attempt.quiz_id)
        if best is None or attempt.score > best.score:
            board.best[attempt.quiz_id] = attempt
    if not board.attempted and board.open_review is None:
        # Reviews come only from answers: no attempt, no cards to read.
        return board
    due = review.due(review.cards_for(user, learner_key), at=now)
    board.due_count = len(due)
    board.review_size = len(
        scheduling.interleave(due, lambda card: card.topic, review.REVIEW_SIZE)
    )
    return board
