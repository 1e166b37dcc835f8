"""Gallery photos per second (issue 22): our photo requests against nginx serving the same bytes
from disk, side by side in one run.

Run from the repository root: `python bench/gallery_photos.py` (or `make bench`). A throwaway
database (as bench/gallery.py) with PEOPLE people in the gallery, each with a photo; the copies of
one shop's gallery for today are made the way the nightly run makes them (bans/gallery_copies.py,
timed: that is the work the night does per shop) into a temporary MEDIA_ROOT.

Ours: GET of the signed links the gallery page hands out, through nginx's production location
for them (deploy/nginx/kvo.conf `location /signed/gallery/`, taken from the file as it is): the
signature and the expiry checked, then the file from disk. No request reaches Python; before
0.9 each photo was a Django request that watermarked it (about 170 a second on this machine
against 77,000 for nginx, issue 22).
The floor: the same files, the same nginx, a plain `alias` location without the check.

Both are driven by wrk (one thread, 32 connections, keep-alive) over the PEOPLE middle-size
copies the page's `src` names, in interleaved rounds; each figure is the median. ratio = ours ÷
floor, goal >= 0.5.
"""

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import record_rows
from _nginx import Nginx, signed_location
from gallery import make_gallery
from query_ratio import BenchDatabase, make_world, setup_django

DATABASE = "kvo_bench_photos"
PEOPLE = 24
ROUNDS = 5
SECONDS = 4  # per round and side
GOAL = ">= 0.5"


def wrk(base_url: str, paths: list[str], script_dir: Path) -> float:
    """Requests per second of wrk cycling through ``paths``; fails on any non-2xx answer."""
    script = script_dir / "paths.lua"
    quoted = ", ".join(f'"{path}"' for path in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    output = subprocess.run(  # noqa: S603
        ["wrk", "-t1", "-c32", f"-d{SECONDS}s", "-s", str(script), base_url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"FAIL: wrk saw errors:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main():
    if not shutil.which("wrk"):
        raise SystemExit("FAIL: wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="kvo-bench-photos-"))
    database = BenchDatabase(DATABASE, work, force_sqlite="--sqlite" in sys.argv)
    nginx = None
    try:
        setup_django(work / "var", database.url)
        from django.conf import settings
        from django.core.files.storage import default_storage
        from django.utils import timezone

        from bans import gallery_copies
        from bans.gallery_models import GalleryCopy

        world = make_world()
        make_gallery(world, PEOPLE)
        today = timezone.localdate()
        viewer = gallery_copies.viewer_for(world.deventer, [world.shop], world.shop.name, day=today)
        started = time.perf_counter()
        made = gallery_copies.warm(viewer)
        warm_ms = (time.perf_counter() - started) * 1000 / max(1, made)
        viewer.sizes = "m"
        copies = list(GalleryCopy.objects.filter(viewer=viewer, size="m").values_list("name"))
        if made != 3 * PEOPLE or len(copies) != PEOPLE:
            raise SystemExit(f"FAIL: {made} copies made, {len(copies)} of the middle size")
        from plumbing.files import signed_url

        ours = [signed_url(default_storage, name, seconds=3600) for (name,) in copies]
        floor = [f"/plain/{name.removeprefix('gallery/')}" for (name,) in copies]
        private = Path(settings.MEDIA_ROOT)
        server = signed_location(private) + (
            f"\n        location /plain/ {{\n            alias {private}/gallery/;\n        }}\n"
        )
        nginx = Nginx(work, server, settings.SIGNED_LINK_SECRET)
        figures = {"ours": [], "floor": []}
        wrk(nginx.url, ours, work)  # warm-up: the page cache holds the files for both
        wrk(nginx.url, floor, work)
        for _ in range(ROUNDS):
            figures["ours"].append(wrk(nginx.url, ours, work))
            figures["floor"].append(wrk(nginx.url, floor, work))
    finally:
        if nginx is not None:
            nginx.stop()
        database.drop()
        shutil.rmtree(work, ignore_errors=True)

    ours_rps = statistics.median(figures["ours"])
    floor_rps = statistics.median(figures["floor"])
    ratio = ours_rps / floor_rps
    print(f"copies made for one shop: {made} in {warm_ms:.1f} ms each (all three sizes)")
    print(f"ours:  {ours_rps:,.0f} photos/s  (rounds: {[round(x) for x in figures['ours']]})")
    print(f"floor: {floor_rps:,.0f} photos/s  (rounds: {[round(x) for x in figures['floor']]})")
    print(f"ratio {ratio:.2f} (goal {GOAL})")
    record_rows(
        "gallery_photos",
        [
            {
                "metric": "gallery photos per second: signed links through nginx vs the same "
                "files from disk by nginx",
                "ours": round(ours_rps),
                "floor": round(floor_rps),
                "unit": "requests/s",
                "ratio": round(ratio, 3),
                "goal": GOAL,
                "notes": f"{PEOPLE} middle-size copies; making a copy {warm_ms:.1f} ms "
                f"(nightly, per shop and photo, three sizes)",
            }
        ],
    )


if __name__ == "__main__":
    main()
