"""The tables of a simulation's statistics page and of its CSV files.

They are the quizzes' Table, Column and Cell, and where the two reports
say the same thing (the summary, overconfidence) the quizzes' builders, so
that the page draws them with the same template and downloads them the
same way.
"""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext

from quizzes.report_tables import (
    COUNT,
    NUMBER,
    PERCENT,
    Cell,
    Column,
    Table,
    few_learners,
    language_label as quiz_language_label,
    overconfidence_table,
    summary_table,
)


def language_label(code, names):
    if code is None:
        return gettext("All languages")
    return quiz_language_label(code, names)


def build(report, steps, endings, *, language_names):
    """Return the page's tables, in order, for a report that is not suppressed."""
    return [
        _summary(report),
        _endings(report, endings),
        _choices(report, steps),
        _went_wrong(report, steps),
        _overconfidence(report, steps),
        _languages(report, language_names),
    ]


def _step_cell(step):
    return Cell(
        f"{step.order}. {step.key}",
        url=reverse("admin:simulations_step_change", args=[step.pk]),
    )


def _summary(report):
    return summary_table(
        report,
        gettext("Runs"),
        [
            (gettext("learners"), Cell(report.learners)),
            (gettext("runs started"), Cell(report.started)),
            (gettext("runs finished"), Cell(report.finished)),
            (gettext("mean score of finished runs"), Cell(report.mean_score)),
        ],
    )


def _endings(report, endings):
    table = Table(
        "endings",
        gettext("Endings reached"),
        [
            Column(gettext("ending")),
            Column(gettext("outcome")),
            Column(gettext("finished runs"), COUNT),
            Column(gettext("of finished runs"), PERCENT),
            Column(gettext("learners"), COUNT),
            Column(gettext("mean score"), NUMBER),
        ],
        description=gettext(
            "The mean score of an ending reached by fewer than %(least)d "
            "learners is not shown."
        )
        % {"least": report.min_learners},
    )
    for ending in endings:
        stats = report.endings.get(ending.pk)
        runs = stats.runs if stats else 0
        table.rows.append(
            [
                Cell(f"{ending.key}: {Truncator(ending.title).chars(60)}"),
                Cell(ending.get_outcome_display()),
                Cell(runs),
                Cell(report.finished_share(stats) if stats else 0.0),
                Cell(stats.learners if stats else 0),
                Cell(
                    stats.mean_score if stats else None,
                    note=few_learners(report) if stats and stats.suppressed else "",
                ),
            ]
        )
    return table


def _choices(report, steps):
    table = Table(
        "choices",
        gettext("How many learners took each choice"),
        [
            Column(gettext("step")),
            Column(gettext("choice")),
            Column(gettext("safety")),
            Column(gettext("learners"), COUNT),
            Column(gettext("of learners at the step"), PERCENT),
        ],
        description=gettext(
            "A learner who played several times counts once per choice they "
            "took, so a step's shares can add up to more than 100%%. Steps "
            "that fewer than %(least)d learners reached show no figures."
        )
        % {"least": report.min_learners},
    )
    for step in steps:
        stats = report.steps.get(step.pk)
        for choice in step.choices.all():
            shown = stats is not None and not stats.suppressed
            table.rows.append(
                [
                    _step_cell(step),
                    Cell(Truncator(choice.text).chars(80)),
                    Cell(choice.get_safety_display()),
                    Cell(stats.choices.get(choice.pk, 0) if shown else None),
                    Cell(
                        stats.share(choice.pk) if shown else None,
                        note="" if shown or stats is None else few_learners(report),
                    ),
                ]
            )
    return table


def _went_wrong(report, steps):
    by_id = {step.pk: step for step in steps}
    table = Table(
        "went-wrong",
        gettext("Where most go wrong"),
        [
            Column(gettext("step")),
            Column(gettext("learners at the step"), COUNT),
            Column(gettext("took an unsafe or risky choice"), COUNT),
            Column(gettext("share"), PERCENT),
        ],
        description=gettext(
            "Steps ranked by the share of the learners who reached them and "
            "took an unsafe or risky choice there."
        ),
    )
    for stats in report.worst_steps():
        step = by_id.get(stats.step_id)
        if step is None:
            continue
        table.rows.append(
            [
                _step_cell(step),
                Cell(stats.learners),
                Cell(stats.went_wrong),
                Cell(stats.wrong_share),
            ]
        )
    return table


def _overconfidence(report, steps):
    return overconfidence_table(
        report,
        title=gettext("Overconfidence"),
        columns=[
            Column(gettext("step")),
            Column(gettext("“Very sure” turns"), COUNT),
            Column(gettext("of them unsafe or risky"), COUNT),
        ],
        description=gettext(
            "The share of turns answered “Very sure” whose choice was unsafe "
            "or risky. Steps where fewer than %(least)d learners said “Very "
            "sure” show no figures."
        )
        % {"least": report.min_learners},
        rows=[
            (
                _step_cell(step),
                stats.sure_turns,
                stats.sure_wrong,
                stats.overconfidence,
                stats.overconfidence_suppressed,
            )
            for step in steps
            if (stats := report.steps.get(step.pk)) and not stats.suppressed
        ],
    )


def _languages(report, names):
    table = Table(
        "languages",
        gettext("By language"),
        [
            Column(gettext("language")),
            Column(gettext("learners"), COUNT),
            Column(gettext("runs started"), COUNT),
            Column(gettext("runs finished"), COUNT),
            Column(gettext("mean score"), NUMBER),
            Column(gettext("reached a safe ending"), PERCENT),
        ],
        description=gettext(
            "“All languages” sums the languages with at least %(least)d "
            "learners; the others show no figures."
        )
        % {"least": report.min_learners},
    )
    for row in report.languages:
        note = few_learners(report) if row.suppressed else ""
        table.rows.append(
            [
                Cell(language_label(row.code, names)),
                Cell(row.learners),
                Cell(row.started),
                Cell(row.finished),
                Cell(row.mean_score),
                Cell(row.safe_share, note=note),
            ]
        )
    return table
