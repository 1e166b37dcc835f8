"""Watermarks in bulk: one recipient's text on many photos (a bulletin marks every photo of one
email with the receiving shop's name and the date, for every shop).

The mark is the gallery's (`kvo.lib.images.watermark`, the same layer from `tiled_text`); a
`TextMark` keeps its layers per photo size for the life of one recipient, where the gallery keeps a
bounded cache per process, and marks a photo with one composite in RGB and one baseline JPEG
encode. Plain plumbing: no models, no storage, no app imports (DESIGN.md section 4).
"""

from __future__ import annotations

import io

from PIL import Image

from kvo.lib.images import WATERMARK_QUALITY, split_layer, tiled_text


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
            if photo.size not in self._layers:
                self._layers[photo.size] = split_layer(
                    tiled_text(*photo.size, self.text, self.opacity)
                )
            colour, mask = self._layers[photo.size]
            photo = Image.composite(colour, photo, mask)
        buffer = io.BytesIO()
        # A fresh image carries no EXIF, ICC or comment; baseline, not optimised: about twice as
        # quick as progressive, a few percent larger.
        photo.save(buffer, "JPEG", quality=quality)
        return buffer.getvalue()
