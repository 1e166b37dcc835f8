"""Watermarks in bulk: one recipient's text on many photos (a bulletin marks every photo of one
email with the receiving shop's name and the date, for every shop).

The mark looks like the gallery's (`kvo.lib.images.watermark`): the same font, size, angle,
outline, opacity and brick pattern of rows with gaps. It is made differently, because a bulletin
makes one per shop: the text is drawn once, turned once and stamped along the rows (drawing
outlined text a dozen times across a square and turning that square cost ~40 ms per shop; this
costs ~1 ms), and a photo is marked with one composite in RGB and one JPEG encode. Plain
plumbing: no models, no storage, no app imports (DESIGN.md section 4).
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

# The gallery's font and angle, so both marks look alike. `_font` is the cached font loader.
from kvo.lib.images import WATERMARK_ANGLE, WATERMARK_QUALITY, _font


class TextMark:
    """``text`` tiled diagonally, semi-transparent white with a dark outline, ready to lay over
    photos of any size; each size's layer is made on first use and kept."""

    def __init__(self, text: str, *, opacity: float = 0.3):
        if not 0 < opacity <= 1:
            raise ValueError("opacity must be in (0, 1]")
        self.text = " ".join(str(text).split())
        self.opacity = opacity
        self._layers = {}

    def apply(self, photo: Image.Image, *, quality: int = WATERMARK_QUALITY) -> bytes:
        """The photo (RGB, e.g. from `kvo.lib.images.decode_for_watermark`; left unchanged)
        marked, as a baseline JPEG without metadata."""
        if photo.mode != "RGB":
            photo = photo.convert("RGB")
        if self.text:
            colour, mask = self._layer(photo.size)
            photo = Image.composite(colour, photo, mask)
        buffer = io.BytesIO()
        # A fresh image carries no EXIF, ICC or comment; baseline, not optimised: about twice as
        # quick as progressive, a few percent larger.
        photo.save(buffer, "JPEG", quality=quality)
        return buffer.getvalue()

    def _layer(self, size) -> tuple[Image.Image, Image.Image]:
        if size not in self._layers:
            layer = tiled_text(*size, self.text, self.opacity)
            self._layers[size] = (layer.convert("RGB"), layer.getchannel("A"))
        return self._layers[size]


def tiled_text(width: int, height: int, text: str, opacity: float) -> Image.Image:
    """An RGBA layer of ``width`` x ``height`` with ``text`` in rotated rows, laid out as
    `kvo.lib.images` lays out the gallery's: rows on a square that covers the photo at any
    rotation, every other row shifted by half a step, the square turned about its centre."""
    font_size = max(10, round(min(width, height) / 18))
    font = _font(font_size)
    stroke = max(1, font_size // 14)
    alpha = round(255 * opacity)

    left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
    stamp = Image.new("RGBA", (right - left, bottom - top), (0, 0, 0, 0))
    ImageDraw.Draw(stamp).text(
        (-left, -top),
        text,
        font=font,
        fill=(255, 255, 255, alpha),
        stroke_width=stroke,
        stroke_fill=(0, 0, 0, round(alpha * 0.8)),
    )
    turned = stamp.rotate(WATERMARK_ANGLE, resample=Image.Resampling.BICUBIC, expand=True)

    side = math.ceil(math.hypot(width, height))
    step_x = (right - left) + font_size * 3
    step_y = (bottom - top) + font_size * 4
    # Where the square's centre lands in the photo, and the turn (counter-clockwise on screen,
    # with y pointing down).
    offset_x, offset_y = (side - width) // 2, (side - height) // 2
    cos, sin = math.cos(math.radians(WATERMARK_ANGLE)), math.sin(math.radians(WATERMARK_ANGLE))
    half = side / 2
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    for row, y in enumerate(range(-font_size, side, step_y)):
        shift = (step_x // 2) * (row % 2)
        for x in range(-shift, side, step_x):
            # The centre of this copy of the text on the square, turned, then on the photo.
            dx, dy = x + (left + right) / 2 - half, y + (top + bottom) / 2 - half
            cx = half + dx * cos + dy * sin - offset_x
            cy = half - dx * sin + dy * cos - offset_y
            _stamp(layer, turned, round(cx - turned.width / 2), round(cy - turned.height / 2))
    return layer


def _stamp(layer: Image.Image, stamp: Image.Image, x: int, y: int) -> None:
    """alpha_composite ``stamp`` at (x, y), clipped to the layer (it takes no negative offsets)."""
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + stamp.width, layer.width), min(y + stamp.height, layer.height)
    if x0 < x1 and y0 < y1:
        layer.alpha_composite(stamp, (x0, y0), (x0 - x, y0 - y, x1 - x, y1 - y))
