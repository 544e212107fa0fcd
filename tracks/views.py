from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_POST, require_safe

from awareness.page_cache import cache_public_page
from awareness.throttle import rate_limit
from quizzes.models import learner_key
from quizzes.views import get_attempt, keep_progress, question_url

from .checks import learner_tracks, start_check
from .models import Stage, Track, TrackCheck, TrackQuiz


def published_steps():
    return Prefetch(
        "steps",
        queryset=TrackQuiz.objects.filter(quiz__is_published=True).select_related(
            "quiz"
        ),
    )


@require_safe
@cache_public_page
def track_list(request):
    tracks = (
        Track.objects.visible_to(request.user)
        .annotate(quiz_count=Count("steps", filter=Q(steps__quiz__is_published=True)))
        .prefetch_related(published_steps())
    )
    return render(request, "tracks/track_list.html", {"tracks": tracks})


def learner_track(request, track):
    [entry] = learner_tracks(
        request.user, learner_key(request), Track.objects.filter(pk=track.pk)
    )
    return entry


@require_safe
def track_detail(request, slug):
    track = get_object_or_404(Track.objects.visible_to(request.user), slug=slug)
    entry = learner_track(request, track)
    return render(
        request,
        "tracks/track_detail.html",
        {"track": track, "entry": entry, "offer": entry.offer()},
    )


@require_POST
@rate_limit(per_client="start", per_network="start-ip")
def check_start(request, slug):
    track = get_object_or_404(Track.objects.visible_to(request.user), slug=slug)
    stage = request.POST.get("stage", "")
    if stage not in Stage.values:
        raise BadRequest("No such check.")
    entry = learner_track(request, track)
    # Started twice (a double click, a second tab), a check resumes.
    if stage in entry.unfinished:
        return redirect(entry.unfinished[stage])
    if entry.offer() != stage:
        messages.info(request, _("This check is not open to you right now."))
        return redirect(track)
    attempt = start_check(
        track=track,
        stage=stage,
        user=request.user,
        learner_key=learner_key(request, create=True),
        language=get_language() or "",
    )
    if not attempt.answers.exists():
        attempt.delete()
        messages.error(request, _("This track has no check questions yet."))
        return redirect(track)
    keep_progress(request)
    return redirect(question_url(attempt, 1))


@require_safe
def check_result(request, public_id):
    attempt = get_attempt(request, public_id)
    check = TrackCheck.objects.select_related("track").filter(attempt=attempt).first()
    if check is None or not attempt.is_finished:
        return redirect(attempt)
    right = attempt.answers.filter(mark=1.0).count()
    messages.success(
        request,
        _("%(check)s done: %(right)s of %(total)s right.")
        % {
            "check": check.get_stage_display(),
            "right": right,
            "total": attempt.answers.count(),
        },
    )
    return redirect(check.track.get_absolute_url() + "#results")
