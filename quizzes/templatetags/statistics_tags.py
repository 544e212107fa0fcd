from django import template
from django.utils.formats import number_format

from quizzes.report_tables import COUNT, FLAG_LABELS, FLAGS, NUMBER, PERCENT

register = template.Library()


@register.filter
def stat(value, kind):
    """Format one statistics cell by its column's kind; "—" when empty."""
    if value is None or (kind == PERCENT and value == ""):
        return "—"
    if kind == FLAGS:
        return "; ".join(str(FLAG_LABELS[code]) for code in value)
    if kind == PERCENT:
        return f"{number_format(100 * value, 1)}%"
    if kind in (COUNT, NUMBER) and isinstance(value, int):
        return number_format(value)
    if kind == NUMBER:
        return number_format(value, 2)
    return value
