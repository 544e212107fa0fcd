"""Horizontal bar charts drawn on the server, readable without colour.

Each bar has its own fill pattern and carries its label and value as
text, so the chart reads in greyscale, in print and to a screen reader
(which also gets the table beside it).
"""

from dataclasses import dataclass

# Fills that differ in shape, not only in hue.
PATTERNS = ("solid", "hatch", "dots", "cross")
LABEL_WIDTH, BAR_WIDTH, ROW, GAP = 180, 200, 28, 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0 to 100
    text: str
    pattern: str
    y: int
    width: float

    @property
    def text_y(self):
        return self.y + ROW // 2 + 5

    @property
    def value_x(self):
        return LABEL_WIDTH + self.width + 6


def bars(rows):
    """Return the bars of (label, percent, text) rows, one pattern each."""
    return [
        Bar(
            label=label,
            value=value,
            text=text,
            pattern=PATTERNS[index % len(PATTERNS)],
            y=index * (ROW + GAP),
            width=round(BAR_WIDTH * max(0.0, min(value, 100.0)) / 100, 1),
        )
        for index, (label, value, text) in enumerate(rows)
    ]


def chart(rows, name):
    """Return the context of one chart: its bars, size and pattern ids."""
    drawn = bars(rows)
    return {
        "name": name,
        "bars": drawn,
        "height": len(drawn) * (ROW + GAP),
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
        "label_width": LABEL_WIDTH,
        "row": ROW,
        "bar_width": BAR_WIDTH,
    }
