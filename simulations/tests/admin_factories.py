"""Simulations for the admin and statistics tests, and learners' runs of them."""

import datetime
import itertools

from django.utils import timezone

from simulations.models import Choice, Ending, Run, Simulation, Step, Turn

_numbers = itertools.count(1)

# A call, then a text message; each choice as (key, safety, next step or
# "ending:key"). Every step is reached and every path ends.
STEPS = {
    "call": (
        "call",
        "+86 21 5555 0100",
        "I am from the bank's security team. Your card is frozen.",
        [
            ("hang-up", "safe", "ending:safe"),
            ("ask-badge", "risky", "code"),
            ("confirm-card", "unsafe", "code"),
        ],
    ),
    "code": (
        "sms",
        "95500",
        "Your verification code is 482913. Do not share it.",
        [
            ("read-code", "unsafe", "ending:scammed"),
            ("call-bank", "safe", "ending:stopped"),
        ],
    ),
}
ENDINGS = {
    "safe": ("safe", 100, "You hung up"),
    "stopped": ("recovered", 60, "You stopped in time"),
    "scammed": ("unsafe", 0, "Your account was emptied"),
}


def make_simulation(**kwargs):
    """Make a playable simulation of STEPS and ENDINGS, published by default."""
    n = next(_numbers)
    kwargs.setdefault("title", f"Simulation {n}")
    kwargs.setdefault("slug", f"simulation-{n}")
    kwargs.setdefault("summary", "A call from the bank.")
    kwargs.setdefault("last_verified", datetime.date(2026, 11, 25))
    kwargs.setdefault("is_published", True)
    kwargs.setdefault("published_at", timezone.now() - datetime.timedelta(days=1))
    simulation = Simulation.objects.create(**kwargs)
    endings = {
        key: Ending.objects.create(
            simulation=simulation,
            key=key,
            outcome=outcome,
            score=score,
            title=title,
            body=f"{title}. Call 110 if money left your account.",
        )
        for key, (outcome, score, title) in ENDINGS.items()
    }
    steps = {
        key: Step.objects.create(
            simulation=simulation,
            key=key,
            order=order,
            channel=channel,
            sender=sender,
            body=body,
            prompt="What do you do?",
        )
        for order, (key, (channel, sender, body, _choices)) in enumerate(
            STEPS.items(), start=1
        )
    }
    for key, (_channel, _sender, _body, choices) in STEPS.items():
        for order, (choice, safety, target) in enumerate(choices, start=1):
            ending = (
                target.removeprefix("ending:") if target.startswith("ending:") else ""
            )
            Choice.objects.create(
                step=steps[key],
                key=choice,
                order=order,
                text=f"I {choice.replace('-', ' ')}",
                feedback=f"Why “{choice}” is {safety}.",
                safety=safety,
                next_step=None if ending else steps[target],
                ending=endings[ending] if ending else None,
            )
    simulation.start = steps["call"]
    simulation.save(update_fields=["start"])
    return simulation


def play_runs(simulation, path, *, learners, language="en", confidence=None, start=0):
    """Record one finished (or, short of an ending, unfinished) run of the
    path (choice keys) for each of ``learners`` anonymous learners."""
    steps = {step.key: step for step in simulation.steps.all()}
    choices = {
        (choice.step_id, choice.key): choice
        for choice in Choice.objects.filter(step__simulation=simulation)
    }
    runs, turns = [], []
    for n in range(start, start + learners):
        run = Run(
            simulation=simulation,
            learner_key=f"learner-{n}",
            language=language,
        )
        step, ending = steps["call"], None
        for position, key in enumerate(path, start=1):
            choice = choices[step.pk, key]
            turns.append(
                (
                    run,
                    Turn(
                        position=position,
                        step=step,
                        choice=choice,
                        confidence=confidence,
                    ),
                )
            )
            if choice.ending_id:
                ending = choice.ending
                break
            step = choice.next_step
        if ending is not None:
            run.ending, run.score, run.completed_at = (
                ending,
                ending.score,
                timezone.now(),
            )
            run.step = None
        else:
            run.step = step
        runs.append(run)
    Run.objects.bulk_create(runs)
    for run, turn in turns:
        turn.run = run
    Turn.objects.bulk_create([turn for _run, turn in turns])
    return runs
