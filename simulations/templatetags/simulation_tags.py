from django import template
from django.db.models import Count, Max

from quizzes.models import learner_key
from simulations.models import Run

register = template.Library()


@register.simple_tag(takes_context=True)
def learner_runs(context):
    """Return the runs of the learner the page is for, newest first.

    My progress includes its simulations section from its own template, so
    the quiz view need not know about simulations.
    """
    request = context["request"]
    return list(
        Run.objects.for_learner(request.user, learner_key(request)).select_related(
            "simulation", "ending"
        )
    )


def progress_state(request):
    """Return what the simulations section of My progress shows, for its ETag."""
    state = Run.objects.for_learner(request.user, learner_key(request)).aggregate(
        count=Count("pk"), turns=Max("turn_count"), ended=Max("completed_at")
    )
    return state.values()
