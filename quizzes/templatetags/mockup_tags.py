"""Template tags that draw mock-ups (see quizzes/mockups.py).

The message's inline parts are made here rather than by included templates,
so that no line break of a template file lands inside a sentence.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from quizzes import mockups

register = template.Library()


@register.simple_tag
def mockup(question, choices=None, form=None, chosen=None, reveal=False):
    """Return the Mock of a question, for templates/quizzes/_mock.html."""
    widgets = list(form["choice"]) if form and "choice" in form.fields else None
    return mockups.build(
        question, choices=choices, widgets=widgets, chosen=chosen or (), reveal=reveal
    )


@register.filter
def masked(value):
    """Draw a value with its "*" runs visibly masked."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html('<span class="mock__masked">{}</span>', text)
                if hidden
                else text,
            )
            for text, hidden in mockups.masked_runs(value)
        ),
    )


def pieces_html(pieces):
    out = []
    for piece in pieces:
        if piece.kind == "break":
            out.append(mark_safe("<br>"))
        elif piece.kind == "link":
            out.append(format_html('<span class="mock-link">{}</span>', piece.text))
        else:
            out.append(format_html("{}", piece.text))
    return mark_safe("".join(out))


def card_html(card):
    hidden_label = format_html('<span class="visually-hidden">{}: </span>', card.label)
    if card.kind in ("transfer", "red_packet"):
        icon = "¥" if card.kind == "transfer" else ""
        note = (
            format_html('<span class="card__note">{}</span>', card.note)
            if card.note
            else ""
        )
        inner = format_html(
            '<span class="card__icon" aria-hidden="true">{}</span>'
            '<span class="card__main">{}<span class="card__title">{}</span>{}</span>'
            '<span class="card__foot" aria-hidden="true">{}</span>',
            icon,
            hidden_label,
            card.text or card.label,
            note,
            card.label,
        )
    elif card.kind == "qr":
        inner = format_html(
            '<svg class="card__qr" viewBox="-2 -2 25 25" role="img" aria-label="{}" '
            'focusable="false"><rect x="-2" y="-2" width="25" height="25" '
            'fill="#ffffff"/><path d="{}" fill="#111111"/></svg>'
            '<span class="card__caption">{}</span>',
            _("A QR code drawn for this training example, not a real code"),
            card.qr_path,
            card.text,
        )
    elif card.kind == "voice":
        words = (
            format_html(
                '<span class="card__transcript"><span class="card__transcript-label">'
                "{}</span> {}</span>",
                _("Words:"),
                card.note,
            )
            if card.note
            else ""
        )
        inner = format_html(
            '<span class="card__voice">{}<span class="card__wave" aria-hidden="true">'
            "<span></span><span></span><span></span><span></span><span></span></span>"
            '<span class="card__duration">{}</span></span>{}',
            hidden_label,
            card.text,
            words,
        )
    else:
        inner = format_html(
            '<span class="card__picture" aria-hidden="true"><svg viewBox="0 0 24 16" '
            'focusable="false"><path d="M1 15 8 6l5 6 3-3 7 6z" fill="currentColor"/>'
            '<circle cx="18" cy="4" r="2" fill="currentColor"/></svg></span>'
            '<span class="card__caption">{}{}</span>',
            hidden_label,
            card.text,
        )
    return format_html('<span class="card card--{}">{}</span>', card.kind, inner)


STATE_WORDS = {
    "found": lambda: _("(red flag you marked)"),
    "missed": lambda: _("(red flag you missed)"),
    "wrong": lambda: _("(harmless part you marked)"),
}
MARK = mark_safe('<span class="segment__mark" aria-hidden="true"></span>')


def part_html(part, block, autofocus):
    content = card_html(block.card) if block.card else pieces_html(part.pieces)
    if part.segment is None:
        return content
    classes = ["segment"]
    if block.card:
        classes.append("segment--card")
    if part.widget is not None:
        if not part.first:
            classes.append("segment--more")
        widget = part.widget
        checkbox = ""
        if part.first:
            checkbox = format_html(
                '<input class="segment__input" type="checkbox" name="{}" value="{}" '
                'id="{}"{}{}>',
                widget.data["name"],
                widget.data["value"],
                widget.id_for_label,
                mark_safe(" checked") if widget.data["selected"] else "",
                mark_safe(" autofocus") if autofocus and part.segment == 0 else "",
            )
        return format_html(
            '<label class="{}" for="{}" data-seg="{}">{}{}{}</label>',
            " ".join(classes),
            widget.id_for_label,
            part.segment,
            checkbox,
            MARK,
            content,
        )
    state = part.state
    if state:
        classes.append(f"segment--{state}")
    if part.flag:
        classes.append("segment--flag")
    words = (
        format_html(
            '{}<span class="visually-hidden">{} </span>', MARK, STATE_WORDS[state]()
        )
        if state
        else ""
    )
    return format_html(
        '<span class="{}">{}{}</span>', " ".join(classes), words, content
    )


@register.simple_tag
def mock_block(block, autofocus=False):
    """Draw one block's parts: text, links, cards, red-flag targets."""
    if block.card and block.parts and block.parts[0].segment is None:
        return card_html(block.card)
    return mark_safe("".join(part_html(part, block, autofocus) for part in block.parts))
