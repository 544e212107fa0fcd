import segno
from django.utils.html import escape
from django.utils.safestring import mark_safe

SCALE = 4


def qr_svg(url, *, label=""):
    """Return the link as a QR code drawn here, as inline SVG.

    With a label, the drawing is an image with that accessible name; without
    one, it sits beside text that already says what it is.
    """
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(
        # Dark on white in both colour schemes, and on paper: cameras read
        # it best.
        scale=SCALE,
        dark="#111111",
        light="#ffffff",
        # A viewBox lets a stylesheet size the code (smaller on paper); the
        # width and height added below keep its size where none does.
        omitsize=True,
        svgclass="qr-code",
        title=label or None,
    )
    width, height = qr.symbol_size(scale=SCALE)
    attributes = f'width="{width}" height="{height}" '
    if label:
        attributes += f'role="img" aria-label="{escape(label)}" '
    # segno writes only its own SVG, from a URL the site made; the label
    # is escaped.
    return mark_safe(svg.replace("<svg ", f"<svg {attributes}", 1))
