"""What the admin home shows: recent learning activity, the questions that
most need attention, and content due for checking. Each part is shown only
to staff whose permissions cover it."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from awareness.models import CaseStudy, ChainLink, Guide, PrecautionTip
from quizzes import statistics
from quizzes.models import Attempt, Question, Quiz, learner_identity_expression
from quizzes.report_tables import bar_chart
from simulations.models import Simulation

# The models whose facts carry a "last verified" date, in the list's order.
VERIFIED = (CaseStudy, PrecautionTip, ChainLink, Guide, Quiz, Question, Simulation)
DAYS_CHARTED = 14
ATTENTION_LIMIT = 5
STALE_SHOWN = 5


@dataclass(frozen=True)
class Activity:
    learners: int
    started: int
    finished: int
    passed: int
    chart: object

    @property
    def suppressed(self):
        return self.learners < statistics.MIN_LEARNERS

    @property
    def pass_rate(self):
        return self.passed / self.finished if self.finished else None


def activity(now=None):
    """Return the last seven days' quiz activity and the last fortnight's chart."""
    now = now or timezone.now()
    quiz_attempts = Attempt.objects.filter(quiz__isnull=False)
    totals = quiz_attempts.filter(
        started_at__gte=now - datetime.timedelta(days=7)
    ).aggregate(
        # A signed-in learner counts once however many sessions they used.
        learners=Count(learner_identity_expression(), distinct=True),
        started=Count("pk"),
        finished=Count("pk", filter=Q(completed_at__isnull=False)),
        passed=Count(
            "pk",
            filter=Q(completed_at__isnull=False, score__gte=F("quiz__pass_mark")),
        ),
    )
    today = timezone.localdate(now)
    first_day = today - datetime.timedelta(days=DAYS_CHARTED - 1)
    per_day = dict(
        quiz_attempts.filter(started_at__date__gte=first_day)
        .annotate(day=TruncDate("started_at"))
        .order_by()
        .values_list("day")
        .annotate(count=Count("pk"))
    )
    days = [first_day + datetime.timedelta(days=n) for n in range(DAYS_CHARTED)]
    chart = bar_chart(
        [(day.strftime("%m-%d"), per_day.get(day, 0)) for day in days], vertical=True
    )
    return Activity(chart=chart, **totals)


@dataclass(frozen=True)
class Attention:
    question: Question
    quiz: Quiz
    item: statistics.ItemStats


def attention(limit=ATTENTION_LIMIT):
    """Return the flagged questions of published quizzes, worst first.

    Uses each quiz's report over first attempts, from the cache when no
    attempt has finished since it was made.
    """
    found = []
    quizzes = list(Quiz.objects.published().prefetch_related("questions__choices"))
    keys = statistics.cache_keys(quizzes)
    for quiz in quizzes:
        questions = list(quiz.questions.all())
        report = statistics.quiz_report(quiz, questions, key=keys[quiz.pk])
        if report.suppressed:
            continue
        by_id = {q.pk: q for q in questions}
        found += [
            Attention(by_id[item.question_id], quiz, item)
            for item in report.flagged()
            if item.question_id in by_id
        ]
    found.sort(key=lambda a: (-len(a.item.flags), a.item.facility))
    return found[:limit]


@dataclass(frozen=True)
class StaleItem:
    title: str
    kind: str
    last_verified: datetime.date
    age: int
    url: str


def stale_cutoff(today=None):
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.STALE_AFTER_DAYS)


def stale_content(user, today=None):
    """Return what this user may edit whose facts were last checked too long ago."""
    today = today or timezone.localdate()
    cutoff = stale_cutoff(today)
    items = []
    for model in VERIFIED:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            continue
        for pk, title, verified in (
            model.objects.filter(last_verified__lt=cutoff)
            .order_by()
            .values_list(
                "pk", "prompt" if model is Question else "title", "last_verified"
            )
        ):
            items.append(
                StaleItem(
                    title=title,
                    kind=str(opts.verbose_name),
                    last_verified=verified,
                    age=(today - verified).days,
                    url=reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]
                    ),
                )
            )
    return sorted(items, key=lambda item: (item.last_verified, item.kind, item.title))


@dataclass(frozen=True)
class Dashboard:
    activity: Activity | None
    attention: list
    quizzes: list
    simulations: list
    stale: list | None
    stale_after: int

    @property
    def stale_shown(self):
        return self.stale[:STALE_SHOWN] if self.stale else []


def can_edit_verified(user):
    return any(
        user.has_perm(f"{m._meta.app_label}.change_{m._meta.model_name}")
        for m in VERIFIED
    )


def for_user(user):
    can_read_statistics = user.has_perm("quizzes.view_quiz_statistics")
    can_edit = can_edit_verified(user)
    return Dashboard(
        activity=activity() if can_read_statistics else None,
        attention=attention() if can_read_statistics else [],
        quizzes=list(Quiz.objects.order_by("order", "title").only("pk", "title"))
        if can_read_statistics
        else [],
        simulations=list(
            Simulation.objects.order_by("order", "title").only("pk", "title")
        )
        if user.has_perm("simulations.view_simulation_statistics")
        else [],
        stale=stale_content(user) if can_edit else None,
        stale_after=settings.STALE_AFTER_DAYS,
    )
