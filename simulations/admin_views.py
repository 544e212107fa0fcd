"""Staff pages reached from the simulation admin: preview and statistics.
The ModelAdmin routes to these and passes itself in, so that permissions
follow the admin's own rules."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from quizzes import report_tables as quiz_tables

from . import report_tables, statistics
from .models import Choice, Step

# A path longer than this is not a play but a forged URL; loops that let a
# learner ask again are still far shorter.
MAX_PATH = 100
# The language filter's value for runs whose language was not recorded.
LANGUAGE_NOT_RECORDED = "none"


def get_viewable(request, model_admin, object_id):
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404
    if not model_admin.has_view_permission(request, obj):
        raise PermissionDenied
    return obj


def steps_of(simulation):
    """Return its steps with their choices, in order: two queries."""
    return list(
        Step.objects.filter(simulation=simulation).prefetch_related(
            Prefetch("choices", queryset=Choice.objects.all())
        )
    )


@dataclass(frozen=True)
class Taken:
    step: Step
    choice: Choice
    path: str  # the query value that leads back to this step


@dataclass(frozen=True)
class Play:
    taken: list
    step: Step | None
    ending: object
    problem: str


def play(start, steps, endings, keys):
    """Follow the choice keys from the start, in memory; nothing is saved.

    Stops at the first key that is no choice of the step reached, and says
    so; keys after an ending are ignored.
    """
    by_pk = {step.pk: step for step in steps}
    step = by_pk.get(start)
    if step is None:
        return Play([], None, None, gettext("The simulation has no start step yet."))
    if len(keys) > MAX_PATH:
        return Play([], step, None, gettext("This path is too long to be a play."))
    taken, walked = [], []
    for key in keys:
        choice = next((c for c in step.choices.all() if c.key == key), None)
        if choice is None:
            problem = gettext(
                "Step “%(step)s” has no choice “%(choice)s”: the preview stops here."
            ) % {"step": step.key, "choice": key}
            return Play(taken, step, None, problem)
        taken.append(Taken(step, choice, ".".join(walked)))
        walked.append(key)
        if choice.ending_id:
            ending = endings.get(choice.ending_id)
            if ending is None:
                problem = gettext(
                    "Choice “%(choice)s” leads to no ending of this simulation."
                )
                return Play(taken, None, None, problem % {"choice": key})
            return Play(taken, None, ending, "")
        step = by_pk.get(choice.next_step_id)
        if step is None:
            problem = gettext(
                "Choice “%(choice)s” leads to no step of this simulation."
            )
            return Play(taken, None, None, problem % {"choice": key})
    return Play(taken, step, None, "")


@require_GET
def simulation_preview(request, model_admin, object_id):
    """Play a simulation from its start as learners would, recording nothing.

    The path so far is the query string (?path=key.key), so every choice is
    a plain link: no run, turn or session key is written.
    """
    simulation = get_viewable(request, model_admin, object_id)
    steps = steps_of(simulation)
    endings = {ending.pk: ending for ending in simulation.endings.all()}
    value = request.GET.get("path", "")
    keys = [key for key in value.split(".") if key] if value else []
    result = play(simulation.start_id, steps, endings, keys)
    here = ".".join(keys[: len(result.taken)])
    options = []
    if result.step is not None:
        options = [
            (choice, f"{here}.{choice.key}" if here else choice.key)
            for choice in result.step.choices.all()
        ]
    return render(
        request,
        "admin/simulations/simulation/preview.html",
        {
            "simulation": simulation,
            "play": result,
            "options": options,
            "back": result.taken[-1].path if result.taken else None,
            "admin_url": reverse(
                "admin:simulations_simulation_change", args=[simulation.pk]
            ),
            "problems": simulation.graph_problems(),
        },
        status=400 if result.problem and keys else 200,
    )


@require_GET
def simulation_statistics(request, model_admin, object_id):
    """What learners chose, for staff allowed to read statistics."""
    if not request.user.has_perm("simulations.view_simulation_statistics"):
        raise PermissionDenied
    simulation = model_admin.get_object(request, unquote(object_id))
    if simulation is None:
        raise Http404
    steps = steps_of(simulation)
    endings = list(simulation.endings.all())
    languages = statistics.languages_of(simulation)
    chosen = request.GET.get("language", "all")
    language = {LANGUAGE_NOT_RECORDED: ""}.get(chosen, chosen)
    if language not in languages:
        chosen, language = "all", None
    report = statistics.simulation_report(simulation, steps, endings, language=language)
    names = dict(settings.LANGUAGES)
    tables = (
        []
        if report.suppressed
        else report_tables.build(report, steps, endings, language_names=names)
    )
    wanted = request.GET.get("export")
    if wanted:
        table = next((t for t in tables if t.name == wanted), None)
        if table is None:
            raise Http404("No such table.")
        suffix = "" if chosen == "all" else f"-{chosen}"
        return quiz_tables.csv_response(
            table, f"{simulation.slug}-{table.name}{suffix}.csv"
        )
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "admin/simulations/simulation/statistics.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": gettext("Statistics: %(simulation)s") % {"simulation": simulation},
            "simulation": simulation,
            "original": simulation,
            "report": report,
            "tables": tables,
            "language": chosen,
            "language_choices": [
                (
                    LANGUAGE_NOT_RECORDED if code == "" else code,
                    report_tables.language_label(code, names),
                )
                for code in languages
            ],
            "query": query.urlencode(),
            "min_learners": report.min_learners,
            "steps_left_out": report.steps_left_out(),
            "endings_left_out": report.endings_left_out(),
        },
    )
