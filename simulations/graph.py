"""Check that a simulation's graph can be played: reached, and always ending.

A simulation is a small directed graph: steps, whose choices lead to
another step or to an ending. It is playable when every step can be
reached from the start, every ending is reached by some choice, every step
offers a choice, and from every step some path leads to an ending (a loop
is allowed, as "ask again" may lead back, but never a trap with no way out).
It must also have at least one safe and one unsafe ending: a simulation
with no way to lose, or none to win, teaches nothing about the choice.

The check works on plain data, so that the content loader can run it on a
file before writing anything, and the admin on what staff saved.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

# Ending.Outcome's values; the models import this module, not the reverse.
SAFE, UNSAFE = "safe", "unsafe"


@dataclass(frozen=True)
class Edge:
    choice: str
    step: str = ""  # the next step's key, or
    ending: str = ""  # the ending's key


def problems(start, steps, endings):
    """Return what keeps the graph from being playable, in words.

    ``start`` is the first step's key, ``steps`` a dict of step key to its
    list of Edge, ``endings`` a dict of ending key to its outcome ("safe",
    "recovered" or "unsafe"). An empty list means playable.
    """
    found = []
    outcomes = set(endings.values())
    if not {SAFE, UNSAFE} <= outcomes:
        found.append(_("A simulation needs at least one safe and one unsafe ending."))
    endings = set(endings)
    if start not in steps:
        found.append(_("The start step is missing."))
        return found
    for key, edges in steps.items():
        if len(edges) < 2:
            found.append(
                _("Step “%(step)s” needs at least two choices.") % {"step": key}
            )
        for edge in edges:
            if bool(edge.step) == bool(edge.ending):
                found.append(
                    _(
                        "Choice “%(choice)s” of step “%(step)s” must lead to "
                        "exactly one step or one ending."
                    )
                    % {"choice": edge.choice, "step": key}
                )
            elif edge.step and edge.step not in steps:
                found.append(
                    _("Choice “%(choice)s” of step “%(step)s” leads to no step.")
                    % {"choice": edge.choice, "step": key}
                )
            elif edge.ending and edge.ending not in endings:
                found.append(
                    _("Choice “%(choice)s” of step “%(step)s” leads to no ending.")
                    % {"choice": edge.choice, "step": key}
                )

    reached, reached_endings, todo = {start}, set(), [start]
    while todo:
        for edge in steps[todo.pop()]:
            if edge.step in steps and edge.step not in reached:
                reached.add(edge.step)
                todo.append(edge.step)
            elif edge.ending:
                reached_endings.add(edge.ending)
    for key in steps:
        if key not in reached:
            found.append(_("Step “%(step)s” cannot be reached.") % {"step": key})
    for key in sorted(endings - reached_endings):
        found.append(_("Ending “%(ending)s” is never reached.") % {"ending": key})

    # Steps from which an ending can be reached, found backwards from the
    # endings; whatever is left is a trap.
    ends = {
        key for key, edges in steps.items() if any(e.ending in endings for e in edges)
    }
    grown = True
    while grown:
        grown = False
        for key, edges in steps.items():
            if key not in ends and any(e.step in ends for e in edges):
                ends.add(key)
                grown = True
    for key in steps:
        if key in reached and key not in ends:
            found.append(
                _("From step “%(step)s” no path leads to an ending.") % {"step": key}
            )
    return found
