import secrets
import uuid
from datetime import UTC

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Prefetch, Q
from django.db.models.functions import TruncDay

from .models import (
    ERASED_PREFIX,
    Answer,
    Attempt,
    Reading,
    ReviewCalendar,
    ReviewItem,
    learner_identity,
)


def _challenges():
    # The "pass it on" app builds on the quizzes, so it is read here lazily.
    from challenges.models import Challenge

    return Challenge


def _runs():
    # Simulation runs build on the quizzes' learners, so they are read lazily.
    from simulations.models import Run

    return Run


def _track_checks():
    # Tracks build on the quizzes: a check is an attempt, claimed and erased
    # with the learner's attempts, and listed here so the export says so.
    from tracks.models import TrackCheck

    return TrackCheck


def held(*, user, learner_key):
    """Return how many rows of each kind the quizzes hold about one learner."""
    return {
        "attempts": Attempt.objects.for_learner(user, learner_key).count(),
        "readings": Reading.objects.for_learner(user, learner_key).count(),
        "review_items": ReviewItem.objects.for_learner(user, learner_key).count(),
        "review_calendars": ReviewCalendar.objects.for_learner(
            user, learner_key
        ).count(),
        "passed_on_links": _challenges().objects.for_learner(user, learner_key).count(),
        "simulation_runs": _runs().objects.for_learner(user, learner_key).count(),
    }


def claim(*, learner_key, user):
    """Give an anonymous session's progress to the account it signed in to.

    Return the number of rows moved of each kind.
    """
    with transaction.atomic():
        return {
            "attempts": Attempt.objects.claim(learner_key=learner_key, user=user),
            "readings": Reading.objects.claim(learner_key=learner_key, user=user),
            "review_items": ReviewItem.objects.claim(
                learner_key=learner_key, user=user
            ),
            "review_calendars": ReviewCalendar.objects.claim(
                learner_key=learner_key, user=user
            ),
            "passed_on_links": _challenges().objects.claim(
                learner_key=learner_key, user=user
            ),
            "simulation_runs": _runs().objects.claim(
                learner_key=learner_key, user=user
            ),
        }


def discard(*, learner_key):
    """Delete an anonymous session's progress for good, keeping nothing.

    Return the number of rows deleted of each kind.
    """
    anonymous, deleted = AnonymousUser(), {}
    with transaction.atomic():
        for name, model in (
            ("attempts", Attempt),
            ("readings", Reading),
            ("review_items", ReviewItem),
            ("review_calendars", ReviewCalendar),
            ("passed_on_links", _challenges()),
            ("simulation_runs", _runs()),
        ):
            _total, by_model = model.objects.for_learner(
                anonymous, learner_key
            ).delete()
            deleted[name] = by_model.get(model._meta.label, 0)
    return deleted


def export(*, user, learner_key):
    """Return everything the quizzes hold about one learner, as plain data.

    The learner is a signed-in user or an anonymous session's token, chosen
    the same way as everywhere else, so nobody else's rows can slip in.
    """
    attempts = (
        Attempt.objects.for_learner(user, learner_key)
        .select_related("quiz")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question").prefetch_related(
                    "choices"
                ),
            )
        )
        .order_by("started_at")
    )
    readings = (
        Reading.objects.for_learner(user, learner_key)
        .select_related("case_study", "tip")
        .order_by("read_at")
    )
    queue = (
        ReviewItem.objects.for_learner(user, learner_key)
        .select_related("question")
        .order_by("due_at")
    )
    calendars = ReviewCalendar.objects.for_learner(user, learner_key)
    links = (
        _challenges()
        .objects.for_learner(user, learner_key)
        .select_related("quiz")
        .order_by("created_at")
    )
    runs = (
        _runs()
        .objects.for_learner(user, learner_key)
        .select_related("simulation", "ending")
        .prefetch_related("turns__step", "turns__choice")
        .order_by("started_at")
    )
    checks = (
        _track_checks()
        .objects.for_learner(user, learner_key)
        .select_related("track", "attempt")
        .order_by("attempt__started_at")
    )
    return {
        "track_checks": [
            {
                "attempt": str(check.attempt.public_id),
                "track": check.track.title,
                "track_slug": check.track.slug,
                "stage": check.stage,
            }
            for check in checks
        ],
        "simulation_runs": [
            {
                "id": str(run.public_id),
                "simulation": run.simulation.title,
                "simulation_slug": run.simulation.slug,
                "language": run.language,
                "started_at": run.started_at,
                "finished_at": run.completed_at,
                "ending": run.ending.title if run.ending else None,
                "outcome": run.ending.outcome if run.ending else None,
                "score": run.score,
                "turns": [
                    {
                        "position": turn.position,
                        "step": turn.step.key,
                        "choice": turn.choice.text,
                        "how_sure": turn.get_confidence_display()
                        if turn.confidence
                        else None,
                        "answered_at": turn.answered_at,
                    }
                    for turn in run.turns.all()
                ],
            }
            for run in runs
        ],
        "attempts": [
            {
                "id": str(attempt.public_id),
                "quiz": attempt.quiz.title if attempt.quiz else None,
                "quiz_slug": attempt.quiz.slug if attempt.quiz else None,
                "review_of_mistakes": attempt.is_review,
                "track_check": attempt.is_check,
                "language": attempt.language,
                "started_at": attempt.started_at,
                "finished_at": attempt.completed_at,
                "score_percent": attempt.score,
                "passed": attempt.passed() if attempt.quiz else None,
                "answers": [
                    {
                        "position": answer.position,
                        "question": answer.question.prompt,
                        "question_key": answer.question.key,
                        "answered_at": answer.answered_at,
                        "options_chosen": [c.text for c in answer.choices.all()],
                        "mark": answer.mark,
                        "confidence": answer.confidence,
                        "confidence_label": (
                            str(answer.get_confidence_display())
                            if answer.confidence
                            else None
                        ),
                    }
                    for answer in attempt.answers.all()
                ],
            }
            for attempt in attempts
        ],
        "reading": [
            {
                "kind": "case study" if reading.case_study_id else "tip",
                "title": (reading.case_study or reading.tip).title,
                "slug": (reading.case_study or reading.tip).slug,
                "first_opened_at": reading.read_at,
            }
            for reading in readings
        ],
        "review_queue": [
            {
                "family": item.family,
                "last_question": item.question.prompt,
                "last_question_key": item.question.key,
                "due_at": item.due_at,
                "last_review": item.last_review,
                "reviews": item.reps,
                "lapses": item.lapses,
                "stability_days": item.stability,
                "difficulty": item.difficulty,
            }
            for item in queue
        ],
        "review_calendar_links": [
            {"link": calendar.token, "made_at": calendar.created_at}
            for calendar in calendars
        ],
        "passed_on_links": [
            {
                "quiz": link.quiz.title,
                "note": link.message,
                "link": link.token,
                "made_at": link.created_at,
                "expires_at": link.expires_at,
            }
            for link in links
        ],
    }


# Rows changed per statement, well under every database's parameter limit.
BATCH = 500


def _forget_attempts(attempts):
    """Unlink attempts from their learner; keep finished quizzes anonymously.

    A finished quiz attempt is kept for the quiz statistics with no account,
    a new id and only the day (UTC) it was taken, so that nothing links it
    back to the learner. The learner's attempts at one quiz share a new
    random token, so that the statistics still count them as one learner
    (see ERASED_PREFIX). Everything else (unfinished attempts, reviews of
    mistakes) is deleted. Return (kept, deleted).
    """
    finished_quiz = Q(quiz__isnull=False, completed_at__isnull=False)
    _total, by_model = attempts.exclude(finished_quiz).delete()
    deleted = by_model.get(Attempt._meta.label, 0)
    kept, tokens = 0, {}
    # Each batch stops matching `attempts` once unlinked, so the loop ends.
    while batch := list(
        attempts.filter(finished_quiz).values_list(
            "pk", "user_id", "learner_key", "quiz_id"
        )[:BATCH]
    ):
        pks = [pk for pk, _user, _key, _quiz in batch]
        Attempt.objects.filter(pk__in=pks).update(
            user=None,
            started_at=TruncDay("started_at", tzinfo=UTC),
            completed_at=TruncDay("completed_at", tzinfo=UTC),
        )
        Answer.objects.filter(attempt__in=pks).update(
            answered_at=TruncDay("answered_at", tzinfo=UTC)
        )
        # A bookmarked result address must stop working too.
        Attempt.objects.bulk_update(
            [
                Attempt(
                    pk=pk,
                    public_id=uuid.uuid4(),
                    learner_key=tokens.setdefault(
                        (learner_identity(user, key, pk), quiz),
                        ERASED_PREFIX + secrets.token_urlsafe(24),
                    ),
                )
                for pk, user, key, quiz in batch
            ],
            ["public_id", "learner_key"],
        )
        kept += len(batch)
    return kept, deleted


def _forget_runs(runs):
    """Unlink simulation runs from their learner; keep finished ones anonymously.

    As for quiz attempts (see _forget_attempts): a finished run stays for
    the simulation statistics with no account, a new id, only the day (UTC)
    and a new token shared by the learner's runs of one simulation;
    unfinished runs are deleted. Return (kept, deleted).
    """
    from simulations.models import Turn

    Run = _runs()
    _total, by_model = runs.filter(completed_at__isnull=True).delete()
    deleted = by_model.get(Run._meta.label, 0)
    kept, tokens = 0, {}
    while batch := list(
        runs.filter(completed_at__isnull=False).values_list(
            "pk", "user_id", "learner_key", "simulation_id"
        )[:BATCH]
    ):
        pks = [pk for pk, _user, _key, _simulation in batch]
        Run.objects.filter(pk__in=pks).update(
            user=None,
            started_at=TruncDay("started_at", tzinfo=UTC),
            completed_at=TruncDay("completed_at", tzinfo=UTC),
        )
        Turn.objects.filter(run__in=pks).update(
            answered_at=TruncDay("answered_at", tzinfo=UTC)
        )
        Run.objects.bulk_update(
            [
                Run(
                    pk=pk,
                    public_id=uuid.uuid4(),
                    learner_key=tokens.setdefault(
                        (learner_identity(user, key, pk), simulation),
                        ERASED_PREFIX + secrets.token_urlsafe(24),
                    ),
                )
                for pk, user, key, simulation in batch
            ],
            ["public_id", "learner_key"],
        )
        kept += len(batch)
    return kept, deleted


def erase(*, user, learner_key):
    """Erase one learner's progress, reading, review cards and calendar link.

    Return the number of rows affected of each kind.
    """
    with transaction.atomic():
        readings, _ = Reading.objects.for_learner(user, learner_key).delete()
        reviews, _ = ReviewItem.objects.for_learner(user, learner_key).delete()
        calendars, _ = ReviewCalendar.objects.for_learner(user, learner_key).delete()
        links, _ = _challenges().objects.for_learner(user, learner_key).delete()
        kept, deleted = _forget_attempts(Attempt.objects.for_learner(user, learner_key))
        runs_kept, runs_deleted = _forget_runs(
            _runs().objects.for_learner(user, learner_key)
        )
    return {
        "attempts_kept_anonymously": kept,
        "attempts_deleted": deleted,
        "readings_deleted": readings,
        "review_items_deleted": reviews,
        "review_calendars_deleted": calendars,
        "passed_on_links_deleted": links,
        "simulation_runs_kept_anonymously": runs_kept,
        "simulation_runs_deleted": runs_deleted,
    }


def erase_inactive(*, before):
    """Erase anonymous progress with no quiz activity since `before`.

    Activity is starting a quiz, a review or a simulation, or taking a
    simulation's turn: the actions that also renew the session holding the
    learner's token, so progress goes just when nobody can reach it any
    more. Return the rows affected.
    """
    active = (
        Attempt.objects.anonymous().filter(started_at__gte=before).values("learner_key")
    )
    playing = (
        _runs()
        .objects.anonymous()
        .filter(Q(started_at__gte=before) | Q(turns__answered_at__gte=before))
        .values("learner_key")
    )
    stale = ~Q(learner_key__in=active) & ~Q(learner_key__in=playing)
    with transaction.atomic():
        readings, _ = Reading.objects.anonymous().filter(stale).delete()
        reviews, _ = ReviewItem.objects.anonymous().filter(stale).delete()
        calendars, _ = ReviewCalendar.objects.anonymous().filter(stale).delete()
        links, _ = _challenges().objects.anonymous().filter(stale).delete()
        # An expired link opens nothing; its note need not be kept either.
        expired, _ = _challenges().objects.expired().delete()
        links += expired
        kept, deleted = _forget_attempts(Attempt.objects.anonymous().filter(stale))
        runs_kept, runs_deleted = _forget_runs(
            _runs().objects.anonymous().filter(stale)
        )
    return {
        "attempts_kept_anonymously": kept,
        "attempts_deleted": deleted,
        "readings_deleted": readings,
        "review_items_deleted": reviews,
        "review_calendars_deleted": calendars,
        "passed_on_links_deleted": links,
        "simulation_runs_kept_anonymously": runs_kept,
        "simulation_runs_deleted": runs_deleted,
    }
