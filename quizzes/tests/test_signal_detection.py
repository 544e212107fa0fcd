from statistics import NormalDist

import pytest

from quizzes.signal_detection import Discernment

z = NormalDist().inv_cdf


def test_sensitivity_and_bias_follow_the_log_linear_formulas():
    d = Discernment(hits=3, scams=4, false_alarms=1, legits=2)
    hit_rate, fa_rate = 3.5 / 5, 1.5 / 3
    assert d.sensitivity == pytest.approx(z(hit_rate) - z(fa_rate))
    assert d.bias == pytest.approx(-(z(hit_rate) + z(fa_rate)) / 2)
    assert d.misses == 1


def test_perfect_and_empty_rates_stay_finite():
    perfect = Discernment(hits=4, scams=4, false_alarms=0, legits=1)
    assert perfect.sensitivity > 0
    assert Discernment(hits=0, scams=0, false_alarms=0, legits=1).bias > 0


def test_calling_everything_a_scam_shows_as_suspicious():
    everything = Discernment(hits=4, scams=4, false_alarms=2, legits=2)
    assert everything.bias < 0
    trusting = Discernment(hits=0, scams=4, false_alarms=0, legits=2)
    assert trusting.bias > 0


@pytest.mark.parametrize(
    ("scams", "legits", "told"),
    [(6, 0, False), (0, 6, False), (3, 4, False), (4, 3, False), (4, 4, True)],
)
def test_a_bias_is_told_only_from_four_of_each_kind(scams, legits, told):
    # All scams caught, every genuine message doubted: c is well below 0,
    # yet a learner who saw no genuine message must never hear it.
    d = Discernment(hits=scams, scams=scams, false_alarms=legits, legits=legits)
    assert d.judges_bias is told
    assert d.leaning == ("suspicious" if told else None)


def test_leanings():
    trusting = Discernment(hits=1, scams=5, false_alarms=0, legits=5)
    balanced = Discernment(hits=4, scams=5, false_alarms=1, legits=5)
    assert trusting.leaning == "trusting"
    assert balanced.leaning == "balanced"
