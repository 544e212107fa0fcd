from collections import deque
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from simulations.models import Run, Simulation

# A small content folder of its own: the real one holds the real files.
CONTENT = Path(__file__).resolve().parent / "content"


def load_fixture():
    """Load the test simulation "bank-call" (three endings, one loop)."""
    call_command("load_content", path=CONTENT, verbosity=0)
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
