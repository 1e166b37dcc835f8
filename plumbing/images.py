"""Photo intake: validate an uploaded photo, strip its metadata, re-encode it, make a thumbnail.

Used for incident photos (CCTV stills, phone cameras) and person photos. Plain plumbing: no models,
no storage writes, no app imports (DESIGN.md section 4). The caller stores the returned bytes under
a random name (``plumbing.files.random_name``) and never trusts the upload's name or content type.

Order of the checks matters, cheapest and safest first:

1. size in bytes, from ``.size`` or by seeking: a huge upload is refused without reading it;
2. format by content (``Image.open`` only parses the header), limited to JPEG, PNG and WebP;
3. pixel count from the header, before any decoding: a decompression bomb is refused instantly;
4. full decode with truncated images refused, EXIF orientation applied, colours to sRGB;
5. re-encode as a progressive JPEG without EXIF (GPS!), ICC, XMP or comments, plus a thumbnail.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageCms, ImageDraw, ImageFile, ImageFont

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
THUMBNAIL_SIZE = (320, 320)
# Long edge of the stored original after re-encoding. Larger photos are scaled down: a 12-50 MP
# phone photo is 3-15 MB and nobody needs that many pixels to recognise a person or an incident,
# while every gallery page and bulletin would carry the weight (and storage grows with it). CCTV
# stills are smaller than this anyway, so they keep every pixel they have.
DISPLAY_MAX = 2048

ORIGINAL_QUALITY = 85
THUMBNAIL_QUALITY = 80
WATERMARK_QUALITY = 85
CONTENT_TYPE = "image/jpeg"

# Pillow identifies phone JPEGs that carry a second picture (Multi-Picture Format: depth maps,
# previews) as "MPO". It is a JPEG file; only its first picture is used.
_FORMAT_ALIASES = {"MPO": "JPEG"}
_OPEN_FORMATS = tuple(sorted(ALLOWED_FORMATS))

# Everything Pillow (and its C decoders) raises on a file that is damaged, truncated or lying.
_DECODE_ERRORS = (
    OSError,  # includes "image file is truncated" and UnidentifiedImageError
    SyntaxError,  # broken PNG chunks, bad JPEG markers
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    struct.error,
    zlib.error,
    Image.DecompressionBombError,
    ImageCms.PyCMSError,
)

_WHITE = (255, 255, 255)

MSG_EMPTY = _("This file is empty.")
MSG_NOT_IMAGE = _("This file is not a photo. Use a JPEG, PNG or WebP image.")
MSG_TOO_LARGE = _("This photo is larger than %(limit)s MB.")
MSG_TOO_MANY_PIXELS = _("This photo has more than %(limit)s megapixels.")
MSG_DAMAGED = _("This photo is damaged or incomplete and cannot be read.")


class ImageRejected(ValueError):
    """An upload that is not an acceptable photo. ``message`` is for the user (translated).

    ``code`` is stable for programs and tests: ``empty``, ``not_image``, ``too_large``,
    ``too_many_pixels`` or ``damaged``. The message is rendered in the language active when it is
    read, so a form can show it as ``ValidationError(exc.message, code=exc.code)``.
    """

    def __init__(self, code: str, reason, *, name: str = "", params: dict | None = None):
        self.code = code
        self.reason = reason
        self.params = params or {}
        self.name = _clean_name(name)
        super().__init__(code)

    @property
    def message(self) -> str:
        reason = str(self.reason) % self.params if self.params else str(self.reason)
        if self.name:
            return gettext("%(name)s: %(reason)s") % {"name": self.name, "reason": reason}
        return reason

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ProcessedImage:
    original: bytes  # JPEG, at most DISPLAY_MAX on the long edge, no metadata
    thumbnail: bytes  # JPEG, within THUMBNAIL_SIZE
    width: int  # of ``original``, after orientation
    height: int
    content_type: str = CONTENT_TYPE

    @property
    def sha256(self) -> str:
        """Of ``original``, the bytes that are stored: recorded on receipt to verify copies."""
        return hashlib.sha256(self.original).hexdigest()


def process_upload(fileobj, *, name: str = "") -> ProcessedImage:
    """Validate an uploaded photo and return clean JPEG bytes for storage.

    ``fileobj`` is a Django ``UploadedFile``, any binary file object, or ``bytes``. ``name`` is only
    used in messages (never to decide the format). Raises ``ImageRejected``.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Someone switched on Pillow's global "decode what you can" mode: half a photo would be
        # stored as if it were whole. Fail loudly rather than accept it silently.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False for photo intake.")

    data = _read_limited(fileobj, name)
    with _open_header(data, name) as img:
        width, height = _checked_size(img, name)
        # ImageRejected is a ValueError too: keep this try around the decoding only.
        try:
            display = _decode(img, width, height)
        except _DECODE_ERRORS:
            raise ImageRejected("damaged", MSG_DAMAGED, name=name) from None
        # Inside the ``with``: when there was nothing to scale, turn or convert, ``display`` is
        # the opened image itself, and closing it frees its pixels.
        return _encode(display)


def _encode(display: Image.Image) -> ProcessedImage:
    """The stored original, then the thumbnail made from the same image in place (no copy)."""
    width, height = display.size
    original = _encode_jpeg(display, ORIGINAL_QUALITY)
    display.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    return ProcessedImage(
        original=original,
        thumbnail=_encode_jpeg(display, THUMBNAIL_QUALITY),
        width=width,
        height=height,
    )


def _read_limited(fileobj, name: str) -> bytes:
    if isinstance(fileobj, (bytes, bytearray, memoryview)):
        data = bytes(fileobj)
    else:
        size = _declared_size(fileobj)
        if size is not None and size > MAX_BYTES:
            raise _too_large(name)
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        # Never trust the declared size alone: read at most one byte past the limit.
        data = fileobj.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large(name)
    if not data:
        raise ImageRejected("empty", MSG_EMPTY, name=name)
    return data


def _declared_size(fileobj) -> int | None:
    size = getattr(fileobj, "size", None)
    if isinstance(size, int):
        return size
    try:
        position = fileobj.tell()
        end = fileobj.seek(0, os.SEEK_END)
        fileobj.seek(position)
    except (AttributeError, OSError, ValueError):
        return None  # not seekable: the bounded read decides
    return end


def _too_large(name: str) -> ImageRejected:
    limit = MAX_BYTES // (1024 * 1024)
    return ImageRejected("too_large", MSG_TOO_LARGE, name=name, params={"limit": limit})


def _too_many_pixels(name: str) -> ImageRejected:
    limit = MAX_PIXELS // 1_000_000
    return ImageRejected("too_many_pixels", MSG_TOO_MANY_PIXELS, name=name, params={"limit": limit})


def _open_header(data: bytes, name: str) -> ImageFile.ImageFile:
    """Identify the format from the content; parses the header only, decodes no pixels."""
    try:
        img = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fires in open() beyond ~179 MP (or ~89 MP with warnings as errors).
        raise _too_many_pixels(name) from None
    except Image.UnidentifiedImageError:
        raise ImageRejected("not_image", MSG_NOT_IMAGE, name=name) from None
    except _DECODE_ERRORS:
        # Recognised as JPEG/PNG/WebP by its signature, but the header itself is broken.
        raise ImageRejected("damaged", MSG_DAMAGED, name=name) from None
    if _FORMAT_ALIASES.get(img.format, img.format) not in ALLOWED_FORMATS:
        img.close()
        raise ImageRejected("not_image", MSG_NOT_IMAGE, name=name)
    return img


def _checked_size(img: Image.Image, name: str) -> tuple[int, int]:
    width, height = img.size
    if width < 1 or height < 1:
        raise ImageRejected("damaged", MSG_DAMAGED, name=name)
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(name)
    return width, height


def _display_size(width: int, height: int) -> tuple[int, int]:
    long_edge = max(width, height)
    if long_edge <= DISPLAY_MAX:
        return width, height
    scale = DISPLAY_MAX / long_edge
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decode(img: ImageFile.ImageFile, width: int, height: int) -> Image.Image:
    """Decode fully (refusing truncated data) and return an upright RGB image <= DISPLAY_MAX."""
    if _FORMAT_ALIASES.get(img.format, img.format) == "JPEG":
        # Let libjpeg scale by 1/2, 1/4 or 1/8 while decoding when the result stays at least as
        # large as the display size. Uniform scaling, so the EXIF orientation does not matter.
        img.draft("RGB", _display_size(width, height))
    img.load()  # raises OSError on truncated data: LOAD_TRUNCATED_IMAGES is False
    icc_profile = img.info.get("icc_profile")
    turn = _orientation(img)

    # Scale first, turn upright after: turning a 12 MP photo costs four times what turning the
    # scaled one does, and the bound is square, so the size is the same (to a rounded pixel in
    # rare aspect ratios). No copy either: the opened image is ours to change.
    flat = _flatten(img)
    flat.thumbnail((DISPLAY_MAX, DISPLAY_MAX), Image.Resampling.LANCZOS)
    if turn is not None:
        flat = flat.transpose(turn)
    return _to_srgb(flat, icc_profile)


# EXIF Orientation (tag 0x0112) -> the transposition that shows the stored pixels upright, as
# ``ImageOps.exif_transpose`` applies it. 1 (or no tag, or a value out of range) needs none.
_ORIENTATION_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(img: Image.Image) -> Image.Transpose | None:
    """How to turn the photo upright, from its EXIF orientation (Pillow also reads an XMP
    ``tiff:Orientation`` into it when the EXIF has none)."""
    orientation = img.getexif().get(ExifTags.Base.Orientation, 1)
    return _ORIENTATION_TURNS.get(orientation) if isinstance(orientation, int) else None


def _flatten(img: Image.Image) -> Image.Image:
    """Return the image in RGB, L or CMYK, with any transparency flattened onto white."""
    if img.mode.startswith("I;16"):
        # 16-bit greyscale PNG: keep the top 8 bits (a plain convert would clip to white).
        img = img.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
    if has_alpha:
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, _WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if img.mode in ("RGB", "L", "CMYK"):
        return img
    return img.convert("RGB")


def _to_srgb(img: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert to sRGB through the embedded ICC profile (iPhone photos are Display P3), so the
    colours survive when the profile is dropped. A profile that does not fit is ignored."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(img, source, _srgb_profile(), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None
        if converted is not None:
            img = converted
    return img if img.mode == "RGB" else img.convert("RGB")


@lru_cache(maxsize=1)
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _encode_jpeg(img: Image.Image, quality: int, *, fast: bool = False) -> bytes:
    """JPEG without EXIF, ICC, XMP, DPI or comment: Pillow only writes what it is given, except
    the comment, which it copies from ``img.info``. ``fast`` skips the progressive, optimised
    encoding (a few percent larger, about twice as quick: for bulk mail)."""
    img.info = {}
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality, progressive=not fast, optimize=not fast)
    return buffer.getvalue()


def _clean_name(name: str) -> str:
    """The upload's base name, printable and short, for messages only."""
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name if len(name) <= 80 else name[:77] + "..."


# --- watermark ---------------------------------------------------------------------------------

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Fedora, Alpine
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",  # macOS, when installed
    "DejaVuSans.ttf",  # FreeType's own search path
)
WATERMARK_ANGLE = 30  # degrees, counter-clockwise


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_CANDIDATES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def decode_for_watermark(jpeg_bytes: bytes) -> Image.Image:
    """One of our stored photos, decoded once, for several `watermark` calls (a bulletin marks the
    same thumbnail for every shop). Raises OSError/ValueError when it cannot be read."""
    with Image.open(io.BytesIO(jpeg_bytes), formats=_OPEN_FORMATS) as src:
        if src.width * src.height > MAX_PIXELS:
            raise ValueError("image too large to watermark")
        src.load()
        return _flatten(src).convert("RGB")


def watermark(
    photo: bytes | Image.Image, text: str, *, opacity: float = 0.3, fast: bool = False
) -> bytes:
    """Tile ``text`` diagonally across a photo (e.g. "Bakkerij Jansen · 26-11-2026").

    The text is semi-transparent white with a dark outline, readable on light and dark areas alike,
    in rows with gaps between them so a face stays recognisable. Returns a JPEG of the same size,
    without metadata. Meant for our own re-encoded originals and thumbnails: JPEG bytes, or an
    image from `decode_for_watermark` (left unchanged). ``fast``: see `_encode_jpeg`.
    """
    if not 0 < opacity <= 1:
        raise ValueError("opacity must be in (0, 1]")
    text = " ".join(str(text).split())
    base = photo if isinstance(photo, Image.Image) else decode_for_watermark(photo)
    if base.mode != "RGB":
        base = base.convert("RGB")
    if not text:
        return _encode_jpeg(base.copy(), WATERMARK_QUALITY, fast=fast)
    width, height = base.size
    if width * height <= _CACHED_LAYER_PIXELS:
        colour, mask = _cached_layer(width, height, text, opacity)
    else:
        colour, mask = _split_layer(tiled_text(width, height, text, opacity))
    return _encode_jpeg(Image.composite(colour, base, mask), WATERMARK_QUALITY, fast=fast)


# The gallery marks every thumbnail a merchant opens with the same text, a bulletin every photo
# for one shop: the layer is kept for small images (a few hundred texts and sizes per process).
# Large ones are made each time.
_CACHED_LAYER_PIXELS = 640 * 640


@lru_cache(maxsize=256)
def _cached_layer(width: int, height: int, text: str, opacity: float):
    return _split_layer(tiled_text(width, height, text, opacity))


def _split_layer(layer: Image.Image) -> tuple[Image.Image, Image.Image]:
    """An RGBA layer as (RGB colour, alpha mask), for one `Image.composite` per photo."""
    return layer.convert("RGB"), layer.getchannel("A")


def tiled_text(width: int, height: int, text: str, opacity: float) -> Image.Image:
    """An RGBA layer of ``width`` x ``height`` with ``text`` in rows turned by WATERMARK_ANGLE:
    rows on a square that covers the photo at any rotation, every other row shifted by half a step
    (a brick pattern, so rows do not line up), the square turned about its centre.

    The text is drawn once, turned once and stamped along the rows: drawing outlined text a dozen
    times across the square and turning that cost ~25 ms per thumbnail; this costs ~2 ms."""
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


# The gallery's renditions of a person's photo, by name: boxes a photo is fitted into (never
# enlarged). "m" is large enough to recognise someone on a phone held upright (issue 18: at
# least 480x600); "l" serves screens of twice the pixel density; "s" is the stored thumbnail.
GALLERY_BOXES = {"s": THUMBNAIL_SIZE, "m": (480, 640), "l": (960, 1280)}


def fitted_size(width, height, box) -> tuple[int, int]:
    """The size of a width-by-height photo fitted into ``box``, kept in proportion, never
    enlarged: what a page puts in an image's width and height."""
    box_width, box_height = box
    scale = min(box_width / width, box_height / height, 1) if width and height else 1
    return max(1, round(width * scale)), max(1, round(height * scale))


def fitted(jpeg_bytes: bytes, box) -> Image.Image:
    """One of our stored originals, decoded at the smallest scale that still fills ``box`` (JPEG
    draft mode: a 2048 px original is decoded at half or a quarter of its size) and fitted in."""
    with Image.open(io.BytesIO(jpeg_bytes), formats=_OPEN_FORMATS) as src:
        if src.width * src.height > MAX_PIXELS:
            raise ValueError("image too large to show")
        size = fitted_size(src.width, src.height, box)
        src.draft("RGB", size)
        image = _flatten(src).convert("RGB")
        if image.size != size:
            image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
        return image


def rendition(jpeg_bytes: bytes, box) -> bytes:
    """A stored original fitted into ``box``, as JPEG bytes to keep beside it."""
    return _encode_jpeg(fitted(jpeg_bytes, box), ORIGINAL_QUALITY)


def thumbnail_size(width, height) -> tuple[int, int]:
    """The size of the thumbnail made of a width-by-height original (THUMBNAIL_SIZE, kept in
    proportion, never enlarged): what a page puts in an image's width and height."""
    return fitted_size(width, height, THUMBNAIL_SIZE)
