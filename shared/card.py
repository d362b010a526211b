"""The verse card: a shared verse drawn as a 1200x630 PNG with Pillow and the bundled DejaVu Serif font."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from shared import translations
from shared.protocol import Verse

#: The size link previews use (Open Graph's 1.91:1).
WIDTH, HEIGHT = 1200, 630
MARGIN = 80
CONTENT_TYPE = "image/png"
FONTS = Path(__file__).parent / "fonts"
_BACKGROUND = (250, 246, 238)
_INK = (40, 36, 32)
_MUTED = (110, 100, 90)
_ACCENT = (150, 90, 40)
#: Verse text sizes tried largest first until the text fits above the reference.
_TEXT_SIZES = (46, 40, 34, 30, 26, 22)


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Words laid into lines no wider than `width` (a word wider than a line stays whole on its own)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    return int(font.size * 1.35)


def render_card(verse: Verse, line: str | None = None) -> bytes:
    """The card as PNG bytes: the verse text, its reference and translation, the person's line, and "Motivator"."""
    image = Image.new("RGB", (WIDTH, HEIGHT), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, 12, HEIGHT), fill=_ACCENT)
    draw.text((MARGIN, 44), "Motivator", font=_font(24, bold=True), fill=_ACCENT)

    reference_font, small = _font(32, bold=True), _font(22)
    line_font = _font(26)
    person = _wrap(f"\u201c{line}\u201d", line_font, inner)[:2] if line else []
    bottom = HEIGHT - 60 - len(person) * _line_height(line_font) - (24 if person else 0)
    footer_top = bottom - _line_height(reference_font) - _line_height(small)
    top = 110
    for size in _TEXT_SIZES:
        font = _font(size)
        wrapped = _wrap(verse.text, font, inner)
        if top + len(wrapped) * _line_height(font) <= footer_top - 20:
            break
    else:
        # Still too long at the smallest size: as many lines as fit, the last one ending in an ellipsis.
        fit = max(1, (footer_top - 20 - top) // _line_height(font))
        wrapped = [*wrapped[: fit - 1], wrapped[fit - 1] + " \u2026"] if len(wrapped) > fit else wrapped
    y = top
    for text in wrapped:
        draw.text((MARGIN, y), text, font=font, fill=_INK)
        y += _line_height(font)

    draw.text((MARGIN, footer_top), verse.reference, font=reference_font, fill=_INK)
    name = translations.BY_CODE[verse.translation].name if verse.translation in translations.BY_CODE else ""
    draw.text((MARGIN, footer_top + _line_height(reference_font)), name, font=small, fill=_MUTED)
    y = bottom + 24
    for text in person:
        draw.text((MARGIN, y), text, font=line_font, fill=_MUTED)
        y += _line_height(line_font)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
