from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from quizzes.models import learner_key, learner_rows

from .. import charts
from ..checks import learner_tracks as tracks_of

register = template.Library()


@register.simple_tag(takes_context=True)
def learner_tracks(context):
    """Return the tracks the page's learner has started, for home and progress.

    The pages include their tracks section from its own template, so their
    views need not know about tracks. A visitor with no progress costs no
    query.
    """
    request = context["request"]
    key = learner_key(request)
    if learner_rows(request.user, key) is None:
        return []
    return [entry for entry in tracks_of(request.user, key) if entry.started]


def percent(count, total):
    return 100 * count / total if total else 0


@register.simple_tag
def track_charts(entry):
    """Return the score chart and the discernment chart of a LearnerTrack."""
    slug = entry.track.slug
    scores = charts.chart(
        [
            (result.label, result.score, f"{result.score:.0f}%")
            for result in entry.stages
        ],
        f"scores-{slug}",
    )
    labels = {
        "pre": (_("Scams caught, before"), _("Genuine doubted, before")),
        "post": (_("Scams caught, after"), _("Genuine doubted, after")),
    }
    rows = []
    for stage, (caught, doubted) in labels.items():
        result = entry.results.get(stage)
        found = result and result.discernment
        if not found:
            continue
        if found.scams:
            rows.append(
                (
                    caught,
                    percent(found.hits, found.scams),
                    f"{found.hits}/{found.scams}",
                )
            )
        if found.legits:
            rows.append(
                (
                    doubted,
                    percent(found.false_alarms, found.legits),
                    f"{found.false_alarms}/{found.legits}",
                )
            )
    return {
        "scores": scores,
        "discernment": charts.chart(rows, f"discernment-{slug}") if rows else None,
    }


@register.simple_tag(takes_context=True)
def home_tracks(context):
    """Return (track entry, check offered) for tracks still to act on."""
    now = timezone.now()
    return [
        (entry, offer)
        for entry in learner_tracks(context)
        if (offer := entry.offer(now)) or entry.in_progress
    ]
