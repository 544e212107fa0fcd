"""How sure a learner said they were, and what follows from it.

The three levels, certainty-based marking (Moodle's CBM) and calibration,
after ../shared/source/statistics.md. Everything here is plain computation
over (level, right) pairs, so that quizzes and simulations share one scale
and one set of formulas: import ``Confidence`` for the field's choices and
``QUESTION`` for the fieldset's legend.
"""

from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

QUESTION = _("How sure are you?")


class Confidence(models.IntegerChoices):
    NOT_SURE = 1, _("Not sure")
    FAIRLY_SURE = 2, _("Fairly sure")
    VERY_SURE = 3, _("Very sure")


def confidence_field(*, required=False):
    """Return the "How sure are you?" field; forms name it "confidence".

    templates/quizzes/_confidence.html renders it as three radios.
    """
    return forms.TypedChoiceField(
        label=QUESTION,
        choices=Confidence.choices,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=required,
        error_messages={
            "required": _(
                "Say how sure you are as well: this quiz's score depends on it."
            ),
            "invalid_choice": _(
                "Choose one of the three levels: not sure, fairly sure or very sure."
            ),
        },
    )


# Moodle's CBM marks: (if right, if wrong). Medium pays once the chance of
# being right is above 2/3 and high above 0.8, so honest reporting is the
# best strategy.
CBM_MARKS = {
    Confidence.NOT_SURE: (1, 0),
    Confidence.FAIRLY_SURE: (2, -2),
    Confidence.VERY_SURE: (3, -6),
}
# Moodle's empirical weight of the bonus: it about maximises the reliability
# of accuracy + bonus.
BONUS_WEIGHT = 0.1

# The share right that fits each level for a well-calibrated learner.
CALIBRATED = {
    Confidence.NOT_SURE: (0.5, 2 / 3),
    Confidence.FAIRLY_SURE: (2 / 3, 0.8),
    Confidence.VERY_SURE: (0.8, 1.0),
}

# Below this many rated answers every share swings by ten points or more
# with a single answer, so a calibration chart would mislead more than it
# teaches.
CHART_MIN_RATED = 10


def is_confidently_wrong(confidence, mark):
    """Return True for a wrong answer given at "Very sure"."""
    return confidence == Confidence.VERY_SURE and mark is not None and mark < 1


def cbm_mark(confidence, mark):
    """Return Moodle's CBM mark for a raw mark (0 to 1) at this certainty.

    As in Moodle, a mark of 0 takes the level's penalty and any other mark
    scales the level's reward.
    """
    right, wrong = CBM_MARKS[confidence]
    return wrong if mark <= 0.00000005 else right * mark


def expected_for_accuracy(accuracy):
    """Return the best average CBM mark a learner this accurate could expect.

    It is the mark of always giving the one level that pays best at this
    accuracy.
    """
    return max(
        accuracy * right + (1 - accuracy) * wrong for right, wrong in CBM_MARKS.values()
    )


@dataclass(frozen=True)
class CbmSummary:
    """Moodle's CBM summary of the rated answers of one attempt."""

    rated: int
    accuracy: float
    average: float

    @property
    def bonus(self):
        """Return the CBM bonus over plain accuracy, as a fraction (0.1 = 10 %)."""
        return BONUS_WEIGHT * (self.average - expected_for_accuracy(self.accuracy))

    @property
    def accuracy_and_bonus(self):
        return self.accuracy + self.bonus


def cbm_summary(rows):
    """Return the CbmSummary of (confidence, mark) rows, or None if none is rated."""
    rated = [(level, mark) for level, mark in rows if level is not None]
    if not rated:
        return None
    return CbmSummary(
        rated=len(rated),
        accuracy=sum(mark for _level, mark in rated) / len(rated),
        average=sum(cbm_mark(level, mark) for level, mark in rated) / len(rated),
    )


def cbm_score(rows):
    """Return a CBM quiz's score in percent from (confidence, mark) rows.

    Each rated answer counts at accuracy + bonus, as in Moodle; an answer
    that takes no certainty (not a scam-or-legit item) keeps its plain mark.
    A score below 0 is shown as 0, as the pass mark and every chart read
    0 to 100.
    """
    rows = list(rows)
    if not rows:
        return 0
    summary = cbm_summary(rows)
    total = sum(mark for _level, mark in rows)
    if summary is not None:
        total += summary.bonus * summary.rated
    return round(max(0.0, 100 * total / len(rows)), 1)


WITHIN, BELOW, ABOVE = "within", "below", "above"


@dataclass(frozen=True)
class LevelCalibration:
    level: int
    label: str
    answers: int
    right: int

    @property
    def share(self):
        return self.right / self.answers if self.answers else None

    @property
    def percent(self):
        return None if self.share is None else round(100 * self.share)

    @property
    def band(self):
        return CALIBRATED[self.level]

    @property
    def band_percent(self):
        low, high = self.band
        return round(100 * low), round(100 * high)

    @property
    def judgement(self):
        """Return where the share falls against the level's band, or None."""
        if self.share is None:
            return None
        low, high = self.band
        if self.share < low - 1e-9:
            return BELOW
        if self.share > high + 1e-9:
            return ABOVE
        return WITHIN

    @property
    def is_clear(self):
        """True when the gap to the band is big for the count (Moodle's rule)."""
        low, high = self.band
        edge = low if self.judgement == BELOW else high
        return self.judgement in (BELOW, ABOVE) and (
            (self.share - edge) ** 2 * self.answers > 0.5
        )


def calibration(counts):
    """Return each level's LevelCalibration from {level: (answers, right)}."""
    return [
        LevelCalibration(level, label, *counts.get(level, (0, 0)))
        for level, label in Confidence.choices
    ]


def overconfidence(rows):
    """Return (wrong, answers) at "Very sure" among (confidence, mark) rows."""
    sure = [mark for level, mark in rows if level == Confidence.VERY_SURE]
    return sum(1 for mark in sure if mark < 1), len(sure)


# The calibration chart, drawn on the server: coordinates come from here so
# that the template needs no arithmetic and the page no inline style.

CHART_WIDTH, CHART_HEIGHT = 360, 230
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 44, 24, 184
COLUMN, BAR, BAND = 104, 36, 72


@dataclass(frozen=True)
class ChartColumn:
    level: LevelCalibration
    centre: float
    bar_x: float
    bar_y: float
    bar_height: float
    band_x: float
    band_y: float
    band_height: float
    value_y: float


def _y(share):
    return round(PLOT_BOTTOM - share * (PLOT_BOTTOM - PLOT_TOP), 1)


def calibration_chart(levels):
    """Return the chart's columns, one per level, and its gridlines."""
    columns = []
    for n, level in enumerate(levels):
        centre = PLOT_LEFT + COLUMN * n + COLUMN / 2
        low, high = level.band
        share = level.share or 0
        top = _y(share)
        columns.append(
            ChartColumn(
                level=level,
                centre=centre,
                bar_x=centre - BAR / 2,
                bar_y=top,
                bar_height=round(PLOT_BOTTOM - top, 1),
                band_x=centre - BAND / 2,
                band_y=_y(high),
                band_height=round(_y(low) - _y(high), 1),
                # Above both the bar and the band, so that no line crosses it.
                value_y=min(top, _y(high)) - 6,
            )
        )
    grid = [(percent, _y(percent / 100)) for percent in (0, 50, 100)]
    return {
        "columns": columns,
        "grid": grid,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bar_width": BAR,
        "band_width": BAND,
        "left": PLOT_LEFT,
        "right": PLOT_LEFT + COLUMN * len(levels),
        "bottom": PLOT_BOTTOM,
        "label_y": PLOT_BOTTOM + 20,
        "count_y": PLOT_BOTTOM + 38,
    }


def result_figures(answers, *, cbm):
    """Return the result page's certainty figures for an attempt's answers."""
    rows = [(answer.confidence, answer.mark) for answer in answers]
    summary = cbm_summary(rows) if cbm else None
    return {
        "cbm": summary
        and {
            "summary": summary,
            "accuracy_percent": 100 * summary.accuracy,
            "bonus_percent": 100 * summary.bonus,
            "total_percent": 100 * summary.accuracy_and_bonus,
        },
        "confidently_wrong": sum(
            is_confidently_wrong(level, mark) for level, mark in rows
        ),
    }


def marks_table():
    """Return (level, mark if right, marks lost if wrong) for each level."""
    return [
        (label, CBM_MARKS[level][0], -CBM_MARKS[level][1])
        for level, label in Confidence.choices
    ]


def chart_context(counts):
    """Return My progress's calibration section from {level: (answers, right)}.

    Below CHART_MIN_RATED rated answers there is no chart, only how many
    more it needs.
    """
    rated = sum(answers for answers, _right in counts.values())
    levels = calibration(counts)
    return {
        "rated": rated,
        "needed": max(0, CHART_MIN_RATED - rated),
        "threshold": CHART_MIN_RATED,
        "levels": levels,
        "chart": calibration_chart(levels) if rated >= CHART_MIN_RATED else None,
    }
