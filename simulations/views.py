from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext as _, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from awareness.models import ChainLink
from awareness.page_cache import cache_public_page
from awareness.throttle import rate_limit
from quizzes.models import learner_key
from quizzes.views import keep_progress

from .debrief import annotate, chain_of, handed_over, listed
from .forms import TurnForm
from .models import Run, Simulation

ALREADY_TAKEN = gettext_lazy(
    "You had already made your choice at that step; your first choice counts. "
    "Here is where you are now."
)


def learner_runs(request):
    return Run.objects.for_learner(request.user, learner_key(request))


def get_run(request, run_id, *related):
    # Someone else's run is a 404, never a 403: its existence is private.
    return get_object_or_404(
        learner_runs(request).select_related("simulation", *related),
        public_id=run_id,
    )


@require_safe
@cache_public_page
def simulation_list(request):
    simulations = Simulation.objects.visible_to(request.user).select_related(
        "case_study"
    )
    return render(
        request, "simulations/simulation_list.html", {"simulations": simulations}
    )


@require_safe
def simulation_detail(request, slug):
    simulation = get_object_or_404(
        Simulation.objects.visible_to(request.user).select_related("case_study"),
        slug=slug,
    )
    mine = learner_runs(request).filter(simulation=simulation)
    return render(
        request,
        "simulations/simulation_detail.html",
        {
            "simulation": simulation,
            "unfinished": mine.unfinished().first(),
            "finished": mine.finished().select_related("ending").first(),
        },
    )


@require_POST
@rate_limit(per_client="start", per_network="start-ip")
def simulation_start(request, slug):
    simulation = get_object_or_404(
        Simulation.objects.visible_to(request.user), slug=slug
    )
    if not simulation.start_id:
        messages.error(request, _("This simulation has no steps yet."))
        return redirect(simulation)
    run = Run.objects.start(
        simulation=simulation,
        user=request.user,
        learner_key=learner_key(request, create=True),
        language=get_language() or "",
    )
    keep_progress(request)
    return redirect(run)


def render_step(request, run, form=None, status=200):
    step = run.step
    choices = run.ordered_choices(step, step.choices.select_related("ending"))
    return render(
        request,
        "simulations/step.html",
        {
            "run": run,
            "simulation": run.simulation,
            "step": step,
            "form": form or TurnForm(run, choices),
        },
        status=status,
    )


@require_safe
# The back button asks again, and so lands on the step the run waits at.
@never_cache
def run_step(request, run_id):
    run = get_run(request, run_id, "step")
    if run.is_finished:
        return redirect(run)
    if run.step is None:
        # Staff took the step away since; the run cannot go on.
        messages.info(request, _("This simulation has changed; please start again."))
        return redirect(run.simulation)
    return render_step(request, run)


@require_POST
@rate_limit(per_client="answer", per_network="answer-ip")
def run_choose(request, run_id, position):
    run = get_run(request, run_id, "step")
    if run.is_finished:
        messages.info(request, _("This simulation is over; here is your debrief."))
        return redirect(run)
    if position != run.position or run.step is None:
        messages.info(request, ALREADY_TAKEN)
        return redirect("simulations:run", run.public_id)
    choices = run.ordered_choices(run.step, run.step.choices.select_related("ending"))
    form = TurnForm(run, choices, data=request.POST)
    if not form.is_valid():
        return render_step(request, run, form=form, status=400)
    taken = run.take(
        position=position,
        choice=form.chosen(),
        confidence=form.cleaned_data["confidence"],
    )
    if not taken:
        # Another request took this turn a moment ago.
        messages.info(request, ALREADY_TAKEN)
        return redirect("simulations:run", run.public_id)
    keep_progress(request)
    return redirect(run)


@require_safe
def run_debrief(request, run_id):
    run = get_run(request, run_id, "simulation__case_study", "ending")
    if not run.is_finished:
        return redirect(run)
    turns = annotate(
        list(
            run.turns.select_related("step", "choice__chain_link").order_by("position")
        )
    )
    handed = handed_over(turns)
    links = list(ChainLink.objects.visible_to(request.user))
    others = Simulation.objects.published().exclude(pk=run.simulation_id)
    return render(
        request,
        "simulations/debrief.html",
        {
            "run": run,
            "simulation": run.simulation,
            "ending": run.ending,
            "turns": turns,
            "chain": chain_of(turns, links),
            "handed_over": listed(handed),
            "confidently_wrong": sum(turn.is_confidently_wrong for turn in turns),
            "others": others,
        },
    )
