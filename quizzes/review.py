"""A learner's review: which families are due, which variant each shows.

quizzes.scheduling says when a family comes back; this module reads a
learner's cards and makes a session of them, in a fixed number of queries
however many cards there are.
"""

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Max, Q
from django.utils import timezone

from . import scheduling
from .models import Answer, Question, ReviewItem, learner_rows

# A review session is short, so that it fits into a spare minute.
REVIEW_SIZE = 10
# How many days of upcoming reviews the page lists.
UPCOMING_DAYS = 3


@dataclass
class Card:
    """One family's card with what a review needs of it."""

    item: ReviewItem
    family: str
    variants: list = field(default_factory=list)

    @property
    def due_at(self):
        return self.item.due_at

    @property
    def topic(self):
        return self.variants[0].topic if self.variants else self.item.question.topic


def cards_for(user, learner_key):
    """Return the learner's live cards, one per family, most urgent first.

    A family is live while it has a published question. A card made before
    its question joined a family counts under the family (the earliest due
    of two such cards stands for both, until the next answer merges them).
    Two queries: the cards with their last question, then the families'
    published questions.
    """
    items = (
        ReviewItem.objects.for_learner(user, learner_key)
        .select_related("question")
        .only(
            "due_at",
            "family",
            "user_id",
            "learner_key",
            "question__family",
            "question__key",
            "question__topic",
        )
        .order_by("due_at", "pk")
    )
    cards = {}
    for item in items:
        family = scheduling.family_key(item.question)
        cards.setdefault(family, Card(item=item, family=family))
    if not cards:
        return []
    families = [name for name in cards if not name.startswith(scheduling.SOLO_PREFIX)]
    solo = [
        name.removeprefix(scheduling.SOLO_PREFIX)
        for name in cards
        if name.startswith(scheduling.SOLO_PREFIX)
    ]
    variants = (
        Question.objects.published()
        .filter(Q(family__in=families) | Q(key__in=solo, family=""))
        .only("pk", "family", "key", "topic")
        .order_by("order", "pk")
    )
    for question in variants:
        cards[scheduling.family_key(question)].variants.append(question)
    return [card for card in cards.values() if card.variants]


def due(cards, at=None):
    at = at or timezone.now()
    return [card for card in cards if card.due_at <= at]


def session(cards, user, learner_key, *, rng=None):
    """Return the questions of a session over these cards (most urgent first).

    At most REVIEW_SIZE families, topics taken in turn; each shows a variant
    the learner has not answered yet, else the one answered longest ago.
    One query: when the learner last answered each variant.
    """
    rng = rng or random.Random()
    chosen = scheduling.interleave(cards, lambda card: card.topic, REVIEW_SIZE)
    condition = learner_rows(user, learner_key, prefix="attempt__")
    pks = [question.pk for card in chosen for question in card.variants]
    seen = {}
    if condition is not None and pks:
        seen = dict(
            Answer.objects.filter(
                condition, question__in=pks, answered_at__isnull=False
            )
            .values("question")
            .annotate(last=Max("answered_at"))
            .values_list("question", "last")
        )
    return [scheduling.choose_variant(card.variants, seen, rng=rng) for card in chosen]


def upcoming(cards, at=None, days=UPCOMING_DAYS):
    """Return (first due time, how many) for the next days with cards due."""
    at = at or timezone.now()
    by_day, first = Counter(), {}
    for card in cards:
        if card.due_at > at:
            day = timezone.localtime(card.due_at).date()
            by_day[day] += 1
            first.setdefault(day, card.due_at)
    return [(first[day], by_day[day]) for day in sorted(by_day)[:days]]


def utc_offset_label(moment):
    """Return "UTC+8" (or "UTC+5:30") for the site's time zone at that time."""
    offset = timezone.localtime(moment).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


# iCalendar (RFC 5545): CRLF line ends, lines folded at 75 octets, and
# text with its commas, semicolons and backslashes escaped.


def _escape(text):
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


def _fold(line):
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def ics_time(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class Event:
    uid: str
    start: datetime
    summary: str
    url: str
    description: str = ""


def calendar(events, *, name, minutes=10):
    """Return an iCalendar document of these events, as text."""
    now = ics_time(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Guard Your Info//Review reminders//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{now}",
            f"DTSTART:{ics_time(event.start)}",
            f"DURATION:PT{minutes}M",
            f"SUMMARY:{_escape(event.summary)}",
            f"URL:{event.url}",
            f"DESCRIPTION:{_escape(event.description or event.url)}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(event.summary)}",
            "TRIGGER:PT0M",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def random_uid(host):
    return f"{uuid.uuid4()}@{host}"
