"""Certification report PDF: the app's report against WeasyPrint rendering a plain document of the
same number of pages.

Run from the repository root: `python bench/report_pdf.py` (or `make bench`); `--rounds N` for
more timed rounds, `--profile` to print where the report's time goes (cProfile) instead,
`--claims` to seed the demo's civil claims too (most of a minute more; they change two figures).

It uses a throwaway SQLite database and media directory in a temporary directory (`KVO_VAR_DIR`;
`DATABASE_URL`, `REDIS_URL`, `EMAIL_URL` and `MEDIA_ROOT` are ignored), migrates it and seeds the
KVO Deventer demo as `manage.py seed_demo` does: 19 areas with their certification dossiers
(certificates, schouws, meetings, matrix), two years of incidents and the register.

**Ours** is the Celery task `kvo.tasks.render_report` run on a queued `ReportJob` for the
Binnenstad and the last complete quarter, timed end to end as a worker runs it: claiming the job,
the queries (`kvo.reports.report_context`: figures of three quarters, dossier, the
24-month series), the two SVG charts, the template, WeasyPrint, storing the PDF and marking the
job done. A fresh job is queued (untimed) for every round.

**The floor** is WeasyPrint alone (`weasyprint.HTML(string=...).write_pdf()`, the same version,
fonts and font configuration kept between documents as `plumbing.pdf` keeps it) rendering a plain
document with as many pages as the report: paragraphs of the
report's own words in the report's font (DejaVu Sans 9 pt, line height 1.4) on the same A4 page
with the same margins, no tables, images, charts or running footers, and as many paragraphs as
still fit on that many pages (counted with pypdf when the bench starts, untimed). So each of its
pages is full: it is what WeasyPrint costs per page of plain text, and the ratio says what the
report's queries, charts, tables, page-break rules and footers add to that.

Both run in this process, interleaved (the order alternates every round), after a warm-up; the
figures are medians of the timed rounds, in CPU time of this process (everything runs here, SQLite
included, on one thread), with wall time alongside. Results: `test-artifacts/bench/report_pdf.json`
and the row file of `bench/summary.py`.
"""

import argparse
import gc
import html
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _common import ROOT, machine_info, medians, record_rows, revision

RESULTS = ROOT / "test-artifacts" / "bench" / "report_pdf.json"
GOAL = "<= 1.5"
WARM_UP = 2
ROUNDS = 15
AREA = "Binnenstad"
WORDS_PER_PARAGRAPH = 60

FLOOR_CSS = """
@page { size: A4; margin: 16mm 16mm 20mm 18mm; }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; line-height: 1.4; color: #111; }
body { margin: 0; }
p { margin: 0 0 2mm; }
"""


class BenchFailure(SystemExit):
    def __init__(self, message):
        super().__init__(f"FAIL: {message}")


# Never touch a developer's or CI's real database, broker, mail server or media directory.
IGNORED = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_URL_FILE", "MEDIA_ROOT")


def environment(var_dir) -> dict:
    """This process's environment for the bench: the throwaway directory, eager Celery."""
    env = {name: value for name, value in os.environ.items() if name not in IGNORED}
    env.update(
        DJANGO_SETTINGS_MODULE="kvo.settings",
        KVO_VAR_DIR=str(var_dir),
        DEBUG="true",  # settings load without a SECRET_KEY
        CELERY_TASK_ALWAYS_EAGER="true",
        LOG_LEVEL="WARNING",
    )
    return env


def seed(var_dir, claims):
    """Migrate and seed in a child process, as `manage.py seed_demo` runs. Seeded in this
    process, the demo leaves a heap behind that every garbage collection walks: the report
    measured about 40 % slower here than in a fresh process, as a worker is."""
    started = time.perf_counter()
    env = environment(var_dir)
    for command in (["migrate"], ["seed_demo", *([] if claims else ["--no-claims"])]):
        # This interpreter and manage.py, fixed arguments.
        subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *command, "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(f"database migrated and demo seeded in {time.perf_counter() - started:.1f} s", flush=True)


def setup_django(var_dir):
    for name in IGNORED:
        os.environ.pop(name, None)
    os.environ.update(environment(var_dir))
    sys.path.insert(0, str(ROOT))

    import django
    from django.conf import settings

    django.setup()
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    # A worker runs with DEBUG off: no debug cursor, no template debug.
    settings.DEBUG = False


# --- The two sides ------------------------------------------------------------------------------


class Ours:
    """The task body on a fresh queued job each time, and the PDF it stored."""

    def __init__(self, area, quarter, user):
        self.area, self.quarter, self.user = area, quarter, user
        self.job = None

    def queue(self):
        from kvo.models import ReportJob

        self.job = ReportJob.objects.create(
            partnership=self.area.partnership,
            area=self.area,
            quarter=f"{self.quarter.year}-{self.quarter.number}",
            requested_by=self.user,
        )

    def __call__(self):
        from kvo.tasks import render_report

        if render_report(self.job.pk) != self.job.pk:
            raise BenchFailure(f"the report job {self.job.pk} did not finish")

    def pdf(self):
        from django.core.files.storage import default_storage

        from kvo.models import ReportJob

        job = ReportJob.objects.get(pk=self.job.pk)
        if job.state != ReportJob.State.DONE:
            raise BenchFailure(f"report job {job.pk}: {job.state} {job.error}")
        with default_storage.open(job.pdf.name, "rb") as handle:
            return handle.read()


def plain_document(words, paragraphs):
    body = "".join(
        "<p>"
        + html.escape(
            " ".join(words[(start + offset) % len(words)] for offset in range(WORDS_PER_PARAGRAPH))
        )
        + "</p>"
        for start in range(0, paragraphs * WORDS_PER_PARAGRAPH, WORDS_PER_PARAGRAPH)
    )
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Plain</title>'
        f"<style>{FLOOR_CSS}</style></head><body>{body}</body></html>"
    )


def render_plain(document):
    """WeasyPrint alone, with the one setting the app's renderer adds, which is WeasyPrint's
    cost, not the app's: the font configuration kept between documents (if this revision keeps
    one: the bench also measures older ones)."""
    from plumbing import pdf

    font_config = pdf._font_config() if hasattr(pdf, "_font_config") else None
    return pdf._weasyprint().HTML(string=document).write_pdf(font_config=font_config)


def font_subsetter() -> str:
    """Which library WeasyPrint subsets fonts with: HarfBuzz when libharfbuzz-subset0 is
    installed (as the Dockerfile and CI install it), else fontTools, which made each of the
    report's two fonts cost most of 100 ms more here (both sides pay it, the report twice)."""
    from plumbing import pdf

    pdf._weasyprint()
    from weasyprint.text.ffi import harfbuzz_subset

    return "HarfBuzz" if harfbuzz_subset is not None else "fontTools"


def page_count(pdf):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def fill_pages(words, pages):
    """The most paragraphs that still make ``pages`` pages (each page full): bisection."""
    low, high = 1, 8
    while page_count(render_plain(plain_document(words, high))) <= pages:
        low, high = high, high * 2
    while high - low > 1:  # page_count(low) <= pages < page_count(high)
        middle = (low + high) // 2
        if page_count(render_plain(plain_document(words, middle))) <= pages:
            low = middle
        else:
            high = middle
    document = plain_document(words, low)
    if page_count(render_plain(document)) != pages:
        raise BenchFailure(f"no plain document of exactly {pages} pages")
    return document, low


def report_html(area, quarter):
    """The HTML the task hands to WeasyPrint, made as `plumbing.pdf.render_pdf` makes it."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation

    from kvo.reports import report_context

    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("reports/area_pdf.html", report_context(area, quarter, pdf=True))


# --- Timing -------------------------------------------------------------------------------------


def measure(ours, floor_document, report_html, rounds):
    """Median CPU and wall times of both sides over ``rounds`` interleaved rounds, and of a third
    measurement in between: WeasyPrint (through `plumbing.pdf.html_to_pdf`) on the report's own
    HTML, made once beforehand: the part of ours that is WeasyPrint's, without queries, charts
    and template.

    WeasyPrint leaves cyclic garbage (boxes, Pango objects with finalizers) that Python's
    collector frees whenever its thresholds say, often in the middle of the next call: the other
    side's. So each call starts from a collected heap and its time includes collecting its own
    garbage, with everything alive before the timing frozen out of the collector's walk (a
    worker's long-lived heap is walked only rarely).
    """
    from plumbing.pdf import html_to_pdf

    names = ("ours", "floor", "html")
    times = {(side, clock): [] for side in names for clock in ("cpu", "wall")}
    ratios = []
    sides = (
        ("ours", ours),
        ("floor", lambda: render_plain(floor_document)),
        ("html", lambda: html_to_pdf(report_html)),
    )
    for _ in range(WARM_UP):
        for _side, function in sides:
            ours.queue()
            function()
    for index in range(rounds):
        ours.queue()
        for side, function in sides[::-1] if index % 2 else sides:
            gc.collect()
            gc.freeze()
            cpu, wall = time.process_time(), time.perf_counter()
            function()
            gc.collect()
            times[side, "wall"].append(time.perf_counter() - wall)
            times[side, "cpu"].append(time.process_time() - cpu)
            gc.unfreeze()
        ratios.append(times["ours", "cpu"][-1] / times["floor", "cpu"][-1])
    figures = medians(times, ratios, rounds)
    figures["html_ratio"] = figures["html_ms"] / figures["floor_ms"]
    return figures


def profile(ours):
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    for _ in range(3):
        ours.queue()
        profiler.enable()
        ours()
        profiler.disable()
    print("\n=== render_report x3, by cumulative time")
    pstats.Stats(profiler).sort_stats("cumtime").print_stats(35)
    print("\n=== render_report x3, by own time")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--claims", action="store_true", help="seed the civil claims as well")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kvo-bench-report-"))
    try:
        seed(work, args.claims)
        setup_django(work)

        from django.utils import timezone
        from pypdf import PdfReader

        from demo.certification import COORDINATOR_EMAIL
        from kvo.reports import Quarter
        from merchants.models import ShoppingArea, User

        area = ShoppingArea.objects.select_related("partnership").get(name=AREA)
        quarter = Quarter.last_complete(timezone.localdate())
        coordinator = User.objects.get(email=COORDINATOR_EMAIL)
        ours = Ours(area, quarter, coordinator)
        ours.queue()
        ours()  # also the warm-up of imports, templates and fonts
        pdf = ours.pdf()
        texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
        pages = len(texts)
        if AREA not in texts[0] or str(quarter) not in " ".join(texts):
            raise BenchFailure("the report does not name its area and quarter")
        words = " ".join(texts).split()
        floor_document, paragraphs = fill_pages(words, pages)
        floor_text = [
            page.extract_text()
            for page in PdfReader(io.BytesIO(render_plain(floor_document))).pages
        ]
        floor_chars = sum(len(text) for text in floor_text)
        report_chars = sum(len(text) for text in texts)
        subsetter = font_subsetter()
        print(
            f"{AREA} {quarter}: {pages} pages, {report_chars} characters of text, {len(pdf)} "
            f"bytes; floor: {paragraphs} paragraphs, {len(floor_text)} pages, {floor_chars} "
            f"characters; fonts subset with {subsetter}",
            flush=True,
        )
        if args.profile:
            profile(ours)
            return
        result = measure(ours, floor_document, report_html(area, quarter), args.rounds)
        if page_count(ours.pdf()) != pages:
            raise BenchFailure("the report's page count changed between rounds")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result.update(
        area=AREA,
        quarter=str(quarter),
        pages=pages,
        report_bytes=len(pdf),
        report_chars=report_chars,
        floor_paragraphs=paragraphs,
        floor_chars=floor_chars,
        font_subsetter=subsetter,
    )
    print(
        f"ours {result['ours_ms']:.1f} ms  floor {result['floor_ms']:.1f} ms  ratio "
        f"{result['ratio']:.2f} (rounds {result['round_ratio_min']:.2f}-"
        f"{result['round_ratio_max']:.2f}); wall {result['ours_wall_ms']:.1f} / "
        f"{result['floor_wall_ms']:.1f} ms = {result['wall_ratio']:.2f}; WeasyPrint on the "
        f"report's HTML alone {result['html_ms']:.1f} ms = {result['html_ratio']:.2f} x floor"
    )
    rows = [
        {
            "metric": "certification report PDF / plain WeasyPrint document, same pages",
            "ours": round(result["ours_ms"], 1),
            "floor": round(result["floor_ms"], 1),
            "unit": "ms",
            "ratio": round(result["ratio"], 3),
            "goal": GOAL,
            "notes": f"{AREA} {quarter}, {pages} pages; floor {paragraphs} paragraphs. "
            f"CPU ms, median of {result['rounds']} interleaved rounds (per-round ratio "
            f"{result['round_ratio_min']:.2f}-{result['round_ratio_max']:.2f}); wall "
            f"{result['ours_wall_ms']:.0f} / {result['floor_wall_ms']:.0f} ms = "
            f"{result['wall_ratio']:.2f}; WeasyPrint on the report's HTML alone "
            f"{result['html_ms']:.0f} ms = {result['html_ratio']:.2f} x floor; fonts subset "
            f"with {subsetter}",
        }
    ]
    path = record_rows("report_pdf", rows)
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
                "revision": revision("kvo", "templates"),
                "machine": machine_info(),
                "result": result,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nResults written to {RESULTS.relative_to(ROOT)} and {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
