from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Question

# How many of a topic's latest answers count: recent work shows what a
# learner knows now better than everything since the first try.
RECENT_ANSWERS = 10
MIN_ANSWERS = 3

LEVELS = (
    (90, _("Mastered")),
    (70, _("Good")),
    (40, _("Learning")),
    (0, _("Getting started")),
)


@dataclass(frozen=True)
class TopicMastery:
    topic: str
    label: str
    answered: int
    right: float

    @property
    def percent(self):
        return round(100 * self.right / self.answered) if self.answered else 0

    @property
    def level(self):
        if self.answered < MIN_ANSWERS:
            return _("Not enough answers yet")
        return next(label for floor, label in LEVELS if self.percent >= floor)


def topic_mastery(answers):
    """Return mastery per topic from answers ordered newest first."""
    recent = {}
    for answer in answers:
        marks = recent.setdefault(answer.question.topic, [])
        if len(marks) < RECENT_ANSWERS:
            marks.append(answer.mark)
    return [
        TopicMastery(topic, label, len(recent[topic]), sum(recent[topic]))
        for topic, label in Question.Topic.choices
        if topic in recent
    ]
