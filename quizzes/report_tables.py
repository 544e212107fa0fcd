"""The tables of the quiz statistics page, shared by the page and its CSV files.

Each cell keeps its raw value; the page formats it by the column's kind and
the CSV file writes it as a plain number.
"""

import csv
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy as _, pgettext

from . import statistics
from .misconceptions import label as misconception_label
from .models import Question

TEXT, COUNT, PERCENT, NUMBER, FLAGS = "text", "count", "percent", "number", "flags"

FLAG_LABELS = {
    statistics.EASY: _("too easy (facility above 95%)"),
    statistics.HARD: _("too hard (facility below 20%)"),
    statistics.CHANCE: _("no better than guessing"),
    statistics.WEAK: _("discriminates poorly (below 30)"),
    statistics.NEGATIVE: _("negative discrimination: stronger learners do worse"),
}


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Cell:
    value: object
    url: str = ""
    note: str = ""


@dataclass
class Table:
    name: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    description: str = ""
    chart: object = None

    def cells(self):
        """Return each row as (cell, column) pairs, for the template."""
        return [list(zip(row, self.columns, strict=True)) for row in self.rows]


def language_label(code, names):
    if code == "":
        return gettext("not recorded")
    return str(names.get(code, code))


# Builders shared with the simulation statistics (simulations/report_tables.py).


def few_learners(report):
    """The note of a figure hidden because too few learners are behind it."""
    return gettext("fewer than %(least)d learners") % {"least": report.min_learners}


def summary_table(report, title, measures):
    """Return the "summary" table of (label, Cell) measures.

    Languages left out are said in the table too, as a download travels
    without the page.
    """
    table = Table(
        "summary",
        title,
        [Column(gettext("measure")), Column(gettext("value"), NUMBER)],
        [[Cell(label), cell] for label, cell in measures],
    )
    if report.languages_left_out:
        table.rows.append(
            [
                Cell(
                    gettext("languages not counted (fewer than %(least)d learners)")
                    % {"least": report.min_learners}
                ),
                Cell(report.languages_left_out),
            ]
        )
    return table


def overconfidence_table(report, *, title, columns, description, rows):
    """Return the "overconfidence" table: wrong answers at “Very sure”.

    ``columns`` name the item and the two counts; each row is (item cell,
    answers at “Very sure”, of them wrong, share wrong, hidden), and a
    hidden row shows no figures but says why.
    """
    table = Table(
        "overconfidence",
        title,
        [*columns, Column(gettext("overconfidence"), PERCENT)],
        description=description,
    )
    for cell, sure, wrong, share, hidden in rows:
        table.rows.append(
            [
                cell,
                Cell(None if hidden else sure),
                Cell(None if hidden else wrong),
                Cell(
                    None if hidden else share,
                    note=few_learners(report) if hidden else "",
                ),
            ]
        )
    return table


def build(report, questions, *, language_names):
    """Return the page's tables, in order, for a report that is not suppressed."""
    numbered = list(enumerate(questions, start=1))
    tables = [_funnel(report), _summary(report), _questions(report, numbered)]
    if report.languages:
        tables.append(_languages(report, numbered, language_names))
    tables.append(_responses(report, numbered))
    if any(q.kind == Question.Kind.RED_FLAGS for q in questions):
        tables.append(_cues(report, numbered))
    if any(q.kind == Question.Kind.SCAM_OR_LEGIT for q in questions):
        tables += [
            _verdicts(report, numbered),
            _discernment(report),
            _overconfidence(report, numbered),
        ]
    tables.append(_misconceptions(report))
    return tables


def _label(position, question):
    return f"{position}. {Truncator(question.prompt).chars(70)}"


def _question_cell(position, question):
    return Cell(
        _label(position, question),
        url=reverse("admin:quizzes_question_change", args=[question.pk]),
    )


def _share(part, whole):
    return part / whole if whole else None


def _funnel(report):
    table = Table(
        "funnel",
        gettext("From start to review"),
        [
            Column(gettext("stage")),
            Column(gettext("attempts"), COUNT),
            Column(gettext("of started"), PERCENT),
        ],
        description=gettext(
            "Reviewed: the learner later answered a question of this quiz in a "
            "review of mistakes."
        ),
    )
    for label, value in funnel_stages(report):
        table.rows.append(
            [Cell(label), Cell(value), Cell(_share(value, report.started))]
        )
    return table


def funnel_stages(report):
    """Return each stage of the funnel with how many attempts reached it."""
    return [
        (pgettext("funnel stage", "started"), report.started),
        (pgettext("funnel stage", "answered half"), report.answered_half),
        (pgettext("funnel stage", "finished"), report.finished),
        (pgettext("funnel stage", "reviewed mistakes"), report.reviewed),
    ]


def _summary(report):
    alpha_note = (
        ""
        if report.same_questions
        else gettext("Not computed: attempts drew different questions.")
    )
    table = summary_table(
        report,
        gettext("Scores"),
        [
            (gettext("learners"), Cell(report.learners)),
            (gettext("finished attempts analysed"), Cell(report.finished)),
            (gettext("mean score (%)"), Cell(report.mean)),
            (gettext("median score (%)"), Cell(report.median)),
            (gettext("standard deviation (%)"), Cell(report.sd)),
            (gettext("Cronbach's α"), Cell(report.alpha, note=alpha_note)),
        ],
    )
    if report.retries_left_out:
        table.rows.append(
            [
                Cell(
                    gettext(
                        "later attempts not counted in some languages (fewer "
                        "than %(least)d learners)"
                    )
                    % {"least": report.min_learners}
                ),
                Cell(gettext("yes")),
            ]
        )
    return table


def _questions(report, numbered):
    table = Table(
        "questions",
        gettext("Questions"),
        [
            Column(gettext("question")),
            Column(gettext("kind")),
            Column(gettext("answers"), COUNT),
            Column(gettext("facility"), PERCENT),
            Column(gettext("standard deviation"), PERCENT),
            Column(gettext("random guess score"), PERCENT),
            Column(gettext("discrimination index"), NUMBER),
            Column(gettext("discriminative efficiency (%)"), NUMBER),
            Column(gettext("needs checking"), FLAGS),
        ],
        description=gettext(
            "Facility: the mean mark. Discrimination: 100 × the correlation of "
            "the question with the rest of the quiz. Moodle's rule of thumb "
            "flags a facility above %(high)s or below %(low)s and a "
            "discrimination below 30. Questions answered by fewer than 10 "
            "learners show no figures."
        )
        % {"high": "95%", "low": "20%"},
    )
    for position, question in numbered:
        item = report.items.get(question.pk)
        if item is None or item.suppressed or item.facility is None:
            values = [None] * 6 + [()]
            answers = item.answers if item else 0
        else:
            answers = item.answers
            values = [
                item.facility,
                item.sd,
                item.random_guess,
                item.discrimination,
                item.efficiency,
                item.flags,
            ]
        table.rows.append(
            [
                _question_cell(position, question),
                Cell(question.get_kind_display()),
                Cell(answers),
                *(Cell(value) for value in values[:5]),
                Cell(values[5]),
            ]
        )
    return table


def _languages(report, numbered, names):
    columns = [Column(gettext("question"))]
    for column in report.languages:
        columns.append(
            Column(
                gettext("%(language)s (%(learners)d learners)")
                % {
                    "language": language_label(column.code, names),
                    "learners": column.learners,
                },
                PERCENT,
            )
        )
    table = Table(
        "languages",
        gettext("Facility by language"),
        columns,
        description=gettext(
            "A language where a question is 20 points harder than in another is "
            "marked: the translation may be the problem. Languages with fewer "
            "than 10 learners show no figures."
        ),
    )
    for position, question in numbered:
        row = [_question_cell(position, question)]
        for column in report.languages:
            value = None if column.suppressed else column.facility.get(question.pk)
            gap = (question.pk, column.code) in report.language_gaps
            row.append(Cell(value, note=gettext("much harder") if gap else ""))
        table.rows.append(row)
    return table


def _responses(report, numbered):
    table = Table(
        "responses",
        gettext("How often each option was chosen"),
        [
            Column(gettext("question")),
            Column(gettext("option")),
            Column(gettext("right")),
            Column(gettext("misconception")),
            Column(gettext("chosen"), COUNT),
            Column(gettext("of answers"), PERCENT),
        ],
    )
    for position, question in numbered:
        item = report.items.get(question.pk)
        if item is None or item.suppressed:
            continue
        for choice in question.choices.all():
            chosen = report.picks.get(choice.pk, 0)
            table.rows.append(
                [
                    Cell(_label(position, question)),
                    Cell(Truncator(choice.text).chars(80)),
                    Cell(gettext("yes") if choice.is_correct else ""),
                    Cell(
                        misconception_label(choice.misconception)
                        if choice.misconception
                        else ""
                    ),
                    Cell(chosen),
                    Cell(_share(chosen, item.answers)),
                ]
            )
    return table


def _cues(report, numbered):
    table = Table(
        "cues",
        gettext("Red flags missed and decoys flagged"),
        [
            Column(gettext("question")),
            Column(gettext("part of the message")),
            Column(gettext("red flag or decoy")),
            Column(gettext("missed"), PERCENT),
            Column(gettext("flagged by mistake"), PERCENT),
        ],
        description=gettext("Most missed red flags first, then the decoys."),
    )
    for position, question in numbered:
        item = report.items.get(question.pk)
        if question.kind != Question.Kind.RED_FLAGS or not item or item.suppressed:
            continue
        rows = []
        for choice in question.choices.all():
            rate = _share(report.picks.get(choice.pk, 0), item.answers)
            if choice.is_correct:
                rows.append((0, -(1 - rate), choice, 1 - rate, None))
            else:
                rows.append((1, -rate, choice, None, rate))
        for _group, _order, choice, missed, flagged in sorted(
            rows, key=lambda r: r[:2]
        ):
            table.rows.append(
                [
                    Cell(_label(position, question)),
                    Cell(Truncator(choice.text).chars(80)),
                    Cell(
                        pgettext("segment", "red flag")
                        if choice.is_correct
                        else pgettext("segment", "decoy")
                    ),
                    Cell(missed),
                    Cell(flagged),
                ]
            )
    return table


def _verdicts(report, numbered):
    table = Table(
        "verdicts",
        gettext("Scam or legit: how often learners said “scam”"),
        [
            Column(gettext("question")),
            Column(gettext("actually")),
            Column(gettext("answers"), COUNT),
            Column(gettext("hit rate"), PERCENT),
            Column(gettext("false-alarm rate"), PERCENT),
        ],
        description=gettext(
            "Hit: a scam called a scam. False alarm: a legitimate message "
            "called a scam."
        ),
    )
    for position, question in numbered:
        item = report.items.get(question.pk)
        if question.kind != Question.Kind.SCAM_OR_LEGIT or not item or item.suppressed:
            continue
        said_scam = item.facility if question.is_scam else 1 - item.facility
        table.rows.append(
            [
                _question_cell(position, question),
                Cell(gettext("a scam") if question.is_scam else gettext("legit")),
                Cell(item.answers),
                Cell(said_scam if question.is_scam else None),
                Cell(None if question.is_scam else said_scam),
            ]
        )
    return table


def _discernment(report):
    table = Table(
        "discernment",
        gettext("Telling scams from real messages, all scam-or-legit answers"),
        [Column(gettext("measure")), Column(gettext("value"), NUMBER)],
        description=gettext(
            "d′ above 0: learners tell scams from real messages; c above 0: "
            "they trust too much, below 0: they suspect too much. Rates use "
            "the log-linear correction."
        ),
    )
    sdt = report.discernment
    if sdt is None:
        return table
    table.rows = [
        [Cell(gettext("scams shown")), Cell(sdt.scams)],
        [Cell(gettext("hits")), Cell(sdt.hits)],
        [Cell(gettext("legitimate messages shown")), Cell(sdt.legits)],
        [Cell(gettext("false alarms")), Cell(sdt.false_alarms)],
        [Cell(gettext("sensitivity d′")), Cell(sdt.sensitivity)],
        [Cell(gettext("bias c")), Cell(sdt.bias)],
    ]
    return table


def _overconfidence(report, numbered):
    return overconfidence_table(
        report,
        title=gettext("Overconfidence: wrong at “Very sure”"),
        columns=[
            Column(gettext("question")),
            Column(gettext("answers at “Very sure”"), COUNT),
            Column(gettext("wrong at “Very sure”"), COUNT),
        ],
        description=gettext(
            "The share of answers given at “Very sure” that were wrong: high "
            "where a message fools learners who feel certain. Rating is "
            "optional outside quizzes with certainty-based marking. Shown "
            "where at least %(least)d learners answered at “Very sure”."
        )
        % {"least": report.min_learners},
        rows=[
            (
                _question_cell(position, question),
                item.very_sure,
                item.very_sure_wrong,
                item.overconfidence,
                item.overconfidence_suppressed,
            )
            for position, question in numbered
            if question.kind == Question.Kind.SCAM_OR_LEGIT
            and (item := report.items.get(question.pk))
            and not item.suppressed
        ],
    )


def _misconceptions(report):
    table = Table(
        "misconceptions",
        gettext("Misconceptions most often chosen"),
        [
            Column(gettext("misconception")),
            Column(gettext("chosen"), COUNT),
            Column(gettext("of answers to those questions"), PERCENT),
            Column(gettext("options"), COUNT),
            Column(gettext("questions"), COUNT),
        ],
        description=gettext(
            "Tag wrong options with the belief behind them to see it counted here."
        ),
    )
    for item in report.misconceptions:
        table.rows.append(
            [
                Cell(misconception_label(item.label)),
                Cell(item.chosen),
                Cell(item.share),
                Cell(item.options),
                Cell(item.questions),
            ]
        )
    return table


# Charts: small SVGs drawn on the server, sized with attributes so that a
# strict content security policy needs no inline style.

CHART_WIDTH, BAR, GAP = 100, 14, 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    bars: list
    width: int
    height: int
    vertical: bool


def bar_chart(points, *, vertical=False):
    """Return a chart of (label, value) points, bars scaled to the largest."""
    most = max((value for _label, value in points), default=0) or 1
    bars = []
    if vertical:
        height, step = 60, CHART_WIDTH / max(len(points), 1)
        for n, (label, value) in enumerate(points):
            tall = round(height * value / most, 2)
            bars.append(
                Bar(
                    label,
                    value,
                    round(n * step + step * 0.1, 2),
                    height - tall,
                    round(step * 0.8, 2),
                    tall,
                )
            )
        return BarChart(bars, CHART_WIDTH, height, True)
    for n, (label, value) in enumerate(points):
        bars.append(
            Bar(
                label,
                value,
                0,
                n * (BAR + GAP),
                round(CHART_WIDTH * value / most, 2),
                BAR,
            )
        )
    return BarChart(bars, CHART_WIDTH, len(points) * (BAR + GAP) - GAP, False)


# CSV


def _csv_value(cell, kind):
    value = cell.value
    if value is None:
        return ""
    if kind == FLAGS:
        return "; ".join(str(FLAG_LABELS[code]) for code in value)
    if kind == PERCENT:
        return f"{100 * value:.1f}"
    if kind == NUMBER and isinstance(value, float):
        return f"{value:.3f}"
    text = str(value)
    # A cell starting like a formula could run code in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def csv_response(table, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark lets spreadsheet programs read the Chinese right.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            f"{column.label} (%)" if column.kind == PERCENT else column.label
            for column in table.columns
        ]
    )
    for row in table.rows:
        writer.writerow(
            _csv_value(cell, column.kind)
            for cell, column in zip(row, table.columns, strict=True)
        )
    return response
