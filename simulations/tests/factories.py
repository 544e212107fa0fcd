import shutil
import tempfile
from collections import deque
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from simulations.models import Run, Simulation

# A small content folder of its own: the real one holds the real files.
CONTENT = Path(__file__).resolve().parent / "content"


def load_fixture():
    """Load the test simulation "bank-call" (three endings, one loop)."""
    call_command("load_content", path=CONTENT, verbosity=0)
    return Simulation.objects.get(slug="bank-call")


def load_over_real_content():
    """Give the real site the test simulation, while it has none of its own.

    Site-wide tests (the tour of every page, every URL) need a simulation
    to visit; the real files arrive separately. The test file is loaded
    with the real sources and chain, and with no case.
    """
    if Simulation.objects.exists():
        return Simulation.objects.published().first()
    real = Path(settings.BASE_DIR) / "awareness" / "content"
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name in ("sources.toml", "chain.toml"):
            shutil.copy(real / name, folder / name)
        (folder / "simulations").mkdir()
        text = (CONTENT / "simulations" / "1-bank-call.toml").read_text("utf-8")
        (folder / "simulations" / "1-bank-call.toml").write_text(
            text.replace('case = "fake-bank"\n', ""), "utf-8"
        )
        call_command("load_content", path=folder, verbosity=0)
    return Simulation.objects.get(slug="bank-call")


def paths_to_endings(simulation):
    """Return, for each ending's key, the shortest list of choices reaching it."""
    steps = {
        step.pk: list(step.choices.select_related("ending"))
        for step in simulation.steps.all()
    }
    paths, seen, todo = {}, {simulation.start_id}, deque([(simulation.start_id, [])])
    while todo:
        step, path = todo.popleft()
        for choice in steps[step]:
            if choice.ending_id:
                paths.setdefault(choice.ending.key, [*path, choice])
            elif choice.next_step_id not in seen:
                seen.add(choice.next_step_id)
                todo.append((choice.next_step_id, [*path, choice]))
    return paths


def play(simulation, choices, *, learner_key="tester", user=None, confidence=None):
    """Play a run through the given choices with the model's methods."""
    run = Run.objects.start(
        simulation=simulation, user=user or AnonymousUser(), learner_key=learner_key
    )
    for position, choice in enumerate(choices, start=1):
        assert run.take(position=position, choice=choice, confidence=confidence)
    return run


def covering_paths(simulation):
    """Return paths from the start to an ending that take every choice.

    Every path is countless once a choice leads back ("ask again"), and the
    loop-free ones run to hundreds; what can break is a step, a choice or
    an ending, so each choice is taken once: the shortest way to its step,
    the choice, then the shortest way on to an ending. Every ending is
    reached, as each has a choice leading to it.
    """
    steps = {
        step.pk: list(step.choices.select_related("ending"))
        for step in simulation.steps.all()
    }
    # The shortest way from the start to each step.
    to_step, todo = {simulation.start_id: []}, deque([simulation.start_id])
    while todo:
        step = todo.popleft()
        for choice in steps[step]:
            if choice.next_step_id and choice.next_step_id not in to_step:
                to_step[choice.next_step_id] = [*to_step[step], choice]
                todo.append(choice.next_step_id)
    # The shortest way from each step to an ending, found backwards.
    to_end = {
        step: [next(c for c in choices if c.ending_id)]
        for step, choices in steps.items()
        if any(c.ending_id for c in choices)
    }
    grown = True
    while grown:
        grown = False
        for step, choices in steps.items():
            onward = [c for c in choices if c.next_step_id in to_end]
            best = min(onward, key=lambda c: len(to_end[c.next_step_id]), default=None)
            if best and (
                step not in to_end
                or len(to_end[best.next_step_id]) + 1 < len(to_end[step])
            ):
                to_end[step] = [best, *to_end[best.next_step_id]]
                grown = True
    paths = []
    for step, choices in steps.items():
        for choice in choices:
            rest = [] if choice.ending_id else to_end[choice.next_step_id]
            path = [*to_step[step], choice, *rest]
            if path not in paths:
                paths.append(path)
    return paths
