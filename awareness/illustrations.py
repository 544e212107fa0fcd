"""Pictures drawn for each case study: a scene and a step-by-step strip.

They are templates (inline SVG with translated names and captions), not
content rows, because every line of them is drawn by hand for one case. A
case added in the admin has none until one is drawn, and its page shows
without.
"""

DRAWN = ("training-company-trojans", "order-decryption", "fake-recruitment")


def for_case(case_study):
    """Return the template of the case's pictures, or None if none is drawn."""
    if case_study.slug in DRAWN:
        return f"awareness/illustrations/case-{case_study.slug}.html"
    return None
