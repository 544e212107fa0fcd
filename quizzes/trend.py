"""The learner's quiz scores over time, drawn as a server-rendered SVG.

Geometry only: the template draws it, and a table beside it gives the same
figures in words. Each point carries its score as text, so the chart reads
without colour.
"""

from dataclasses import dataclass

# The latest finished quiz attempts shown; older ones are in "Every attempt".
POINTS = 12
WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 52, 18, 24, 32


@dataclass(frozen=True)
class Point:
    x: int
    y: int
    attempt: object

    @property
    def label_y(self):
        # The score sits above its point, or below it near the top edge.
        return self.y - 10 if self.y > TOP + 14 else self.y + 20


def score_trend(attempts):
    """Return the chart of these attempts' scores, oldest first, or None.

    ``attempts`` come newest first, as the progress page reads them; only
    finished quiz attempts count (a review has no score of its own).
    """
    finished = [a for a in attempts if a.is_finished and not a.is_review][:POINTS]
    if len(finished) < 2:
        return None
    finished.reverse()
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / (len(finished) - 1)
    points = [
        Point(
            x=round(LEFT + index * step),
            y=round(TOP + inner_h * (1 - attempt.score / 100)),
            attempt=attempt,
        )
        for index, attempt in enumerate(finished)
    ]
    grid = [
        {"value": value, "y": round(TOP + inner_h * (1 - value / 100))}
        for value in (0, 50, 100)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "points": points,
        "line": " ".join(f"{point.x},{point.y}" for point in points),
        "grid": grid,
        "first": points[0].attempt,
        "last": points[-1].attempt,
        "change": round(points[-1].attempt.score - points[0].attempt.score),
    }
