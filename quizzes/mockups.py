"""Turn a question's message into what a mock-up template draws.

A question with a channel shows its message as a training mock-up of the
screen it arrives on: an SMS thread, a call screen, a chat, an e-mail, a job
post, a courier slip, a payment screen, a web page or an app download page.
This module does the parsing, so that the templates only draw:

- the body, as blocks: paragraphs, or (chat and call) one bubble or spoken
  turn per line, a line starting with "> " being the learner's own side;
- chat cards, a whole line each: "[transfer] ¥5,000 | note",
  "[red packet] text", "[qr] caption", "[voice] 0:12 | words",
  "[image] caption";
- addresses (URLs and .example domains) as spans that look like links and
  cannot be followed;
- the details, one "Label: value" per line, split on the first ":" or "：";
- the screen-reader summary that opens every mock-up.

For a red-flag question the body is its segments (the options, whose texts
join up to the message), and each block holds the parts of the segments
that fall in it: a segment over two bubbles is drawn in both, the first part
holding the checkbox and every part labelling it, so that a tap anywhere on
the phrase flags it. Before the answer nothing here says which segment is a
red flag; after it, ``reveal`` marks them.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A card takes a whole chat line: "[kind] text | more".
CARDS = {
    "transfer": "transfer",
    "red packet": "red_packet",
    "red-packet": "red_packet",
    "redpacket": "red_packet",
    "qr": "qr",
    "voice": "voice",
    "image": "image",
}
CARD_LINE = re.compile(r"^\s*\[(?P<kind>[a-z -]+)\]\s*(?P<rest>.*)$", re.IGNORECASE)

# Addresses drawn as links: http(s) URLs, and bare names under .example
# (the only domains mock-ups use). ASCII only, so that a Chinese sentence
# after an address is not swallowed by it.
ADDRESS = re.compile(
    r"(?:https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+"
    r"|(?<![A-Za-z0-9@.\-])(?:[A-Za-z0-9\-]+\.)+example(?![A-Za-z0-9])"
    r"[A-Za-z0-9\-._~/?#=&%]*)",
    re.IGNORECASE,
)
# Punctuation that ends a sentence rather than the address.
TRAILING = ".,;:!?)]'"

# Channels whose body is one line per bubble or turn.
LINE_CHANNELS = ("chat", "call")
# "> " starts the learner's own line (their reply, their words).
OWN_PREFIX = re.compile(r"^>\s?")

DETAIL_SPLIT = re.compile(r"[:：]")

# Detail labels some layouts place on their own, in the content's languages.
LABELS = {
    "tags": ("tags", "tag", "标签"),
    "salary": ("salary", "pay", "薪资", "薪酬", "工资", "待遇", "月薪", "日薪"),
    "to": ("to", "收件人"),
    "permissions": (
        "asks for",
        "permissions",
        "权限",
        "需要权限",
        "申请权限",
        "需要",
        "索取权限",
    ),
}
PLACED = {
    "job_post": ("tags", "salary"),
    "email": ("to",),
    "app_download": ("permissions",),
}


def split_list(value):
    return [item.strip() for item in re.split(r"[,，、;；]", value) if item.strip()]


@dataclass
class Piece:
    """A run of text: plain, an address, or a line break."""

    kind: str  # "text", "link" or "break"
    text: str = ""


@dataclass
class Part:
    """The text of one segment (or of the whole message) inside one block."""

    pieces: list
    segment: int | None = None  # index among the options, for red flags
    first: bool = True  # the first part of its segment holds the checkbox
    widget: object = None  # the form's checkbox, before the answer
    choice: object = None
    flag: bool = False  # revealed: a red flag
    chosen: bool = False  # the learner marked it

    @property
    def state(self):
        """After the answer: found, missed, wrong (a harmless part marked) or ""."""
        if self.flag and self.chosen:
            return "found"
        if self.flag:
            return "missed"
        if self.chosen:
            return "wrong"
        return ""

    @property
    def text(self):
        return "".join(
            piece.text if piece.kind != "break" else "\n" for piece in self.pieces
        )


@dataclass
class Card:
    kind: str  # transfer, red_packet, qr, voice, image
    text: str = ""  # the amount, the wish, the caption or the duration
    note: str = ""  # a transfer's note, a voice message's words
    qr: list = field(default_factory=list)  # QR drawing: [(x, y)] dark modules

    @property
    def qr_path(self):
        """The drawing's dark modules as one SVG path."""
        return "".join(f"M{x} {y}h1v1h-1z" for x, y in self.qr)

    @property
    def label(self):
        return {
            "transfer": _("Transfer"),
            "red_packet": _("Red packet"),
            "qr": _("QR code"),
            "voice": _("Voice message"),
            "image": _("Picture"),
        }[self.kind]


@dataclass
class Block:
    """A paragraph, or a bubble or turn of a chat or call."""

    parts: list
    own: bool = False  # the learner's side
    card: Card | None = None

    @property
    def side(self):
        return "me" if self.own else "them"


@dataclass
class Mock:
    channel: str
    template: str
    summary: str
    sender: str
    subject: str
    sent_at: str
    details: list  # [(label, value)]
    blocks: list
    initial: str
    interactive: bool
    reveal: bool
    nothing_chosen: bool = False

    def detail(self, *labels):
        """Return the value of the first detail with one of these labels."""
        wanted = {label.casefold() for label in labels}
        for label, value in self.details:
            if label.casefold() in wanted:
                return value
        return ""

    @property
    def tags(self):
        """A job post's tags, as chips."""
        return split_list(self.detail(*LABELS["tags"]))

    @property
    def salary(self):
        return self.detail(*LABELS["salary"])

    @property
    def recipient(self):
        """An e-mail's "To" line."""
        return self.detail(*LABELS["to"])

    @property
    def permissions(self):
        """What an app asks for, one item each."""
        return split_list(self.detail(*LABELS["permissions"]))

    @property
    def other_details(self):
        """The details a channel's layout does not place on its own."""
        placed = set()
        for name in PLACED.get(self.channel, ()):
            placed |= {label.casefold() for label in LABELS[name]}
        return [
            (label, value)
            for label, value in self.details
            if label.casefold() not in placed
        ]

    @property
    def incoming(self):
        """A payment screen of money received ("+¥129.00"): no confirm button."""
        return incoming_amount(self.subject)

    @property
    def address(self):
        """A web page's address as (scheme, host, rest)."""
        return address_parts(self.sender)

    @property
    def clock(self):
        """The status bar's time: the time the message came, if it says one."""
        times = re.findall(r"\d{1,2}:\d{2}", self.sent_at)
        return times[-1] if times else "9:41"

    @property
    def has_flags(self):
        return any(part.flag for block in self.blocks for part in block.parts)

    @property
    def paragraphs(self):
        return [block for block in self.blocks if not block.card]


def pieces(text):
    """Split text into plain runs, addresses and line breaks."""
    out = []
    for n, line in enumerate(text.split("\n")):
        if n:
            out.append(Piece("break"))
        at = 0
        for match in ADDRESS.finditer(line):
            start, end = match.span()
            while end > start and line[end - 1] in TRAILING:
                end -= 1
            if end <= start:
                continue
            if start > at:
                out.append(Piece("text", line[at:start]))
            out.append(Piece("link", line[start:end]))
            at = end
        if at < len(line):
            out.append(Piece("text", line[at:]))
    return out


def details(text):
    """Return (label, value) pairs, one per non-empty line."""
    pairs = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = DETAIL_SPLIT.search(line)
        if match:
            pairs.append((line[: match.start()].strip(), line[match.end() :].strip()))
        else:
            pairs.append(("", line))
    return pairs


def qr_modules(seed, size=21):
    """Return the dark modules of a QR-like drawing: not a real, scannable code.

    Three finder squares where a QR code has them, and a pattern drawn from
    the caption's hash in between, with no timing, format or error-correction
    data: it looks like a code and decodes to nothing.
    """
    dark = set()
    for ox, oy in ((0, 0), (size - 7, 0), (0, size - 7)):
        for y in range(7):
            for x in range(7):
                ring = max(abs(x - 3), abs(y - 3))
                if ring != 2:
                    dark.add((ox + x, oy + y))
    digest = b""
    counter = 0
    while len(digest) * 8 < size * size:
        digest += hashlib.sha256(f"{seed}|{counter}".encode()).digest()
        counter += 1
    bits = int.from_bytes(digest, "big")

    def in_finder(x, y):
        return (
            (x < 8 and y < 8) or (x >= size - 8 and y < 8) or (x < 8 and y >= size - 8)
        )

    for y in range(size):
        for x in range(size):
            if not in_finder(x, y) and bits >> (y * size + x) & 1:
                dark.add((x, y))
    return sorted(dark, key=lambda xy: (xy[1], xy[0]))


def card(line):
    """Return the Card a chat line is, or None for an ordinary line."""
    match = CARD_LINE.match(line)
    if not match:
        return None
    kind = CARDS.get(re.sub(r"\s+", " ", match["kind"].strip().lower()))
    if kind is None:
        return None
    text, _bar, note = match["rest"].partition("|")
    made = Card(kind, text.strip(), note.strip())
    if kind == "qr":
        made.qr = qr_modules(made.text)
    return made


def blocks_of(text, channel):
    """Return the (start, end, own) spans of the body's blocks.

    Spans index ``text``; a learner's "> " is left out of its block.
    """
    spans = []
    if channel in LINE_CHANNELS:
        at = 0
        for line in text.split("\n"):
            start, end = at, at + len(line)
            at = end + 1
            if not line.strip():
                continue
            own = bool(OWN_PREFIX.match(line))
            if own:
                start += OWN_PREFIX.match(line).end()
            spans.append((start, end, own))
        return spans
    # Paragraphs: split at blank lines; single line breaks stay inside.
    at = 0
    for match in re.finditer(r"\n[ \t]*\n\s*", text + "\n\n"):
        start, end = at, min(match.start(), len(text))
        at = match.end()
        if text[start:end].strip():
            spans.append((start, end, False))
    return spans


def build(question, choices=None, widgets=None, chosen=(), reveal=False):
    """Return the Mock of a question.

    ``choices`` are the options in the attempt's order; for a red-flag
    question they are the message's segments. ``widgets`` are the form's
    checkboxes (before the answer), ``chosen`` what the learner marked, and
    ``reveal`` marks the red flags.
    """
    channel = question.channel or "sms"
    segments = question.kind == "red_flags" and choices
    if segments:
        choices = list(choices)
        text = "".join(choice.text for choice in choices)
        bounds, at = [], 0
        for choice in choices:
            bounds.append((at, at + len(choice.text)))
            at += len(choice.text)
    else:
        text = question.body or ""
        bounds = [(0, len(text))]
    by_value = {}
    for widget in widgets or ():
        by_value[str(widget.data["value"])] = widget
    chosen = set(chosen or ())

    blocks = []
    started = set()
    for start, end, own in blocks_of(text, channel):
        line = text[start:end]
        made = card(line) if channel == "chat" else None
        block = Block([], own=own, card=made)
        for index, (s, e) in enumerate(bounds):
            a, b = max(s, start), min(e, end)
            if a >= b:
                continue
            if made and block.parts:
                # A card is one target: the segment it starts in.
                continue
            piece_text = text[a:b]
            if not made and not piece_text.strip():
                continue
            part = Part(pieces(piece_text) if not made else [])
            if segments:
                choice = choices[index]
                part.segment = index
                part.choice = choice
                part.first = index not in started
                started.add(index)
                part.widget = by_value.get(choice.key)
                part.chosen = choice in chosen
                part.flag = bool(reveal and choice.is_correct)
            block.parts.append(part)
        if block.parts:
            blocks.append(block)

    sender = (question.sender or "").strip()
    return Mock(
        channel=channel,
        template=f"quizzes/mock/{channel}.html",
        summary=summary(question, channel, sender),
        sender=sender,
        subject=(question.subject or "").strip(),
        sent_at=(question.sent_at or "").strip(),
        details=details(question.details),
        blocks=blocks,
        initial=initial(sender),
        interactive=bool(segments and widgets),
        reveal=reveal,
        nothing_chosen=bool(segments and reveal and not chosen),
    )


def incoming_amount(amount):
    return amount.strip().startswith(("+", "＋"))


def initial(name):
    """Return the avatar's letter: the name's first letter or character.

    A number (95xxx, +86 …) has none: phones show a person's outline.
    """
    for character in name:
        if character.isalpha():
            return character.upper()
        if character.isdigit():
            return ""
    return ""


def address_parts(address):
    """Split a web address into (start, host, rest), the host to be stressed."""
    match = re.match(r"^([a-z]+://)?([^/?#\s]*)(.*)$", address.strip(), re.IGNORECASE)
    if not match:
        return ("", address, "")
    return (match[1] or "", match[2], match[3])


def summary(question, channel, sender):
    """Return what a screen reader hears first: what this mock-up shows."""
    subject = (question.subject or "").strip()
    values = {"sender": sender, "subject": subject}
    with_sender = {
        "sms": _("text message from %(sender)s"),
        "call": _("incoming call from %(sender)s"),
        "chat": _("chat with %(sender)s"),
        "email": _("e-mail from %(sender)s"),
        "job_post": _("job post by %(sender)s"),
        "courier_slip": _("courier slip from %(sender)s"),
        "payment": _("payment screen, paying %(sender)s"),
        "web": _("web page at %(sender)s"),
        "app_download": _("app download page, developer %(sender)s"),
    }
    without_sender = {
        "sms": _("text message"),
        "call": _("incoming call"),
        "chat": _("chat"),
        "email": _("e-mail"),
        "job_post": _("job post"),
        "courier_slip": _("courier slip"),
        "payment": _("payment screen"),
        "web": _("web page"),
        "app_download": _("app download page"),
    }
    if channel == "payment" and incoming_amount(subject):
        with_sender["payment"] = _("payment record, from %(sender)s")
        without_sender["payment"] = _("payment record")
    what = (with_sender if sender else without_sender)[channel] % values
    if subject:
        what = {
            "call": _("%(what)s (%(subject)s)"),
            "email": _("%(what)s, subject “%(subject)s”"),
            "job_post": _("%(what)s: “%(subject)s”"),
            "courier_slip": _("%(what)s, tracking number %(subject)s"),
            "payment": _("%(what)s, amount %(subject)s"),
            "web": _("%(what)s, titled “%(subject)s”"),
            "app_download": _("%(what)s, app “%(subject)s”"),
        }.get(channel, "%(what)s") % {"what": what, "subject": subject}
    sent_at = (question.sent_at or "").strip()
    if sent_at:
        what = _("%(what)s at %(time)s") % {"what": what, "time": sent_at}
    return _("Training example: %(what)s:") % {"what": what}


MASK = re.compile(r"[*＊]+")


def masked_runs(value):
    """Return (text, masked) runs of a value: "138****5678" masks "****"."""
    runs, at = [], 0
    for match in MASK.finditer(value or ""):
        if match.start() > at:
            runs.append((value[at : match.start()], False))
        runs.append((match.group(), True))
        at = match.end()
    if at < len(value or ""):
        runs.append((value[at:], False))
    return runs
