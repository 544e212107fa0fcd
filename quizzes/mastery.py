"""How well a learner knows each topic (each scam technique), and overall.

Two readings of the same answers, each for what it shows best:

- the share right of a topic's latest answers (part marks count in part),
  which is what the learner would score on that topic now;
- a level, as Khan Academy's familiar → proficient → mastered: two right
  answers in a row raise it one step, a miss lowers it one. Knowledge fades
  and levels say so: a mastered topic missed is proficient again.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Question

# How many of a topic's latest answers its share counts: recent work shows
# what a learner knows now better than everything since the first try.
RECENT_ANSWERS = 10
# Below this many answers a topic has no share and no level yet.
MIN_ANSWERS = 3
# Right answers in a row that raise a level one step.
STREAK_TO_RISE = 2

ATTEMPTED, FAMILIAR, PROFICIENT, MASTERED = range(4)
LEVELS = {
    ATTEMPTED: _("Attempted"),
    FAMILIAR: _("Familiar"),
    PROFICIENT: _("Proficient"),
    MASTERED: _("Mastered"),
}


def climb(marks):
    """Return the level reached by marks in the order they were given.

    A full mark counts towards the streak; a wrong answer (no mark at all)
    lowers the level one step; a part mark breaks the streak only.
    """
    level, streak = ATTEMPTED, 0
    for mark in marks:
        if mark == 1.0:
            streak += 1
            if streak == STREAK_TO_RISE:
                level, streak = min(level + 1, MASTERED), 0
        elif not mark:
            level, streak = max(level - 1, ATTEMPTED), 0
        else:
            streak = 0
    return level


@dataclass(frozen=True)
class TopicMastery:
    topic: str
    label: str
    answered: int
    right: float
    # The level from every answer the page read, oldest first.
    rank: int = ATTEMPTED

    @property
    def enough(self):
        return self.answered >= MIN_ANSWERS

    @property
    def percent(self):
        """Return the share right, or None while there are too few answers."""
        return round(100 * self.right / self.answered) if self.enough else None

    @property
    def level(self):
        if not self.enough:
            return _("Not enough answers yet")
        return LEVELS[self.rank]

    @property
    def steps(self):
        """Return (label, reached) for each level, for the chart."""
        return [
            (label, self.enough and rank <= self.rank) for rank, label in LEVELS.items()
        ]


def topic_mastery(answers):
    """Return mastery per topic from answers ordered newest first."""
    marks = {}
    for answer in answers:
        marks.setdefault(answer.question.topic, []).append(answer.mark or 0.0)
    return [
        TopicMastery(
            topic,
            label,
            len(marks[topic][:RECENT_ANSWERS]),
            sum(marks[topic][:RECENT_ANSWERS]),
            climb(reversed(marks[topic])),
        )
        for topic, label in Question.Topic.choices
        if topic in marks
    ]


def overall(topics):
    """Return the share right over the answers the topics count, or None.

    The same answers as the topics' shares, so the overall figure is their
    average weighted by answers; topics with too few answers are left out.
    """
    counted = [topic for topic in topics if topic.enough]
    answered = sum(topic.answered for topic in counted)
    if not answered:
        return None
    return {
        "percent": round(100 * sum(topic.right for topic in counted) / answered),
        "answered": answered,
    }
