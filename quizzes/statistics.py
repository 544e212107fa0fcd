"""Item analysis of quiz attempts, after Moodle's quiz statistics report.

The formulas are those of ../shared/source/statistics.md. ``analyse`` is pure
computation over plain rows, so it can be checked against numbers worked out
by hand; ``quiz_report`` loads those rows with a few flat queries and caches
the result.

Every mark is between 0 and 1 and every question is worth 1, so a facility is
a mean mark and a total is a sum of marks.
"""

import math
import operator
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from math import comb

from django.core.cache import cache
from django.db.models import Count, Max

from .confidence import Confidence
from .models import (
    Answer,
    Attempt,
    Question,
    learner_identity,
    learner_identity_expression,
)
from .signal_detection import Discernment, tally

# Below this many learners a group's statistics are hidden, so that no one
# can be singled out.
MIN_LEARNERS = 10
# Below this many attempts item statistics are too noisy to act on.
FEW_ATTEMPTS = 30
# A question whose facility in one language is this much lower than in
# another probably has a translation problem.
LANGUAGE_GAP = 0.2
# Moodle caches for 15 minutes; a new finished attempt changes the key anyway,
# so this only bounds how stale the funnel and edits to options can be.
CACHE_SECONDS = 300

FIRST, ALL = "first", "all"

# Why a question needs checking, after Moodle's report.
EASY, HARD, WEAK, NEGATIVE, CHANCE = "easy", "hard", "weak", "negative", "chance"


def mean(values):
    return sum(values) / len(values)


def variance(values):
    """Return the sample variance (divided by S − 1)."""
    return covariance(values, values)


def covariance(xs, ys):
    """Return the sample covariance (divided by S − 1)."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = mean(xs), mean(ys)
    if xs is ys:
        dx = dy = [x - mx for x in xs]
    else:
        dx, dy = [x - mx for x in xs], [y - my for y in ys]
    return sum(map(operator.mul, dx, dy)) / (n - 1)


def random_guess_score(kind, right, options):
    """Return the mean mark over every answer the form accepts.

    A single-answer question takes one option, so this is right / options,
    Moodle's "mean of all choices' fractions". A select-all or red-flag
    question takes any subset of its options, each scoring
    max(0, (right picks − wrong picks) / right options); every subset counts
    once.
    """
    if not options:
        return None
    if kind not in (Question.Kind.MULTIPLE, Question.Kind.RED_FLAGS):
        return right / options
    if not right:
        return 0.0
    wrong = options - right
    total = sum(
        comb(right, hits) * comb(wrong, misses) * max(0, hits - misses) / right
        for hits in range(right + 1)
        for misses in range(wrong + 1)
    )
    return total / 2**options


@dataclass(frozen=True)
class ItemMeasures:
    facility: float
    sd: float | None
    discrimination: float | None
    efficiency: float | None


def item_measures(marks, rests):
    """Return an item's measures from its marks and the rest-of-test totals.

    Discrimination is 100 × the correlation of the item with the rest of the
    test; efficiency divides the same covariance by the largest one the two
    distributions allow, found by sorting both independently.
    """
    facility = mean(marks)
    item_var, rest_var = variance(marks), variance(rests)
    cov = covariance(marks, rests)
    discrimination = efficiency = None
    if cov is not None and item_var > 0 and rest_var > 0:
        discrimination = 100 * cov / math.sqrt(item_var * rest_var)
        most = covariance(sorted(marks), sorted(rests))
        if most > 0:
            efficiency = 100 * cov / most
    sd = math.sqrt(item_var) if item_var is not None else None
    return ItemMeasures(facility, sd, discrimination, efficiency)


def cronbach_alpha(item_variances, total_variance):
    """Return α = P / (P − 1) × (1 − Σ V(x_i) / V(X)), or None."""
    items = len(item_variances)
    if items < 2 or not total_variance:
        return None
    return items / (items - 1) * (1 - sum(item_variances) / total_variance)


def flags(facility, discrimination, random_guess):
    """Return why a question needs checking, as Moodle's report would say."""
    found = []
    if facility > 0.95:
        found.append(EASY)
    if facility < 0.2:
        found.append(HARD)
    if random_guess is not None and facility <= random_guess:
        found.append(CHANCE)
    if discrimination is not None:
        if discrimination < 0:
            found.append(NEGATIVE)
        elif discrimination < 30:
            found.append(WEAK)
    return tuple(found)


# What analyse reads: plain rows, not model instances.


@dataclass(frozen=True)
class ChoiceInfo:
    id: int
    is_correct: bool
    misconception: str = ""


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    kind: str
    choices: tuple
    is_scam: bool | None = None


@dataclass(frozen=True)
class AttemptRow:
    id: int
    learner: str  # learner_identity()
    started_at: object
    completed_at: object
    score: float | None
    language: str


# What analyse returns.


@dataclass(frozen=True)
class ItemStats:
    question_id: int
    answers: int
    learners: int
    facility: float | None = None
    sd: float | None = None
    random_guess: float | None = None
    discrimination: float | None = None
    efficiency: float | None = None
    flags: tuple = ()
    suppressed: bool = False
    # Answers given at "Very sure", how many of them were wrong, and how
    # many learners gave them: the share is hidden below the minimum.
    very_sure: int = 0
    very_sure_wrong: int = 0
    very_sure_learners: int = 0

    @property
    def overconfidence_suppressed(self):
        return self.suppressed or self.very_sure_learners < self.min_learners

    @property
    def overconfidence(self):
        """Return the share of "Very sure" answers that were wrong, or None."""
        if self.overconfidence_suppressed or not self.very_sure:
            return None
        return self.very_sure_wrong / self.very_sure

    min_learners: int = MIN_LEARNERS


@dataclass(frozen=True)
class LanguageColumn:
    code: str
    learners: int
    facility: dict
    suppressed: bool = False


@dataclass(frozen=True)
class Misconception:
    label: str
    chosen: int
    answers: int
    options: int
    questions: int

    @property
    def share(self):
        return self.chosen / self.answers if self.answers else 0.0


@dataclass
class Report:
    mode: str
    language: str | None
    started: int = 0
    answered_half: int = 0
    finished: int = 0
    reviewed: int = 0
    learners: int = 0
    mean: float | None = None
    median: float | None = None
    sd: float | None = None
    alpha: float | None = None
    same_questions: bool = True
    items: dict = field(default_factory=dict)
    picks: dict = field(default_factory=dict)
    languages: list = field(default_factory=list)
    language_gaps: set = field(default_factory=set)
    discernment: Discernment | None = None
    misconceptions: list = field(default_factory=list)
    min_learners: int = MIN_LEARNERS
    # Groups below the minimum, left out of figures over several groups.
    languages_left_out: int = 0
    retries_left_out: bool = False

    @property
    def suppressed(self):
        return self.learners < self.min_learners

    @property
    def few_attempts(self):
        return self.finished < FEW_ATTEMPTS

    def flagged(self):
        """Return the items that need checking, most reasons first."""
        items = [i for i in self.items.values() if i.flags and not i.suppressed]
        return sorted(items, key=lambda i: (-len(i.flags), i.facility))


def first_attempts(attempts):
    """Return each learner's first attempt, as Moodle's report does by default."""
    first = {}
    for attempt in sorted(attempts, key=lambda a: (a.started_at, a.id)):
        first.setdefault(attempt.learner, attempt)
    return list(first.values())


def analyse(
    *,
    questions,
    attempts,
    answers,
    picks,
    reviews=None,
    confidences=(),
    mode=FIRST,
    language=None,
    min_learners=None,
):
    """Return the Report over these rows.

    ``answers`` are (attempt id, question id, mark or None if unanswered),
    ``picks`` (attempt id, choice id), ``reviews`` maps a learner to the last
    time they answered a question of this quiz in a review of mistakes,
    ``confidences`` are (attempt id, question id, level) of rated answers.
    ``language`` None keeps every language; "" keeps attempts whose language
    was not recorded. Groups of fewer than ``min_learners`` learners get no
    figures.

    A report over several groups of attempts (every language, or first and
    later attempts) is the sum of groups that are each big enough to show,
    so that subtracting one report from another never reveals a group too
    small to be shown. A group is a language's first attempts or its later
    ones: one below the minimum is left out whole (said by
    ``languages_left_out`` and ``retries_left_out``), and a group's answers
    to a question that fewer than the minimum of its learners answered are
    left out of that question.
    """
    reviews = reviews or {}
    min_learners = MIN_LEARNERS if min_learners is None else min_learners
    first_tries = first_attempts(attempts)
    scope = first_tries if mode == FIRST else list(attempts)
    firsts = {a.id for a in first_tries}
    report = Report(mode=mode, language=language, min_learners=min_learners)
    if language is not None:
        scope = [a for a in scope if a.language == language]

    def group(attempt):
        return attempt.language, attempt.id in firsts

    merged = language is None or mode == ALL
    if merged:
        shown = _groups_shown(
            ((group(a), a.learner) for a in scope if a.completed_at is not None),
            min_learners,
        )
        kept = [a for a in scope if group(a) in shown]
        languages = {a.language for a in kept}
        report.retries_left_out = any(
            code in languages and not first
            for code, first in {group(a) for a in scope} - shown
        )
        if language is None:
            report.languages_left_out = len({a.language for a in scope} - languages)
        scope = kept
    in_scope = {a.id: a for a in scope}

    drawn = defaultdict(dict)
    for attempt_id, question_id, mark in answers:
        if attempt_id in in_scope:
            drawn[attempt_id][question_id] = mark

    finished = [a for a in scope if a.completed_at is not None]
    report.started = len(scope)
    report.answered_half = sum(
        1
        for a in scope
        if drawn[a.id]
        and 2 * sum(m is not None for m in drawn[a.id].values()) >= len(drawn[a.id])
    )
    report.finished = len(finished)
    report.reviewed = sum(
        1
        for a in finished
        if a.learner in reviews and reviews[a.learner] > a.completed_at
    )
    report.learners = len({a.learner for a in finished})
    if report.suppressed:
        return report

    scores = [a.score for a in finished if a.score is not None]
    if scores:
        report.mean = mean(scores)
        report.median = statistics.median(scores)
        report.sd = math.sqrt(variance(scores)) if len(scores) > 1 else None

    marks = {
        a.id: {q: m for q, m in drawn[a.id].items() if m is not None} for a in finished
    }
    if merged:
        shown_items = _groups_shown(
            (((q, *group(a)), a.learner) for a in finished for q in marks[a.id]),
            min_learners,
        )
        for a in finished:
            for q in [q for q in marks[a.id] if (q, *group(a)) not in shown_items]:
                del marks[a.id][q]
    totals = {attempt_id: sum(row.values()) for attempt_id, row in marks.items()}
    by_question = defaultdict(list)
    for a in finished:
        for question_id, mark in marks[a.id].items():
            by_question[question_id].append((a, mark))

    sure = _very_sure(finished, marks, confidences)
    item_variances = []
    for question in questions:
        rows = by_question.get(question.id, [])
        learners = len({a.learner for a, _mark in rows})
        if not rows:
            report.items[question.id] = ItemStats(question.id, 0, 0, suppressed=True)
            continue
        item_marks = [mark for _a, mark in rows]
        rests = [totals[a.id] - mark for a, mark in rows]
        measures = item_measures(item_marks, rests)
        right = sum(c.is_correct for c in question.choices)
        guess = random_guess_score(question.kind, right, len(question.choices))
        report.items[question.id] = ItemStats(
            question_id=question.id,
            answers=len(rows),
            learners=learners,
            facility=measures.facility,
            sd=measures.sd,
            random_guess=guess,
            discrimination=measures.discrimination,
            efficiency=measures.efficiency,
            flags=flags(measures.facility, measures.discrimination, guess),
            suppressed=learners < min_learners,
            min_learners=min_learners,
            **sure.get(question.id, {}),
        )
        if measures.sd is not None:
            item_variances.append(measures.sd**2)

    # α needs every attempt to have answered the same questions.
    question_sets = {frozenset(row) for row in marks.values()}
    report.same_questions = len(question_sets) <= 1
    if report.same_questions and len(finished) > 1:
        report.alpha = cronbach_alpha(item_variances, variance(list(totals.values())))

    finished_by_id = {a.id: a for a in finished}
    question_of = {c.id: q.id for q in questions for c in q.choices}
    report.picks = Counter(
        choice_id
        for attempt_id, choice_id in picks
        if attempt_id in finished_by_id
        and (
            not merged
            or (question_of.get(choice_id), *group(finished_by_id[attempt_id]))
            in shown_items
        )
    )
    report.languages, report.language_gaps = _languages(
        finished, marks, questions, min_learners
    )
    report.discernment = _discernment(questions, by_question)
    report.misconceptions = _misconceptions(questions, report)
    return report


def _very_sure(finished, marks, confidences):
    """Return each question's "Very sure" answers, wrong ones and learners.

    Only answers whose marks the report keeps count, so that the shares
    leave out the same small groups as every other figure.
    """
    levels = {
        (attempt_id, question_id): level
        for attempt_id, question_id, level in confidences
    }
    found = defaultdict(lambda: {"answers": 0, "wrong": 0, "learners": set()})
    for a in finished:
        for question_id, mark in marks[a.id].items():
            if levels.get((a.id, question_id)) == Confidence.VERY_SURE:
                entry = found[question_id]
                entry["answers"] += 1
                entry["wrong"] += mark < 1
                entry["learners"].add(a.learner)
    return {
        question_id: {
            "very_sure": entry["answers"],
            "very_sure_wrong": entry["wrong"],
            "very_sure_learners": len(entry["learners"]),
        }
        for question_id, entry in found.items()
    }


def _groups_shown(members, minimum):
    """Return the groups of these (group, learner) pairs with enough learners."""
    learners = defaultdict(set)
    for group, learner in members:
        learners[group].add(learner)
    return {group for group, names in learners.items() if len(names) >= minimum}


def _languages(finished, marks, questions, min_learners):
    groups = defaultdict(list)
    for a in finished:
        groups[a.language].append(a)
    columns = []
    for code in sorted(groups):
        group = groups[code]
        facility = {}
        for question in questions:
            rows = [
                (a.learner, marks[a.id][question.id])
                for a in group
                if question.id in marks[a.id]
            ]
            shown = len({learner for learner, _mark in rows}) >= min_learners
            facility[question.id] = (
                mean([mark for _learner, mark in rows]) if rows and shown else None
            )
        learners = len({a.learner for a in group})
        columns.append(
            LanguageColumn(code, learners, facility, learners < min_learners)
        )
    gaps = set()
    shown = [c for c in columns if not c.suppressed]
    if len(shown) > 1:
        for question in questions:
            values = [
                (c.facility[question.id], c.code)
                for c in shown
                if c.facility[question.id] is not None
            ]
            if len(values) > 1 and max(values)[0] - min(values)[0] >= LANGUAGE_GAP:
                gaps.add((question.id, min(values)[1]))
    return columns, gaps


def _discernment(questions, by_question):
    """Pool every scam-or-legit answer: "scam" is the signal."""
    return tally(
        (question.is_scam, (mark == 1.0) == question.is_scam)
        for question in questions
        if question.kind == Question.Kind.SCAM_OR_LEGIT and question.is_scam is not None
        for _attempt, mark in by_question.get(question.id, [])
    )


def _misconceptions(questions, report):
    found = {}
    for question in questions:
        tagged = [c for c in question.choices if c.misconception]
        for choice in tagged:
            key = choice.misconception.casefold()
            entry = found.setdefault(
                key,
                {"label": choice.misconception, "chosen": 0, "options": 0, "q": set()},
            )
            entry["chosen"] += report.picks.get(choice.id, 0)
            entry["options"] += 1
            entry["q"].add(question.id)
    rows = [
        Misconception(
            label=entry["label"],
            chosen=entry["chosen"],
            answers=sum(report.items[q].answers for q in entry["q"]),
            options=entry["options"],
            questions=len(entry["q"]),
        )
        for entry in found.values()
    ]
    return sorted(rows, key=lambda m: (-m.chosen, m.label.casefold()))


# Loading and caching.


def question_info(question):
    return QuestionInfo(
        id=question.pk,
        kind=question.kind,
        is_scam=question.is_scam,
        choices=tuple(
            ChoiceInfo(c.pk, c.is_correct, c.misconception)
            for c in question.choices.all()
        ),
    )


def cache_keys(quizzes, mode=FIRST, language=None):
    """Return each quiz's cache key, which changes whenever an attempt finishes."""
    state = {
        quiz_id: (count, last.timestamp() if last else 0)
        for quiz_id, count, last in Attempt.objects.filter(
            quiz__in=quizzes, completed_at__isnull=False
        )
        .order_by()
        .values_list("quiz_id")
        .annotate(count=Count("pk"), last=Max("completed_at"))
    }
    return {
        quiz.pk: "quiz-statistics:3:{}:{}:{!r}:{}:{}".format(
            quiz.pk, mode, language, *state.get(quiz.pk, (0, 0))
        )
        for quiz in quizzes
    }


def quiz_report(quiz, questions, *, mode=FIRST, language=None, key=None):
    """Return the quiz's Report, from the cache when nothing has finished since.

    ``questions`` are the quiz's questions with their choices prefetched.
    """
    key = key or cache_keys([quiz], mode, language)[quiz.pk]
    report = cache.get(key)
    if report is None:
        report = analyse(
            questions=[question_info(q) for q in questions],
            mode=mode,
            language=language,
            **load_rows(quiz),
        )
        cache.set(key, report, CACHE_SECONDS)
    return report


def load_rows(quiz):
    """Fetch the attempts, answers, picks and reviews of a quiz as flat rows."""
    attempts = [
        AttemptRow(
            pk, learner_identity(user_id, key, pk), started, completed, score, language
        )
        for pk, user_id, key, started, completed, score, language in (
            Attempt.objects.filter(quiz=quiz)
            .order_by()
            .values_list(
                "pk",
                "user_id",
                "learner_key",
                "started_at",
                "completed_at",
                "score",
                "language",
            )
        )
    ]
    # One query for marks and levels alike; analyse reads them apart.
    rows = list(
        Answer.objects.filter(attempt__quiz=quiz)
        .order_by()
        .values_list("attempt_id", "question_id", "mark", "confidence")
    )
    picks = (
        Answer.choices.through.objects.filter(answer__attempt__quiz=quiz)
        .order_by()
        .values_list("answer__attempt_id", "choice_id")
    )
    reviews = dict(
        Answer.objects.filter(
            attempt__quiz__isnull=True,
            attempt__is_check=False,
            question__quiz=quiz,
            answered_at__isnull=False,
        )
        .order_by()
        .values_list(learner_identity_expression("attempt__"))
        .annotate(last=Max("answered_at"))
    )
    return {
        "attempts": attempts,
        "answers": [(a, q, mark) for a, q, mark, _level in rows],
        "picks": list(picks),
        "reviews": reviews,
        "confidences": [(a, q, level) for a, q, _mark, level in rows if level],
    }


def languages_of(quiz):
    """Return the languages attempts of this quiz were taken in."""
    return list(
        Attempt.objects.filter(quiz=quiz)
        .order_by("language")
        .values_list("language", flat=True)
        .distinct()
    )
