"""Share images: the picture a chat app shows beside a link to the site.

A 1200 × 630 PNG drawn with Pillow in the page's language, so that a link
passed on to a parent previews in words they read. Nothing is fetched from
elsewhere: the fonts are the machine's own (Debian's fonts-noto-cjk for
Chinese; Pillow's built-in font when it is missing, which has no Chinese).
The views cache the PNGs with the public pages.
"""

import io
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND = (11, 92, 173)  # the site's accent, #0b5cad
FOREGROUND = (255, 255, 255)
MUTED = (214, 230, 247)

# Faces of the Noto Sans CJK collection, by the script a language reads.
FACE_INDEX = {"zh-hans": 2, "zh-hant": 3, "zh-hk": 4}


@lru_cache(maxsize=32)
def font(size, language, bold=False):
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    for folder in settings.SHARE_IMAGE_FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return ImageFont.truetype(
                str(path), size, index=FACE_INDEX.get(language, 2)
            )
    return ImageFont.load_default(size)


def wrap(draw, text, face, width, max_lines):
    """Cut text into lines that fit: at spaces, or anywhere in Chinese."""
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines, line = [], ""
    for word in words:
        candidate = f"{line}{joiner}{word}" if line else word
        if draw.textlength(candidate, font=face) <= width or not line:
            line = candidate
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(last + "…", font=face) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def shield(draw, x, y, size):
    """The site's shield with its tick, as in static/img/favicon.svg."""
    s = size / 32
    outline = [(16, 2), (4, 7), (4, 15), (8, 25), (16, 30), (24, 25), (28, 15), (28, 7)]
    draw.polygon([(x + px * s, y + py * s) for px, py in outline], fill=FOREGROUND)
    tick = [(11, 16), (14.5, 19.5), (21.5, 12)]
    draw.line(
        [(x + px * s, y + py * s) for px, py in tick],
        fill=BACKGROUND,
        width=max(3, round(2.6 * s)),
        joint="curve",
    )


def render(*, title, summary, site_name, eyebrow, language, address=""):
    """Return the PNG, as bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    shield(draw, MARGIN, MARGIN - 8, 64)
    draw.text(
        (MARGIN + 84, MARGIN + 24),
        site_name,
        font=font(36, language, bold=True),
        fill=FOREGROUND,
        anchor="lm",
    )
    width = WIDTH - 2 * MARGIN
    y = MARGIN + 110
    if eyebrow:
        draw.text((MARGIN, y), eyebrow, font=font(30, language), fill=MUTED)
        y += 56
    title_face = font(62, language, bold=True)
    for line in wrap(draw, title, title_face, width, 3):
        draw.text((MARGIN, y), line, font=title_face, fill=FOREGROUND)
        y += 80
    y += 16
    summary_face = font(32, language)
    for line in wrap(
        draw, summary, summary_face, width, max(1, (HEIGHT - y - 40) // 46)
    ):
        draw.text((MARGIN, y), line, font=summary_face, fill=MUTED)
        y += 46
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
