"""Photo intake: the report form's photo processing, against bare Pillow doing the same job.

Run from the repository root: `python bench/photo_intake.py` (or `make bench`); `--rounds N` for
more timed rounds, `--profile` to print where the intake's time goes (cProfile) instead.

The photos are made here, in code, and look like photos to a JPEG encoder (smooth shading, edges,
sensor noise), so they decode and compress like the real thing:

- a 12 MP phone photo, 4032x3024, quality 90 (~4 MB), with the EXIF a phone writes: make,
  model, time, GPS position and orientation 6 (held upright: rotate 90 degrees to display);
- a 2 MP CCTV still, 1920x1080, quality 85, no EXIF;
- the phone photo again with an embedded colour profile (iPhones embed Display P3; Pillow can
  only make an sRGB one, which costs the intake the same conversion to sRGB).

**Ours** is `plumbing.images.process_upload(upload, name=...)` on a Django ``UploadedFile`` of
the class Django's own upload handlers would make for that size (a temporary file on disk above
``FILE_UPLOAD_MAX_MEMORY_SIZE``, in memory below it): exactly what the report form calls. That is
the bounded read, the format check by content, the pixel limit before decoding, the JPEG draft
decode refusing truncated data, the EXIF orientation, the flattening to RGB and sRGB, the scaling
to at most ``DISPLAY_MAX`` on the long edge, the thumbnail, and the two metadata-free JPEGs.

**The floor** is what Pillow alone needs to turn the same upload into the same two images:
``Image.open`` on the upload's bytes (read at once, as the intake reads them),
``draft("RGB", <display size>)`` (the same request the intake makes, so libjpeg scales by the
same factor while decoding, or not at all), ``thumbnail`` to ``DISPLAY_MAX`` with the intake's
filter (Lanczos) and encode with the intake's settings (``ORIGINAL_QUALITY``, progressive,
optimised), then ``thumbnail`` the same image in place to ``THUMBNAIL_SIZE`` and encode it with
``THUMBNAIL_QUALITY``. Same pixels in, same output sizes, filter and encoder settings out, so the
ratio measures only what the intake adds: validation, applying the orientation, colour handling
and its own bookkeeping. The floor leaves out exactly those (it stores the phone photo sideways
and ignores its colour profile): that is the work the goal allows 30 % for. Before timing, the
bench checks that both sides made the same pictures (ours, turned back, differs from the floor's
by JPEG noise only) and that ours carries no EXIF.

Both run in the same process, interleaved (the order alternates every round), after a warm-up;
the figures are medians of the timed rounds in CPU time of this process (both sides run on this
thread alone, so other work on a shared machine inflates them less than wall time; wall time is
kept alongside). The spread of the per-round ratios is printed too. Results:
`test-artifacts/bench/photo_intake.json` and the row file of `bench/summary.py`.
"""

import argparse
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from _common import ROOT, machine_info, medians, record_rows, revision

RESULTS = ROOT / "test-artifacts" / "bench" / "photo_intake.json"
GOAL = "<= 1.3"
WARM_UP = 2
ROUNDS = 11


class BenchFailure(SystemExit):
    def __init__(self, message):
        super().__init__(f"FAIL: {message}")


def setup_django(var_dir):
    os.environ["DJANGO_SETTINGS_MODULE"] = "kvo.settings"
    os.environ["KVO_VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "true"  # settings load without a SECRET_KEY
    os.environ["LOG_LEVEL"] = "WARNING"
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_URL_FILE", "MEDIA_ROOT"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))

    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    settings.FILE_UPLOAD_TEMP_DIR = str(var_dir)


# --- The photos ---------------------------------------------------------------------------------


def photo_pixels(size, seed):
    """An RGB image with what makes a photo expensive to code: soft shading at every scale, hard
    edges (things in the picture) and fine sensor noise."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)  # noqa: S311 (test pictures, not secrets)
    width, height = size
    # Light and colour varying smoothly over the picture: a little noise image blown up.
    shading = Image.merge(
        "RGB",
        [
            Image.effect_noise((width // 48 + 1, height // 48 + 1), 70).resize(
                size, Image.Resampling.BICUBIC
            )
            for _channel in range(3)
        ],
    )
    gradient = Image.linear_gradient("L").resize(size)
    tint = Image.merge(
        "RGB", [gradient, gradient.point(lambda v: v * 3 // 4), gradient.point(lambda v: 255 - v)]
    )
    img = Image.blend(shading, tint, 0.35)
    draw = ImageDraw.Draw(img)
    for _thing in range(60):  # shelves, signs, people: edges
        x, y = rng.randrange(width), rng.randrange(height)
        side = rng.randrange(width // 40, width // 8)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle([x, y, x + side, y + side * rng.random() * 2], fill=colour)
    grain = Image.effect_noise(size, 40).filter(ImageFilter.GaussianBlur(0.55))
    return Image.blend(img, Image.merge("RGB", [grain] * 3), 0.35)


def phone_exif():
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Samsung"  # Make
    exif[0x0110] = "Galaxy S23"  # Model
    exif[0x0112] = 6  # Orientation: held upright, rotate 90 degrees clockwise to display
    exif[0x0131] = "S911BXXU3BWK5"  # Software
    exif[0x0132] = "2026:11:26 14:32:07"  # DateTime
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2026:11:26 14:32:07"  # DateTimeOriginal
    details[0x829A] = 1 / 120  # ExposureTime
    details[0x829D] = 1.8  # FNumber
    details[0x8827] = 250  # ISO
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 15.0, 19.44)  # Deventer, Brink
    gps[3] = "E"
    gps[4] = (6.0, 9.0, 37.8)
    gps[5] = b"\x00"
    gps[6] = 7.5  # altitude
    return exif


@dataclass(frozen=True)
class Photo:
    label: str
    size: tuple[int, int]
    quality: int
    phone: bool  # EXIF with GPS and orientation 6
    icc: bool = False  # an embedded colour profile, which the intake converts to sRGB

    @property
    def name(self):
        return "IMG_20261126_143207.jpg" if self.phone else "cam2-20261126-1432.jpg"


PHOTOS = (
    Photo("12 MP phone photo, EXIF and GPS, rotated", (4032, 3024), 90, phone=True),
    Photo("2 MP CCTV still", (1920, 1080), 85, phone=False),
    # Many phones embed a colour profile (iPhones: Display P3). Pillow can only make an sRGB
    # one, which costs the intake the same conversion as any other profile.
    Photo("12 MP phone photo, also an ICC profile", (4032, 3024), 90, phone=True, icc=True),
)


def make_jpeg(photo, seed):
    from PIL import Image, ImageCms

    params = {"quality": photo.quality}
    if photo.phone:
        params["exif"] = phone_exif()
    if photo.icc:
        params["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    photo_pixels(photo.size, seed).save(buffer, "JPEG", **params)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries what it says
        exif = check.getexif()
        if photo.phone and (exif.get(0x0112) != 6 or not exif.get_ifd(0x8825)):
            raise BenchFailure(f"{photo.label}: the photo lost its EXIF orientation or GPS")
        if photo.icc != bool(check.info.get("icc_profile")):
            raise BenchFailure(f"{photo.label}: ICC profile expected {photo.icc}")
    return data


def as_upload(data, name, work):
    """The UploadedFile Django's upload handlers would make for a file of this size."""
    from django.conf import settings
    from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile

    if len(data) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
        upload = TemporaryUploadedFile(name, "image/jpeg", len(data), None)
        upload.write(data)
        upload.flush()
        upload.seek(0)
        return upload
    return InMemoryUploadedFile(io.BytesIO(data), "photos", name, "image/jpeg", len(data), None)


# --- The two sides ------------------------------------------------------------------------------


def ours(upload):
    from plumbing.images import process_upload

    return process_upload(upload, name=upload.name)


def floor(upload):
    """Bare Pillow: the same upload to the same two JPEGs (see the module docstring)."""
    from PIL import Image

    from plumbing.images import (
        DISPLAY_MAX,
        ORIGINAL_QUALITY,
        THUMBNAIL_QUALITY,
        THUMBNAIL_SIZE,
        _display_size,
    )

    upload.seek(0)
    # The bytes in one read, as the intake reads them: Pillow reading through Django's file
    # wrappers in small pieces would make the floor slower than it need be.
    with Image.open(io.BytesIO(upload.read())) as img:
        img.draft("RGB", _display_size(*img.size))
        img.thumbnail((DISPLAY_MAX, DISPLAY_MAX), Image.Resampling.LANCZOS)
        original = io.BytesIO()
        img.save(original, "JPEG", quality=ORIGINAL_QUALITY, progressive=True, optimize=True)
        size = img.size
        img.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        thumbnail = io.BytesIO()
        img.save(thumbnail, "JPEG", quality=THUMBNAIL_QUALITY, progressive=True, optimize=True)
    return original.getvalue(), thumbnail.getvalue(), size


def check_outputs(photo, processed, floor_result):
    """The two sides made the same images: fail loudly otherwise (a floor doing less, or an intake
    that stopped stripping or rotating, would make the ratio meaningless)."""
    from PIL import Image, ImageChops, ImageStat

    original, thumbnail, floor_size = floor_result
    label, rotated = photo.label, photo.phone
    expected = floor_size[::-1] if rotated else floor_size
    if (processed.width, processed.height) != expected:
        raise BenchFailure(f"{label}: ours {processed.width}x{processed.height}, floor {expected}")
    for ours_blob, floor_blob in ((processed.original, original), (processed.thumbnail, thumbnail)):
        with Image.open(io.BytesIO(ours_blob)) as mine, Image.open(io.BytesIO(floor_blob)) as bare:
            if mine.format != "JPEG" or mine.getexif() or not mine.info.get("progressive"):
                raise BenchFailure(f"{label}: ours is not a progressive JPEG without EXIF")
            # The same picture: the floor's, turned upright as the intake must, differs from ours
            # by JPEG noise only.
            upright = bare.transpose(Image.Transpose.ROTATE_270) if rotated else bare.copy()
            if mine.size != upright.size:
                raise BenchFailure(f"{label}: ours {mine.size}, floor upright {upright.size}")
            difference = ImageStat.Stat(ImageChops.difference(mine.convert("RGB"), upright)).mean
            if max(difference) > 4:
                raise BenchFailure(f"{label}: ours differs from the floor by {difference}")
        for marker in (b"Exif", b"GPS"):
            if marker in ours_blob:
                raise BenchFailure(f"{label}: {marker!r} left in our output")
    return expected


def measure(label, upload, rounds):
    """Median wall and CPU times of both sides over ``rounds`` interleaved rounds.

    Both sides run single-threaded in this process, so CPU time is their cost without the time
    other processes on a shared machine took the core away: the ratio is taken from it. Wall
    time is kept alongside (on a quiet machine the two agree within a few percent).
    """
    times = {(side, clock): [] for side in ("ours", "floor") for clock in ("cpu", "wall")}
    ratios = []
    for _ in range(WARM_UP):
        ours(upload)
        floor(upload)
    for index in range(rounds):
        order = (("ours", ours), ("floor", floor))
        if index % 2:
            order = order[::-1]
        for side, function in order:
            cpu, wall = time.process_time(), time.perf_counter()
            function(upload)
            times[side, "wall"].append(time.perf_counter() - wall)
            times[side, "cpu"].append(time.process_time() - cpu)
        ratios.append(times["ours", "cpu"][-1] / times["floor", "cpu"][-1])
    return {"label": label, **medians(times, ratios, rounds)}


def profile(uploads):
    import cProfile
    import pstats

    for photo, upload in uploads:
        ours(upload)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(3):
            ours(upload)
        profiler.disable()
        print(f"\n=== {photo.label}: process_upload x3")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kvo-bench-photo-"))
    uploads, sizes = [], {}
    try:
        setup_django(work)
        for seed, photo in enumerate(PHOTOS, start=1):
            data = make_jpeg(photo, seed)
            sizes[photo.label] = (photo.size, len(data))
            uploads.append((photo, as_upload(data, photo.name, work)))
        if args.profile:
            profile(uploads)
            return
        results = []
        for photo, upload in uploads:
            label = photo.label
            check_outputs(photo, ours(upload), floor(upload))
            result = measure(label, upload, args.rounds)
            (width, height), nbytes = sizes[label]
            result.update(
                width=width, height=height, bytes=nbytes, upload=upload.__class__.__name__
            )
            results.append(result)
            print(
                f"{label:<40} {width}x{height} {nbytes / 1e6:4.1f} MB  "
                f"ours {result['ours_ms']:6.1f} ms  floor {result['floor_ms']:6.1f} ms  "
                f"ratio {result['ratio']:.2f} (rounds {result['round_ratio_min']:.2f}-"
                f"{result['round_ratio_max']:.2f}); wall {result['ours_wall_ms']:.1f} / "
                f"{result['floor_wall_ms']:.1f} ms = {result['wall_ratio']:.2f}",
                flush=True,
            )
    finally:
        for _photo, upload in uploads:
            upload.close()
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        {
            "metric": f"photo intake, {r['label']} / bare Pillow",
            "ours": round(r["ours_ms"], 1),
            "floor": round(r["floor_ms"], 1),
            "unit": "ms",
            "ratio": round(r["ratio"], 3),
            "goal": GOAL,
            "notes": f"{r['width']}x{r['height']}, {r['bytes'] / 1e6:.1f} MB; CPU ms, median of "
            f"{r['rounds']} interleaved rounds (per-round ratio {r['round_ratio_min']:.2f}-"
            f"{r['round_ratio_max']:.2f}); wall {r['ours_wall_ms']:.0f} / "
            f"{r['floor_wall_ms']:.0f} ms = {r['wall_ratio']:.2f}",
        }
        for r in results
    ]
    path = record_rows("photo_intake", rows)
    print()
    for row in rows:
        print(
            f"{row['metric']}\n    ours {row['ours']} ms, floor {row['floor']} ms, "
            f"ratio {row['ratio']} (goal {row['goal']}: {'holds' if row['holds'] else 'FAILS'})"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "date": date.today().isoformat(),
                "revision": revision("plumbing/images.py"),
                "machine": machine_info(),
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nResults written to {RESULTS.relative_to(ROOT)} and {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
