"""Photo intake (plumbing.images). Every test image is made here with Pillow: no binary fixtures."""

import io
import os
import struct
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageChops, ImageFile, ImageOps, ImageStat

from plumbing import images
from plumbing.images import (
    DISPLAY_MAX,
    MAX_BYTES,
    THUMBNAIL_SIZE,
    ImageRejected,
    ProcessedImage,
    process_upload,
    watermark,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo(size=(600, 400), mode="RGB"):
    """A photo-like image: gradients plus a block, so orientation and scaling are checkable."""
    width, height = size
    img = Image.linear_gradient("L").resize(size).convert(mode if mode != "RGBA" else "RGB")
    img.paste((200, 30, 30) if img.mode == "RGB" else 200, (0, 0, width // 4, height // 4))
    if mode == "RGBA":
        img = img.convert("RGBA")
    return img


def encode(img, fmt, **params):
    buffer = io.BytesIO()
    img.save(buffer, fmt, **params)
    return buffer.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def gps_jpeg(size=(600, 400)):
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # camera held upright: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (52.0, 15.0, 19.44)  # Deventer
    gps[3] = "E"
    gps[4] = (6.0, 9.0, 37.8)
    data = encode(photo(size), "JPEG", exif=exif, quality=90, comment=b"taken at home")
    # The fixture really carries GPS, or the test below proves nothing.
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(GPS_IFD)[2] == (52.0, 15.0, 19.44)
    return data


def assert_rejected(data_or_file, code, name="photo.jpg"):
    with pytest.raises(ImageRejected) as excinfo:
        process_upload(data_or_file, name=name)
    assert excinfo.value.code == code, excinfo.value.message
    return excinfo.value


# --- accepted ---------------------------------------------------------------------------------


def test_gps_and_all_metadata_are_stripped_and_orientation_applied():
    data = gps_jpeg((600, 400))
    assert b"Exif" in data

    result = process_upload(upload(data), name="IMG_0001.jpg")

    assert isinstance(result, ProcessedImage)
    assert result.content_type == "image/jpeg"
    # Orientation 6: the stored 600x400 pixels are shown as 400x600.
    assert (result.width, result.height) == (400, 600)
    for blob in (result.original, result.thumbnail):
        assert b"Exif" not in blob
        assert b"PhoneMaker" not in blob
        assert b"taken at home" not in blob
        with Image.open(io.BytesIO(blob)) as img:
            assert img.format == "JPEG"
            assert not img.getexif()
            assert "icc_profile" not in img.info
            assert "comment" not in img.info
    with Image.open(io.BytesIO(result.original)) as img:
        assert img.size == (400, 600)
        assert img.info.get("progressive") or img.info.get("progression")
        # The red block was top-left in the stored pixels; after rotating 90° clockwise it is
        # top-right.
        red, green, blue = img.convert("RGB").getpixel((400 - 20, 20))
        assert red > 150 and green < 90 and blue < 90


def test_png_with_alpha_becomes_rgb_jpeg_on_white():
    img = Image.new("RGBA", (300, 200), (0, 0, 255, 0))  # fully transparent
    img.paste((0, 0, 255, 255), (0, 0, 100, 100))  # an opaque blue square
    result = process_upload(upload(encode(img, "PNG"), "x.png", "image/png"))

    with Image.open(io.BytesIO(result.original)) as out:
        assert out.format == "JPEG"
        assert out.mode == "RGB"
        assert out.size == (300, 200)
        assert min(out.getpixel((250, 150))) > 240  # transparent became white, not black
        red, green, blue = out.getpixel((50, 50))
        assert blue > 200 and red < 40 and green < 40


def test_palette_png_with_transparency_is_flattened():
    img = Image.new("P", (100, 100), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.paste(1, (0, 0, 50, 50))
    result = process_upload(encode(img, "PNG", transparency=0))
    with Image.open(io.BytesIO(result.original)) as out:
        assert out.mode == "RGB"
        assert min(out.getpixel((90, 90))) > 240


def test_sixteen_bit_greyscale_png_is_not_washed_out():
    img = Image.linear_gradient("L").resize((256, 256)).convert("I")
    img = img.point(lambda value: value * 256).convert("I;16")
    result = process_upload(encode(img, "PNG"))
    with Image.open(io.BytesIO(result.original)) as out:
        assert out.getpixel((10, 5))[0] < 40  # dark at the top stays dark
        assert out.getpixel((10, 250))[0] > 200


def test_webp_is_accepted():
    result = process_upload(upload(encode(photo(), "WEBP", quality=80), "x.webp", "image/webp"))
    assert (result.width, result.height) == (600, 400)
    with Image.open(io.BytesIO(result.original)) as out:
        assert out.format == "JPEG"


def test_webp_with_alpha_is_accepted():
    img = Image.new("RGBA", (120, 80), (10, 200, 10, 0))
    result = process_upload(encode(img, "WEBP", lossless=True))
    with Image.open(io.BytesIO(result.original)) as out:
        assert min(out.getpixel((60, 40))) > 240


def test_multi_picture_phone_jpeg_is_accepted_as_jpeg():
    data = encode(photo(), "MPO", save_all=True, append_images=[photo((160, 120))])
    with Image.open(io.BytesIO(data)) as check:
        assert check.format == "MPO"
    result = process_upload(data)
    assert (result.width, result.height) == (600, 400)


@pytest.mark.parametrize(
    ("size", "expected"),
    [((600, 400), (320, 213)), ((400, 600), (213, 320)), ((100, 80), (100, 80))],
)
def test_thumbnail_fits_and_keeps_aspect_ratio(size, expected):
    result = process_upload(encode(photo(size), "JPEG"))
    with Image.open(io.BytesIO(result.thumbnail)) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.width <= THUMBNAIL_SIZE[0] and thumb.height <= THUMBNAIL_SIZE[1]
        assert thumb.size == expected


def test_large_photo_is_scaled_to_display_size():
    data = encode(photo((6000, 4000)), "JPEG", quality=85)
    result = process_upload(io.BytesIO(data))
    assert max(result.width, result.height) == DISPLAY_MAX == 2048
    assert (result.width, result.height) == (2048, 1365)
    with Image.open(io.BytesIO(result.original)) as out:
        assert out.size == (2048, 1365)


def test_small_cctv_still_keeps_its_size():
    result = process_upload(encode(photo((704, 576)), "PNG"))
    assert (result.width, result.height) == (704, 576)


def test_file_name_and_browser_content_type_are_ignored():
    # A PNG called .jpg with a lying content type is fine: the content decides.
    data = encode(photo(), "PNG")
    result = process_upload(upload(data, "photo.jpg", "application/pdf"), name="photo.jpg")
    assert result.width == 600


def test_reads_from_the_start_of_an_already_read_file():
    fileobj = io.BytesIO(encode(photo(), "JPEG"))
    fileobj.read()
    assert process_upload(fileobj).width == 600


# --- rejected ---------------------------------------------------------------------------------


def test_text_renamed_to_jpg_is_not_a_photo():
    data = b"Dit is geen foto, maar een boodschappenlijstje.\n" * 10
    error = assert_rejected(upload(data, "photo.jpg", "image/jpeg"), "not_image")
    with translation.override("en"):
        assert "not a photo" in error.message
        assert "photo.jpg" in error.message
        assert str(error) == error.message


def test_svg_is_not_a_photo():
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )
    assert_rejected(upload(svg, "x.svg", "image/svg+xml"), "not_image")


def test_html_is_not_a_photo():
    assert_rejected(b"<!DOCTYPE html><html><body><script>alert(1)</script>", "not_image")


def test_gif_is_not_accepted_even_though_pillow_reads_it():
    assert_rejected(upload(encode(photo().convert("P"), "GIF"), "x.gif"), "not_image")


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM"])
def test_other_image_formats_are_not_accepted(fmt):
    assert_rejected(encode(photo((64, 64)), fmt), "not_image")


def test_pdf_is_not_a_photo():
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    assert_rejected(upload(pdf, "scan.jpg"), "not_image")


def test_random_bytes_are_not_a_photo():
    assert_rejected(os.urandom(4096), "not_image")


def test_empty_file_is_rejected():
    assert_rejected(upload(b""), "empty")


def test_truncated_jpeg_is_rejected_not_half_decoded():
    data = encode(photo((800, 600)), "JPEG", quality=95)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    error = assert_rejected(upload(data[: len(data) // 2]), "damaged")
    with translation.override("en"):
        assert "damaged" in error.message
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_truncated_png_is_rejected():
    noisy = Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3))
    data = encode(noisy, "PNG")
    assert_rejected(data[: len(data) // 2], "damaged")


def test_truncated_images_switched_on_globally_fails_loudly(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        process_upload(encode(photo(), "JPEG"))


def _png_claiming(width, height):
    """A tiny valid PNG whose IHDR is patched to claim another size (CRC recomputed)."""
    data = bytearray(encode(Image.new("1", (8, 8)), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize("size", [(30000, 30000), (8000, 6000)])
def test_decompression_bomb_is_refused_before_decoding(size):
    data = _png_claiming(*size)
    assert len(data) < 200
    started = time.perf_counter()
    error = assert_rejected(upload(data, "bomb.png", "image/png"), "too_many_pixels")
    assert time.perf_counter() - started < 1
    with translation.override("en"):
        assert "40 megapixels" in error.message


def test_real_one_bit_bomb_png_is_refused_quickly():
    data = encode(Image.new("1", (30000, 30000)), "PNG")  # ~110 MB of pixels, ~100 KB of PNG
    assert len(data) < MAX_BYTES
    started = time.perf_counter()
    assert_rejected(data, "too_many_pixels")
    assert time.perf_counter() - started < 1


def test_header_lying_about_a_small_size_is_damaged():
    # Claims 4000x4000 but carries only 8x8 of pixel data: truncated, so refused, not padded.
    data = _png_claiming(4000, 4000)
    assert_rejected(data, "damaged")


def test_too_large_upload_is_refused_without_reading_it():
    big = upload(b"\0" * (16 * 1024 * 1024), "huge.jpg")
    assert big.size == 16 * 1024 * 1024

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the file was read")

    big.file = Unreadable()
    error = assert_rejected(big, "too_large")
    with translation.override("en"):
        assert "15 MB" in error.message


def test_too_large_file_without_size_attribute_is_measured_by_seeking():
    fileobj = io.BytesIO(b"\0" * (MAX_BYTES + 1))
    assert not hasattr(fileobj, "size")
    assert_rejected(fileobj, "too_large")


def test_a_lying_size_attribute_is_not_trusted():
    big = upload(b"\xff\xd8" + b"\0" * MAX_BYTES)
    big.size = 10
    assert_rejected(big, "too_large")


def test_polyglot_opened_as_another_format_is_refused():
    # A GIF with a JPEG glued behind it: Pillow sees a GIF, so it is refused.
    data = encode(photo((32, 32)).convert("P"), "GIF") + encode(photo((32, 32)), "JPEG")
    assert_rejected(data, "not_image")


def test_messages_are_translatable_and_name_is_cleaned():
    error = ImageRejected(
        "too_large", images.MSG_TOO_LARGE, name="C:\\Users\\x\\photo\n.jpg", params={"limit": 15}
    )
    assert error.name == "photo.jpg"
    with translation.override("en"):
        assert error.message == "photo.jpg: This photo is larger than 15 MB."
    assert isinstance(error, ValueError)


# --- watermark --------------------------------------------------------------------------------


def test_watermark_returns_a_jpeg_of_the_same_size_that_differs():
    original = process_upload(gps_jpeg((900, 600))).original
    marked = watermark(original, "Bakkerij Jansen · 26-11-2026")

    assert marked != original
    assert b"Exif" not in marked
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(marked)) as after:
        assert after.format == "JPEG"
        assert after.size == before.size == (600, 900)
        assert not after.getexif()
        diff = ImageChops.difference(before.convert("L"), after.convert("L"))
        mean_difference = ImageStat.Stat(diff).mean[0]
        assert mean_difference > 1  # visibly marked ...
        assert mean_difference < 60  # ... but the photo is still there


def test_watermark_opacity_is_bounded():
    data = encode(photo(), "JPEG")
    with pytest.raises(ValueError):
        watermark(data, "x", opacity=0)
    with pytest.raises(ValueError):
        watermark(data, "x", opacity=1.5)


def test_watermark_falls_back_to_pillows_font(monkeypatch):
    monkeypatch.setattr(images, "FONT_CANDIDATES", ("/nonexistent/DejaVuSans.ttf",))
    images._font.cache_clear()
    try:
        marked = watermark(encode(photo(), "JPEG"), "Bakkerij Jansen · 26-11-2026")
    finally:
        images._font.cache_clear()
    with Image.open(io.BytesIO(marked)) as out:
        assert out.size == (600, 400)


def test_orientation_helper_matches_pillow():
    # Guard for the expectation used above: Pillow's exif_transpose turns orientation 6 upright.
    with Image.open(io.BytesIO(gps_jpeg((60, 40)))) as img:
        assert ImageOps.exif_transpose(img).size == (40, 60)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation):
    """The intake turns the scaled photo itself (cheaper than turning 12 MP): for all eight EXIF
    orientations it must show what Pillow's own exif_transpose shows."""
    from PIL import ImageOps

    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    data = encode(photo((600, 400)), "JPEG", exif=exif, quality=95)
    with Image.open(io.BytesIO(data)) as original:
        expected = ImageOps.exif_transpose(original).convert("RGB")
    result = process_upload(upload(data))
    with Image.open(io.BytesIO(result.original)) as stored:
        assert stored.size == expected.size
        # The red block marks one corner: it must end up in the same corner as Pillow puts it.
        for corner in ((5, 5), (stored.width - 6, 5), (5, stored.height - 6)):
            got, want = stored.getpixel(corner), expected.getpixel(corner)
            assert all(abs(a - b) < 40 for a, b in zip(got, want, strict=True)), (corner, got)


@pytest.mark.parametrize("size", [(600, 400), (1200, 1600), (333, 999), (200, 150), (4032, 3024)])
def test_thumbnail_size_is_the_size_of_the_thumbnail_made(size):
    """Pages state a photo's size before it loads (images.thumbnail_size); it must be the size
    the intake really made, or the reserved place is wrong."""
    from plumbing.images import thumbnail_size

    result = process_upload(upload(encode(photo(size), "JPEG")), name="x.jpg")
    assert (
        thumbnail_size(result.width, result.height) == Image.open(io.BytesIO(result.thumbnail)).size
    )
