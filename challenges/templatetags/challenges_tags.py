from django import template

from ..forms import ChallengeForm

register = template.Library()


@register.simple_tag
def challenge_form():
    """An empty "pass it on" form, for the result page."""
    return ChallengeForm()
