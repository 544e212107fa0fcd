"""What learners did in a simulation: choices per step, where they go wrong,
the endings they reach, how sure they were, split by language.

Learners are counted, not turns: one learner is one account or one
anonymous key (quizzes.models.learner_identity), however many runs they
played. ``analyse`` is pure computation over plain rows, so that it can be
checked against numbers worked out by hand; ``simulation_report`` loads the
rows with two flat queries and caches the result, as the quiz statistics do.

As in the quiz statistics, a figure from fewer than MIN_LEARNERS learners is
not shown, and the figures over every language are the sum of the languages
that each have enough learners, so that comparing them with one language's
never reveals a language too small to be shown.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max

from quizzes.models import learner_identity
from quizzes.statistics import CACHE_SECONDS, MIN_LEARNERS, mean

from .models import Choice, Run, Turn

# "How sure are you?": the answer that counts as overconfident when wrong.
VERY_SURE = 3
WRONG = (Choice.Safety.UNSAFE, Choice.Safety.RISKY)


@dataclass(frozen=True)
class RunRow:
    id: int
    learner: str
    language: str
    finished: bool
    ending_id: int | None
    score: int | None


@dataclass(frozen=True)
class TurnRow:
    run_id: int
    step_id: int
    choice_id: int
    confidence: int | None


@dataclass
class StepStats:
    step_id: int
    learners: int = 0
    # Learners who took each choice at least once.
    choices: dict = field(default_factory=dict)
    # Learners who took an unsafe or risky choice here at least once.
    went_wrong: int = 0
    # "Very sure" turns, and those of them whose choice was unsafe or risky.
    sure_turns: int = 0
    sure_wrong: int = 0
    sure_learners: int = 0
    min_learners: int = MIN_LEARNERS

    @property
    def suppressed(self):
        return self.learners < self.min_learners

    @property
    def wrong_share(self):
        return self.went_wrong / self.learners if self.learners else None

    @property
    def overconfidence_suppressed(self):
        return self.sure_learners < self.min_learners

    @property
    def overconfidence(self):
        return self.sure_wrong / self.sure_turns if self.sure_turns else None

    def share(self, choice_id):
        if not self.learners:
            return None
        return self.choices.get(choice_id, 0) / self.learners


@dataclass(frozen=True)
class EndingStats:
    ending_id: int
    runs: int
    learners: int
    mean_score: float | None
    min_learners: int = MIN_LEARNERS

    @property
    def suppressed(self):
        return self.learners < self.min_learners


@dataclass(frozen=True)
class LanguageRow:
    code: str | None  # None: every language shown
    suppressed: bool
    learners: int | None = None
    started: int | None = None
    finished: int | None = None
    mean_score: float | None = None
    safe_share: float | None = None


@dataclass
class Report:
    language: str | None
    learners: int = 0
    started: int = 0
    finished: int = 0
    mean_score: float | None = None
    steps: dict = field(default_factory=dict)
    endings: dict = field(default_factory=dict)
    languages: list = field(default_factory=list)
    languages_left_out: int = 0
    min_learners: int = MIN_LEARNERS

    @property
    def suppressed(self):
        return self.learners < self.min_learners

    def finished_share(self, ending):
        return ending.runs / self.finished if self.finished else None

    def worst_steps(self):
        """Return the steps shown, the largest share going wrong first."""
        shown = [s for s in self.steps.values() if not s.suppressed]
        return sorted(shown, key=lambda s: (-s.wrong_share, -s.learners, s.step_id))

    def steps_left_out(self):
        return sum(1 for s in self.steps.values() if s.suppressed)

    def endings_left_out(self):
        return sum(1 for e in self.endings.values() if e.suppressed)


def _language_row(code, runs, safe_endings, min_learners):
    learners = len({run.learner for run in runs})
    if learners < min_learners:
        # Only the fact that it is too small; no figure of it.
        return LanguageRow(code, suppressed=True)
    finished = [run for run in runs if run.finished]
    scores = [run.score for run in finished if run.score is not None]
    return LanguageRow(
        code=code,
        suppressed=False,
        learners=learners,
        started=len(runs),
        finished=len(finished),
        mean_score=mean(scores) if scores else None,
        safe_share=(
            sum(run.ending_id in safe_endings for run in finished) / len(finished)
            if finished
            else None
        ),
    )


def analyse(*, runs, turns, choices, endings, language=None, min_learners=MIN_LEARNERS):
    """Return the Report over these rows.

    ``runs`` are RunRow, ``turns`` TurnRow, ``choices`` maps a choice id to
    its safety, ``endings`` an ending id to its outcome. ``language`` None
    keeps every language whose learners reach the minimum; "" keeps runs
    whose language was not recorded.
    """
    report = Report(language=language, min_learners=min_learners)
    by_language = defaultdict(set)
    for run in runs:
        by_language[run.language].add(run.learner)
    shown = {code for code, names in by_language.items() if len(names) >= min_learners}
    safe_endings = {pk for pk, outcome in endings.items() if outcome == "safe"}

    kept = [run for run in runs if run.language in shown]
    all_row = _language_row(None, kept, safe_endings, min_learners)
    report.languages = [all_row] + [
        _language_row(
            code, [r for r in runs if r.language == code], safe_endings, min_learners
        )
        for code in sorted(by_language)
    ]
    if language is None:
        scope = kept
        report.languages_left_out = len(set(by_language) - shown)
    else:
        scope = [run for run in runs if run.language == language]
    report.learners = len({run.learner for run in scope})
    if report.suppressed:
        return report
    finished = [run for run in scope if run.finished]
    scores = [run.score for run in finished if run.score is not None]
    report.started = len(scope)
    report.finished = len(finished)
    report.mean_score = mean(scores) if scores else None

    by_run = {run.id: run for run in scope}
    at_step = defaultdict(set)
    took = defaultdict(set)
    wrong = defaultdict(set)
    sure = defaultdict(list)
    for turn in turns:
        run = by_run.get(turn.run_id)
        if run is None:
            continue
        at_step[turn.step_id].add(run.learner)
        took[turn.step_id, turn.choice_id].add(run.learner)
        is_wrong = choices.get(turn.choice_id) in WRONG
        if is_wrong:
            wrong[turn.step_id].add(run.learner)
        if turn.confidence == VERY_SURE:
            sure[turn.step_id].append((run.learner, is_wrong))
    for step_id, names in at_step.items():
        stats = StepStats(step_id, learners=len(names), min_learners=min_learners)
        if not stats.suppressed:
            stats.choices = {
                choice_id: len(who)
                for (step, choice_id), who in took.items()
                if step == step_id
            }
            stats.went_wrong = len(wrong[step_id])
            stats.sure_turns = len(sure[step_id])
            stats.sure_wrong = sum(is_wrong for _learner, is_wrong in sure[step_id])
            stats.sure_learners = len({learner for learner, _w in sure[step_id]})
        report.steps[step_id] = stats

    reached = defaultdict(list)
    for run in finished:
        if run.ending_id is not None:
            reached[run.ending_id].append(run)
    for ending_id, ended in reached.items():
        learners = len({run.learner for run in ended})
        scores = [run.score for run in ended if run.score is not None]
        suppressed = learners < min_learners
        report.endings[ending_id] = EndingStats(
            ending_id,
            runs=len(ended),
            learners=learners,
            mean_score=None if suppressed or not scores else mean(scores),
            min_learners=min_learners,
        )
    return report


def load_rows(simulation):
    """Fetch the runs and turns of a simulation as flat rows: two queries."""
    runs = [
        RunRow(
            pk,
            learner_identity(user_id, key, pk),
            language,
            completed is not None,
            ending_id,
            score,
        )
        for pk, user_id, key, language, completed, ending_id, score in (
            Run.objects.filter(simulation=simulation)
            .order_by()
            .values_list(
                "pk",
                "user_id",
                "learner_key",
                "language",
                "completed_at",
                "ending_id",
                "score",
            )
        )
    ]
    turns = [
        TurnRow(*row)
        for row in Turn.objects.filter(run__simulation=simulation)
        .order_by()
        .values_list("run_id", "step_id", "choice_id", "confidence")
    ]
    return {"runs": runs, "turns": turns}


def cache_key(simulation):
    """Return the simulation's cache key, which changes with every turn taken.

    Unlike a quiz's, the report counts runs in progress too, so a started
    run or a turn changes the key, and an erased one lowers the counts. An
    edit to the simulation (publishing, say) changes ``updated_at``; one to
    a choice's safety alone shows within CACHE_SECONDS, as for quizzes.
    """
    state = (
        Run.objects.filter(simulation=simulation)
        .order_by()
        .aggregate(
            run_count=Count("pk", distinct=True),
            turn_count=Count("turns"),
            last_start=Max("started_at"),
            last_turn=Max("turns__answered_at"),
        )
    )
    return "simulation-statistics:1:{}:{}:{}:{}:{}:{}".format(
        simulation.pk,
        simulation.updated_at.timestamp(),
        state["run_count"],
        state["turn_count"],
        *(
            when.timestamp() if when else 0
            for when in (state["last_start"], state["last_turn"])
        ),
    )


def simulation_report(simulation, steps, endings, *, language=None, key=None):
    """Return the simulation's Report, from the cache while no turn was taken.

    ``steps`` are its steps with their choices prefetched, ``endings`` its
    endings, so that the page draws its tables from the same rows.
    """
    key = f"{key or cache_key(simulation)}:{language!r}"
    report = cache.get(key)
    if report is None:
        report = analyse(
            choices={
                choice.pk: choice.safety
                for step in steps
                for choice in step.choices.all()
            },
            endings={ending.pk: ending.outcome for ending in endings},
            language=language,
            **load_rows(simulation),
        )
        cache.set(key, report, CACHE_SECONDS)
    return report


def languages_of(simulation):
    """Return the languages runs of this simulation were played in."""
    return list(
        Run.objects.filter(simulation=simulation)
        .order_by("language")
        .values_list("language", flat=True)
        .distinct()
    )
