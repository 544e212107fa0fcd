"""Gain, retention and discernment of a track's learners, for staff.

The formulas are those of ../shared/source/statistics.md ("Learning gain
and retention", "Signal-detection measures"). ``analyse`` is pure
computation over one row per learner; ``track_report`` loads those rows in
two flat queries.

As in quizzes.statistics, a group of fewer than MIN_LEARNERS learners gets
no figures, and a figure over every language adds up only the groups whose
own figure is shown, so that subtracting one language's figure from the
total never reveals a group too small to show.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean

from quizzes.models import Answer, Question, learner_identity
from quizzes.signal_detection import tally
from quizzes.statistics import FEW_ATTEMPTS, MIN_LEARNERS

from .models import DELAYS, Stage, TrackCheck


@dataclass
class Learner:
    """One learner's first finished check of each stage in one track."""

    name: str
    language: str
    scores: dict = field(default_factory=dict)
    # stage -> [(is a scam, learner said scam)]
    verdicts: dict = field(default_factory=dict)


@dataclass
class Figure:
    """One measure over the learners it could be computed for."""

    learners: int = 0
    value: object = None
    shown: bool = False
    # The learners it pools, so that the row over every language can add up
    # only the groups where it is shown.
    members: list = field(default_factory=list, repr=False)


@dataclass
class Group:
    language: str | None
    learners: int
    min_learners: int
    figures: dict = field(default_factory=dict)
    languages_left_out: int = 0

    @property
    def suppressed(self):
        return self.learners < self.min_learners

    @property
    def few_learners(self):
        return self.learners < FEW_ATTEMPTS

    def __getitem__(self, name):
        return self.figures[name]


def _gain(learners):
    pre = fmean(learner.scores[Stage.PRE] for learner in learners)
    post = fmean(learner.scores[Stage.POST] for learner in learners)
    # Hake's class-average gain: of the means, so one learner at 100 % on
    # the pre-check does not drop out.
    gain = None if pre >= 100 else (post - pre) / (100 - pre)
    return {"pre": pre, "post": post, "gain": gain}


def _retention(stage):
    def compute(learners):
        post = fmean(learner.scores[Stage.POST] for learner in learners)
        later = fmean(learner.scores[stage] for learner in learners)
        return {
            "post": post,
            "delayed": later,
            "retention": later / post if post else None,
        }

    return compute


def _discernment(learners):
    before = tally(v for learner in learners for v in learner.verdicts[Stage.PRE])
    after = tally(v for learner in learners for v in learner.verdicts[Stage.POST])
    if before is None or after is None:
        return None
    return {
        "before": before,
        "after": after,
        "sensitivity_gain": after.sensitivity - before.sensitivity,
        "bias_change": after.bias - before.bias,
    }


# Each measure: who it counts, and how it is worked out over them.
MEASURES = {
    "gain": (lambda learner: Stage.PRE in learner.scores, _gain),
    **{
        stage: (lambda learner, stage=stage: stage in learner.scores, _retention(stage))
        for stage in DELAYS
    },
    "discernment": (
        lambda learner: (
            learner.verdicts.get(Stage.PRE) and learner.verdicts.get(Stage.POST)
        ),
        _discernment,
    ),
}


def _figure(members, compute, min_learners):
    figure = Figure(learners=len(members), members=members)
    figure.shown = len(members) >= min_learners
    if figure.shown:
        figure.value = compute(members)
    return figure


def analyse(learners, *, min_learners=MIN_LEARNERS):
    """Return (groups by language, the row over every language).

    ``learners`` are those who finished the post-check; each counts in the
    language of that check.
    """
    by_language = defaultdict(list)
    for learner in learners:
        by_language[learner.language].append(learner)
    groups = []
    for language in sorted(by_language):
        members = by_language[language]
        group = Group(language, len(members), min_learners)
        for name, (counts, compute) in MEASURES.items():
            figure = _figure([m for m in members if counts(m)], compute, min_learners)
            if group.suppressed:
                figure = Figure(learners=figure.learners)
            group.figures[name] = figure
        groups.append(group)
    shown = [group for group in groups if not group.suppressed]
    total = Group(
        None,
        sum(group.learners for group in shown),
        min_learners,
        languages_left_out=len(groups) - len(shown),
    )
    for name, (_counts, compute) in MEASURES.items():
        pooled = [
            member
            for group in shown
            if group[name].shown
            for member in group[name].members
        ]
        total.figures[name] = _figure(pooled, compute, min_learners)
        total.figures[name].left_out = sum(
            1 for group in shown if not group[name].shown
        )
    return groups, total


def load_learners(track):
    """Return the Learner rows of a track: two queries."""
    checks = (
        TrackCheck.objects.filter(track=track, attempt__completed_at__isnull=False)
        .order_by("attempt__started_at", "pk")
        .values_list(
            "attempt_id",
            "stage",
            "attempt__user_id",
            "attempt__learner_key",
            "attempt__language",
            "attempt__score",
        )
    )
    verdicts = defaultdict(list)
    for attempt_id, is_scam, mark in (
        Answer.objects.filter(
            attempt__track_check__track=track,
            attempt__completed_at__isnull=False,
            answered_at__isnull=False,
            question__kind=Question.Kind.SCAM_OR_LEGIT,
        )
        .order_by()
        .values_list("attempt_id", "question__is_scam", "mark")
    ):
        # Said "scam": right on a scam, wrong on a genuine message.
        verdicts[attempt_id].append((is_scam, (mark == 1.0) == is_scam))
    learners = {}
    for attempt_id, stage, user_id, key, language, score in checks:
        name = learner_identity(user_id, key, attempt_id)
        learner = learners.setdefault(name, Learner(name, ""))
        if stage in learner.scores:
            continue
        learner.scores[stage] = score
        learner.verdicts[stage] = verdicts.get(attempt_id, [])
        if stage == Stage.POST:
            learner.language = language
    return [learner for learner in learners.values() if Stage.POST in learner.scores]


def track_report(track, *, min_learners=MIN_LEARNERS):
    return analyse(load_learners(track), min_learners=min_learners)
