"""Which items a track's checks ask, and what a learner's checks say.

A check is a short set of scam-or-legit items from the track's quizzes.
The pre-check takes variants the learner has not answered; the post-check
and the delayed checks ask the same families again through another
variant where the family has one (statistics.md, "Learning gain and
retention"), so that a rise shows the cue learnt, not the message
remembered.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from quizzes.models import Answer, Attempt, Question, learner_rows
from quizzes.scheduling import family_key
from quizzes.signal_detection import discernment

from .models import DELAYS, Stage, Track, TrackCheck, TrackQuiz, due_at

# About six items: enough for a score and for both kinds of message, short
# enough to take before the first quiz.
CHECK_SIZE = 6
# Stages in the order they are taken.
ORDER = (Stage.PRE, Stage.POST, Stage.WEEK, Stage.MONTH)


def item_pool(track):
    """Return the track's published scam-or-legit items, by family."""
    questions = Question.objects.published().filter(
        kind=Question.Kind.SCAM_OR_LEGIT,
        quiz__in=TrackQuiz.objects.filter(track=track, quiz__is_published=True).values(
            "quiz"
        ),
    )
    families = defaultdict(list)
    for question in questions.order_by("pk"):
        families[family_key(question)].append(question)
    return families


def seen_questions(user, learner_key):
    """Return the ids of the questions the learner has answered anywhere."""
    return set(
        Answer.objects.filter(
            attempt__in=Attempt.objects.for_learner(user, learner_key).values("pk"),
            answered_at__isnull=False,
        ).values_list("question_id", flat=True)
    )


def choose_first(families, seen, rng, size=CHECK_SIZE):
    """Return about ``size`` unseen variants, half scams and half genuine.

    Families with a second variant come first, so that a later check can
    ask the same cue on another message.
    """
    picks = {True: [], False: []}
    names = sorted(families)
    rng.shuffle(names)
    names.sort(key=lambda name: len(families[name]) < 2)
    for name in names:
        unseen = [q for q in families[name] if q.pk not in seen]
        if unseen:
            question = rng.choice(unseen)
            picks[bool(question.is_scam)].append(question)
    legit = min(len(picks[False]), size // 2)
    scams = min(len(picks[True]), size - legit)
    legit = min(len(picks[False]), size - scams)
    chosen = picks[True][:scams] + picks[False][:legit]
    rng.shuffle(chosen)
    return chosen


def choose_parallel(families, earlier, used, seen, rng):
    """Return one variant of each family of ``earlier``, another where it can.

    ``earlier`` is the latest check's questions, ``used`` those of every
    earlier check: a family with another variant gives one no check asked,
    preferring one the learner has not answered, else one the latest check
    did not ask.
    """
    chosen = []
    for question in earlier:
        variants = families.get(family_key(question)) or [question]
        fresh = [q for q in variants if q.pk not in used]
        unseen = [q for q in fresh if q.pk not in seen]
        # Every variant asked already: at least not the one asked last.
        other = [q for q in variants if q.pk != question.pk]
        chosen.append(rng.choice(unseen or fresh or other or variants))
    rng.shuffle(chosen)
    return chosen


@transaction.atomic
def start_check(*, track, stage, user, learner_key, language=""):
    """Start a check of this stage for the learner; return its attempt."""
    families = item_pool(track)
    seen = seen_questions(user, learner_key)
    rng = random.Random()
    earlier = list(
        TrackCheck.objects.for_learner(user, learner_key)
        .filter(track=track, attempt__completed_at__isnull=False)
        .order_by("attempt__started_at")
        .prefetch_related(
            Prefetch(
                "attempt__answers", queryset=Answer.objects.select_related("question")
            )
        )
    )
    asked = {
        check.stage: [answer.question for answer in check.attempt.answers.all()]
        for check in earlier
    }
    used = {q.pk for questions in asked.values() for q in questions}
    # The latest check: checks are read oldest first.
    base = list(asked.values())[-1] if asked else None
    if stage == Stage.PRE or not base:
        questions = choose_first(families, seen, rng)
        if not questions:
            # Everything answered already: the same cues, fewest repeats.
            questions = choose_first(families, set(), rng)
    else:
        questions = choose_parallel(families, base, used, seen, rng)
    attempt = Attempt.objects.start_review(
        user=user,
        learner_key=learner_key,
        questions=questions,
        language=language,
        is_check=True,
    )
    TrackCheck.objects.create(attempt=attempt, track=track, stage=stage)
    return attempt


@dataclass
class StageResult:
    stage: str
    label: str
    attempt: Attempt
    discernment: object

    @property
    def score(self):
        return self.attempt.score


@dataclass
class LearnerTrack:
    """Where one learner stands in one track, and what the checks say."""

    track: Track
    quizzes: list
    finished_quizzes: set
    results: dict = field(default_factory=dict)
    unfinished: dict = field(default_factory=dict)

    @property
    def quizzes_done(self):
        return sum(1 for quiz in self.quizzes if quiz.pk in self.finished_quizzes)

    @property
    def started(self):
        """True once the learner took or began one of the track's checks."""
        return bool(self.results or self.unfinished)

    @property
    def all_quizzes_done(self):
        return bool(self.quizzes) and self.quizzes_done == len(self.quizzes)

    @property
    def in_progress(self):
        return self.started and Stage.POST not in self.results

    def due_at(self, stage):
        post = self.results.get(Stage.POST)
        return due_at(post.attempt.completed_at if post else None, stage)

    def offer(self, now=None):
        """Return the stage of check to offer now, or None."""
        now = now or timezone.now()
        # Unseen variants still say where the learner starts from after a
        # quiz or two taken before the track; not after all of them.
        if not self.results and not self.all_quizzes_done:
            return Stage.PRE
        if Stage.POST not in self.results:
            return Stage.POST if self.all_quizzes_done else None
        for stage in DELAYS:
            if stage not in self.results:
                when = self.due_at(stage)
                return stage if when <= now else None
        return None

    @property
    def next_delayed(self):
        """Return (stage, when) of the next delayed check not yet taken."""
        if Stage.POST not in self.results:
            return None
        for stage in DELAYS:
            if stage not in self.results:
                return stage, self.due_at(stage)
        return None

    @property
    def delayed(self):
        """Return the latest delayed check taken, or None."""
        for stage in (Stage.MONTH, Stage.WEEK):
            if stage in self.results:
                return self.results[stage]
        return None

    @property
    def gain(self):
        """Return the normalised gain (post − pre) / (100 − pre), or None."""
        pre, post = self.results.get(Stage.PRE), self.results.get(Stage.POST)
        if pre is None or post is None or pre.score >= 100:
            return None
        return (post.score - pre.score) / (100 - pre.score)

    def retention(self, stage):
        """Return a delayed score over the post score, or None."""
        post, later = self.results.get(Stage.POST), self.results.get(stage)
        if post is None or later is None or not post.score:
            return None
        return later.score / post.score

    @property
    def retentions(self):
        return [
            (self.results[stage], self.retention(stage))
            for stage in DELAYS
            if self.retention(stage) is not None
        ]

    @property
    def stages(self):
        return [self.results[stage] for stage in ORDER if stage in self.results]

    @property
    def has_figures(self):
        return bool(self.results)


def learner_tracks(user, learner_key, tracks=None):
    """Return a LearnerTrack for each published track (or the given ones).

    A fixed number of queries, whatever the number of tracks or checks.
    """
    if tracks is None:
        tracks = Track.objects.published()
    tracks = list(
        tracks.prefetch_related(
            Prefetch(
                "steps",
                queryset=TrackQuiz.objects.filter(quiz__is_published=True)
                .select_related("quiz")
                .only("track_id", "position", "quiz__slug", "quiz__title"),
            )
        )
    )
    attempts = Attempt.objects.for_learner(user, learner_key)
    if not tracks or learner_rows(user, learner_key) is None:
        finished, checks = set(), []
    else:
        finished = set(
            attempts.finished()
            .filter(quiz__isnull=False)
            .values_list("quiz_id", flat=True)
            .distinct()
        )
        checks = list(
            TrackCheck.objects.filter(
                attempt__in=attempts.values("pk"),
                track__in=[track.pk for track in tracks],
            )
            .select_related("attempt")
            .prefetch_related(
                Prefetch(
                    "attempt__answers",
                    queryset=Answer.objects.select_related("question").only(
                        "attempt_id",
                        "position",
                        "mark",
                        "answered_at",
                        "question__kind",
                        "question__is_scam",
                    ),
                )
            )
            .order_by("attempt__started_at")
        )
    labels = dict(Stage.choices)
    found = {}
    for track in tracks:
        found[track.pk] = LearnerTrack(
            track=track,
            quizzes=[step.quiz for step in track.steps.all()],
            finished_quizzes=finished,
        )
    for check in checks:
        entry = found[check.track_id]
        attempt = check.attempt
        if attempt.is_finished:
            # The first finished check of a stage is the one that counts.
            entry.results.setdefault(
                check.stage,
                StageResult(
                    check.stage,
                    labels[check.stage],
                    attempt,
                    discernment(attempt.answers.all()),
                ),
            )
        else:
            entry.unfinished.setdefault(check.stage, attempt)
    return list(found.values())
