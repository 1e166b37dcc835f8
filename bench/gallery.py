"""The gallery with 300 people: requests per second through the whole stack, against the floor of
rendering the same template from objects in memory.

Run from the repository root: `python bench/gallery.py` (or `make bench`); `python bench/gallery.py
600` for another number of people. Like bench/query_ratio.py it uses a throwaway PostgreSQL
database (`kvo_bench_gallery` on 127.0.0.1:5432 or `BENCH_POSTGRES_URL`, dropped afterwards), or
SQLite in a temporary directory when no server is reachable (`--sqlite` asks for it).

Ours: GET /register/gallery/ through Django's test Client, in process, as a participant of one
shop who signed the protocol: every middleware, the session, the user and their memberships, the
protocol check, the people, their strongest measure and newest photo, the access-log row written
for the view, the template with its context processors. The gallery does not paginate: the page
a merchant opens shows all 300 people. DEBUG is off.

The floor: `render_to_string` of the same template with the same context keys (the view's and the
context processors') built from plain objects in memory: no database (asserted: zero queries), no
session, no authentication. Both are timed in the same run, interleaved, in rounds after a
warm-up; each figure is the median of the rounds. ratio = our requests/s ÷ floor renders/s, goal
>= 0.6. See bench/README.md.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from _common import record_rows
from query_ratio import BenchDatabase, make_world, setup_django

DATABASE = "kvo_bench_gallery"
PEOPLE = 300
ROUNDS = 7  # timed rounds of each, interleaved
PER_ROUND = 20  # requests (and renders) per round
WARM_UP = 5
GOAL = ">= 0.6"


class BenchFailure(SystemExit):
    def __init__(self, message):
        super().__init__(f"FAIL: {message}")


# --- Data ----------------------------------------------------------------------------------------


def make_gallery(world, people):
    """`people` people with a red or yellow card in force, each for an incident at one of the
    partnership's shops and with a photo (stored through bans.services.add_photo); the
    participant signs the protocol."""
    from django.utils import timezone

    from bans import services
    from incidents.models import Incident
    from merchants.services import sign_protocol
    from plumbing.images import process_upload
    from tests.bans.factories import MeasureFactory, PersonFactory
    from tests.incidents.factories import cctv_still, report, upload

    officer = world.users["officer"]
    participant = world.users["participant"]
    sign_protocol(world.protocol, actor=participant)
    names = ["Mark", "Rob", "Kees", "Piet", "Ahmed", "Jan", "Sanne", "Lisa", "Tom", "Eva"]
    now = timezone.now()
    for p in range(people):
        shop = world.shop if p % 2 else world.neighbour_shop
        incident = report(participant if shop == world.shop else officer, shop)
        Incident.objects.filter(pk=incident.pk).update(occurred_at=now - timedelta(days=p % 90))
        person = PersonFactory(
            partnership=world.deventer,
            display_name=f"{names[p % len(names)]} {chr(65 + p % 26)}.",
            description="Lang, kort donker haar, baard; draagt vaak een zwarte jas.",
        )
        MeasureFactory(
            person=person,
            incident=incident,
            kind="red" if p % 3 else "yellow",
            starts_on=now.date() - timedelta(days=30 + p % 90),
        )
        services.add_photo(person, process_upload(upload(cctv_still(seed=p))), actor=officer)


# --- Ours: the page through the stack ------------------------------------------------------------


def log_requests():
    """The access line RequestLogMiddleware writes for every request, as in production (JSON,
    INFO), into /dev/null instead of the console (the benches otherwise log warnings only)."""
    import logging

    from plumbing.logs import JsonFormatter, RequestIdFilter

    handler = logging.FileHandler(os.devnull)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("kvo.access")
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)


def gallery_client(world):
    from django.test import Client

    client = Client()
    client.force_login(world.users["participant"])
    return client


def get_gallery(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise BenchFailure(f"GET {url}: {response.status_code}")
    return response


# --- The floor: the same template from plain objects ----------------------------------------------


def floor_context(response, people):
    """The context the page was rendered with, rebuilt from plain objects: the view's keys
    (people, query, viewer, shops, sighting_key) and the context processors' (request, user,
    csrf_token, messages, the partnership's caps, i18n)."""
    from django.conf import settings

    context = response.context
    snapshot = []
    for person in people:
        measure = person.measure
        incident = measure.incident
        snapshot.append(
            SimpleNamespace(
                pk=person.pk,
                display_name=person.display_name,
                description=person.description,
                photo_pk=person.photo_pk,
                photo_sizes=person.photo_sizes,
                photo_links=person.photo_links,
                measure=SimpleNamespace(
                    kind=measure.kind,
                    kind_label=measure.kind_label,
                    ends_on=measure.ends_on,
                    issuing_shop=SimpleNamespace(name=measure.issuing_shop.name)
                    if measure.issuing_shop
                    else None,
                    incident=SimpleNamespace(
                        kind_label=incident.kind_label, occurred_at=incident.occurred_at
                    )
                    if incident
                    else None,
                ),
            )
        )
    shops = [SimpleNamespace(pk=s.pk, name=s.name) for s in context["shops"]]
    user = context["user"]
    request = SimpleNamespace(
        path=context["request"].path,
        get_full_path=lambda: context["request"].get_full_path(),
        resolver_match=SimpleNamespace(url_name="gallery", namespace="bans"),
        partnership=SimpleNamespace(name=context["current_partnership"].name),
    )
    return {
        "people": snapshot,
        "query": context["query"],
        "viewer": context["viewer"],
        "shops": shops,
        "sighting_key": context["sighting_key"],
        "request": request,
        "user": SimpleNamespace(is_authenticated=True, email=user.email, pk=user.pk),
        "csrf_token": "x" * 64,
        "messages": [],
        "current_partnership": SimpleNamespace(name=context["current_partnership"].name),
        "user_partnerships": [SimpleNamespace(name=context["current_partnership"].name)],
        "caps": set(context["caps"]),
        "my_roles": set(context["my_roles"]),
        "owns_shops": bool(context["owns_shops"]),
        "mfa_setup_required": False,
        "LANGUAGES": settings.LANGUAGES,
        "LANGUAGE_CODE": context["LANGUAGE_CODE"],
        "LANGUAGE_BIDI": False,
    }


def same_page(ours, floor):
    """True when the two pages are the same but for the CSRF token and the sighting key (new on
    every request); else where they differ."""
    import re

    token = re.compile(r'name="(csrfmiddlewaretoken|key)" value="[^"]*"')
    ours, floor = token.sub("TOKEN", ours), token.sub("TOKEN", floor)
    if ours == floor:
        return True
    at = next(i for i, (a, b) in enumerate(zip(ours, floor, strict=False)) if a != b)
    return f"at {at}: {ours[at - 80 : at + 80]!r} | {floor[at - 80 : at + 80]!r}"


def render_floor(context):
    from django.template.loader import render_to_string

    return render_to_string("bans/gallery.html", context)


# --- Timing --------------------------------------------------------------------------------------


def measure(client, url, context):
    """Seconds per request and per floor render, in ROUNDS rounds of PER_ROUND pairs after a
    warm-up: one request and one render in turn (which goes first alternates), so that both see
    the same moments of a shared machine."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        get_gallery(client, url)
        render_floor(context)
    with CaptureQueriesContext(connection) as captured:
        render_floor(context)
    if len(captured):
        raise BenchFailure(f"the floor ran {len(captured)} queries; it must run none")
    ours = [[] for _ in range(ROUNDS)]
    floor = [[] for _ in range(ROUNDS)]
    for round_ in range(ROUNDS):
        for i in range(PER_ROUND):
            pair = [
                (ours[round_], lambda: get_gallery(client, url)),
                (floor[round_], lambda: render_floor(context)),
            ]
            for times, call in pair if i % 2 == 0 else reversed(pair):
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
    return ours, floor


def profile(client, url, out):
    """cProfile of 20 requests, the 25 most expensive functions by cumulative time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        get_gallery(client, url)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(40)
    out.write_text(stream.getvalue())
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(25)
    return stream.getvalue()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    people = int(args[0]) if args else PEOPLE
    work = Path(tempfile.mkdtemp(prefix="kvo-bench-gallery-"))
    database = BenchDatabase(DATABASE, work, force_sqlite="--sqlite" in sys.argv)
    try:
        started = time.perf_counter()
        setup_django(work / "var", database.url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from merchants.models import AuditEvent

        log_requests()
        world = make_world()
        make_gallery(world, people)
        if database.engine == "postgresql":
            # Statistics as autovacuum keeps them on a live database (a fresh table has none).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"{database.engine}: {people} people made in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        client = gallery_client(world)
        url = reverse("bans:gallery")
        get_gallery(client, url)
        # The context as the page had it (the test Client records it), for the floor.
        from django.test.utils import setup_test_environment

        setup_test_environment()  # records templates and contexts on the response
        first = get_gallery(client, url)
        shown = first.context["people"]
        if len(shown) != people or any(p.photo_pk is None for p in shown):
            raise BenchFailure(f"the gallery shows {len(shown)} people, expected {people}")
        context = floor_context(first, shown)
        from django.test.utils import teardown_test_environment

        teardown_test_environment()
        with CaptureQueriesContext(connection) as captured:
            page = get_gallery(client, url)
        queries = len(captured)
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        if "--queries" in sys.argv:
            for query in slowest:
                print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:400]}")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + slowest[0]["sql"])
                print(slowest[0]["sql"])
                print("\n".join(line for (line,) in cursor.fetchall()))
            return
        if "no-store" not in page["Cache-Control"]:
            raise BenchFailure("the gallery lost its no-store header")
        floor_html = render_floor(context)
        if same_page(page.content.decode(), floor_html) is not True:
            raise BenchFailure(
                f"the floor renders another page: {same_page(page.content.decode(), floor_html)}"
            )
        logged = AuditEvent.objects.filter(action="bans.gallery.viewed").count()
        ours, floor = measure(client, url, context)
        views = AuditEvent.objects.filter(action="bans.gallery.viewed").count() - logged
        expected_views = WARM_UP + ROUNDS * PER_ROUND
        if views != expected_views:
            raise BenchFailure(f"{views} access-log rows for {expected_views} views")
        if "--profile" in sys.argv:
            out = work.parent / "gallery-profile.txt"
            print(profile(client, url, out))
            print(f"cumulative profile in {out}")
    finally:
        database.drop()
        shutil.rmtree(work, ignore_errors=True)

    # Per second, from the median time of all requests (renders) and of each round's.
    ours_rate = 1 / statistics.median(t for times in ours for t in times)
    floor_rate = 1 / statistics.median(t for times in floor for t in times)
    ratio = ours_rate / floor_rate
    print(
        f"\ngallery, {people} people ({database.engine}): {queries} queries, "
        f"page {len(page.content) / 1024:.0f} KB, floor {len(floor_html.encode()) / 1024:.0f} KB"
    )
    for name, rounds in (("ours  req/s", ours), ("floor render/s", floor)):
        per_round = ", ".join(f"{1 / statistics.median(r):6.1f}" for r in rounds)
        print(f"  {name + ' per round:':<26}{per_round}")
    print(
        f"  median: ours {ours_rate:.1f} req/s ({1000 / ours_rate:.1f} ms), floor "
        f"{floor_rate:.1f} renders/s ({1000 / floor_rate:.1f} ms), ratio {ratio:.3f} (goal {GOAL})"
    )
    rows = [
        {
            "metric": f"gallery ({people} people) requests/s ÷ the same template from memory",
            "ours": round(ours_rate, 1),
            "floor": round(floor_rate, 1),
            "unit": "per second",
            "ratio": round(ratio, 3),
            "goal": GOAL,
            "notes": f"{database.engine}; {queries} queries; median of {ROUNDS} rounds of "
            f"{PER_ROUND}; the gallery does not paginate",
        }
    ]
    path = record_rows("gallery", rows)
    for row in rows:
        print(
            f"{row['metric']}: ours {row['ours']}, floor {row['floor']}, ratio {row['ratio']} "
            f"(goal {row['goal']}: {'holds' if row['holds'] else 'does not hold'}); {path.name}"
        )


if __name__ == "__main__":
    main()
