import pytest

from simulations import graph
from simulations.graph import Edge, problems
from simulations.models import Ending


def playable():
    return {
        "call": [Edge("hang-up", ending="safe"), Edge("listen", step="pressure")],
        "pressure": [
            Edge("ask-again", step="call"),
            Edge("pay", ending="scammed"),
        ],
    }


def test_a_playable_graph_has_no_problems():
    assert problems("call", playable(), {"safe": "safe", "scammed": "unsafe"}) == []


def test_an_unreachable_step_and_an_unreached_ending_are_named():
    steps = playable()
    steps["orphan"] = [Edge("a", ending="safe"), Edge("b", ending="safe")]
    found = problems(
        "call", steps, {"safe": "safe", "scammed": "unsafe", "never": "recovered"}
    )
    assert "Step “orphan” cannot be reached." in found
    assert "Ending “never” is never reached." in found


def test_a_loop_without_a_way_out_is_a_trap():
    steps = {
        "call": [Edge("hang-up", ending="safe"), Edge("listen", step="loop")],
        "loop": [Edge("again", step="loop2"), Edge("more", step="loop2")],
        "loop2": [Edge("again", step="loop"), Edge("more", step="loop")],
    }
    found = problems("call", steps, {"safe": "safe", "x": "unsafe"})
    assert "From step “loop” no path leads to an ending." in found
    assert "From step “loop2” no path leads to an ending." in found


def test_a_choice_must_lead_somewhere_known_and_steps_need_two_choices():
    steps = {
        "call": [Edge("both", step="call", ending="safe"), Edge("lost", step="gone")],
        "end": [Edge("only", ending="safe")],
    }
    found = problems("call", steps, {"safe": "safe", "x": "unsafe"})
    assert any("exactly one step or one ending" in p for p in found)
    assert any("leads to no step" in p for p in found)
    assert "Step “end” needs at least two choices." in found


def test_a_missing_start_is_said():
    assert problems("nowhere", playable(), {"safe": "safe", "scammed": "unsafe"}) == [
        "The start step is missing."
    ]


@pytest.mark.parametrize(
    "outcomes",
    [
        {"safe": "safe", "scammed": "recovered"},
        {"safe": "recovered", "scammed": "unsafe"},
    ],
)
def test_a_graph_needs_a_safe_and_an_unsafe_ending(outcomes):
    assert problems("call", playable(), outcomes) == [
        "A simulation needs at least one safe and one unsafe ending."
    ]


def test_the_outcomes_are_the_models():
    assert (graph.SAFE, graph.UNSAFE) == (Ending.Outcome.SAFE, Ending.Outcome.UNSAFE)
