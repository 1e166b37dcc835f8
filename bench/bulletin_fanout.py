"""Photo bulletin fan-out: how fast the outbox sends, against the floor of raw SMTP.

Run from the repository root: `python bench/bulletin_fanout.py` (or `make bench`); give numbers
of shops as arguments to measure other sizes. It uses a throwaway PostgreSQL database,
`kvo_bench_bulletins` (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth;
`BENCH_POSTGRES_URL` points elsewhere; without it, it says why and exits with status 2), or with
`--sqlite` a throwaway SQLite database (the embedded default of `make run`); a throwaway media
directory; and an aiosmtpd sink in a child process on 127.0.0.1 (a separate process, as a real
mail server would be, so that parsing the messages does not compete with the sender for the GIL).

For each number of shops and each bulletin mode it times `make_bulletin` + `send_deliveries`
(Celery eager: the work a worker does, in this process), then replays the very bytes the sink
received over one plain `smtplib` connection: the floor. ours / floor near 1 means the outbox adds
little over raw SMTP. See bench/README.md for the figures. The rows of issue 9's table go to
`test-artifacts/bench/rows-bulletin_fanout.json` (`bench/summary.py` prints them all).
"""

import argparse
import json
import logging
import os
import platform
import random
import shutil
import smtplib
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _common import ROOT, postgres_admin, record_rows, revision
from _fanout_probe import Probe
from _fanout_sink import BenchFailure, SinkClient, read_spool

RESULTS = ROOT / "test-artifacts" / "bench" / "bulletin_fanout.json"
SIZES = (300, 3000)
MODES = ("link", "inline")
WARM_UP = 10  # shops in the untimed first bulletin
PEOPLE = 12  # a realistic edition: a dozen red and yellow cards in force
GOAL = ">= 0.5"  # issue 9: our msg/s ÷ a plain smtplib loop's
DATABASE = "kvo_bench_bulletins"
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


# --- The throwaway database ----------------------------------------------------------------------


START_POSTGRES = (
    "The fan-out bench runs on it, as production does: start it with "
    "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, point "
    "BENCH_POSTGRES_URL at a server where the user may create databases, or measure the "
    "embedded default with --sqlite."
)


def create_database():
    # Our own throwaway database, left over from an interrupted run at most.
    postgres_admin(
        [f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', f'CREATE DATABASE "{DATABASE}"'],
        SERVER,
        advice=START_POSTGRES,
    )


def drop_database():
    from django.db import connections

    connections.close_all()
    postgres_admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', SERVER)


# --- Django set-up and data ---------------------------------------------------------------------


def setup_django(var_dir, sink_port, postgres):
    os.environ["DJANGO_SETTINGS_MODULE"] = "kvo.settings"
    os.environ["KVO_VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "true"  # settings load without a SECRET_KEY
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"  # not a line per task; warnings and errors still show
    # Never touch a developer's or CI's real database, broker, mail server or media directory.
    for name in (
        "DATABASE_URL",
        "DATABASE_CONN_MAX_AGE",
        "REDIS_URL",
        "EMAIL_URL",
        "EMAIL_URL_FILE",
        "MEDIA_ROOT",
    ):
        os.environ.pop(name, None)
    if postgres:
        os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    sys.path.insert(0, str(ROOT))

    import django
    from django.conf import settings

    django.setup()
    # The in-memory broker has no host name, and kombu says so on every eager task.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink_port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    # A worker runs with DEBUG off: no debug cursor recording every query, no template debug
    # (the template engine is made on first render, after this line).
    settings.DEBUG = False

    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def photo_jpeg(seed) -> bytes:
    """A 320x320 JPEG with the texture of a camera still (noise, shading, a figure), so it
    compresses like a real photo rather than like a flat drawing."""
    import io

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)  # noqa: S311 (test pictures, not secrets)
    size = 320
    noise = Image.effect_noise((size, size), 40).filter(ImageFilter.GaussianBlur(0.6))
    shifts = [rng.randint(40, 120) for _ in range(3)]
    base = Image.merge(
        "RGB", [noise.point(lambda v, shift=shift: (v + shift) // 2) for shift in shifts]
    )
    draw = ImageDraw.Draw(base)
    skin = (rng.randint(120, 220), rng.randint(90, 170), rng.randint(70, 140))
    draw.ellipse([110, 50, 210, 170], fill=skin)
    draw.rectangle([80, 170, 240, 320], fill=tuple(rng.randint(20, 120) for _ in range(3)))
    draw.rectangle([0, 0, size, 20], fill=(0, 0, 0))
    draw.text((6, 4), f"CAM {seed % 4 + 1}  2026-11-26 14:{seed % 60:02d}", fill=(255, 255, 255))
    blended = Image.blend(base, noise.convert("RGB"), 0.25)
    buffer = io.BytesIO()
    blended.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_partnership(n_shops, index):
    """A partnership with n_shops active shops, each with its own bulletin address and a signed
    protocol declaration, and PEOPLE people with a red or yellow card in force and a photo."""
    from django.utils import timezone

    from bans import services
    from bans.models import Measure, MeasureKind, MeasureStatus, Person
    from merchants.models import (
        Membership,
        Partnership,
        ProtocolDeclaration,
        ProtocolVersion,
        Shop,
        ShoppingArea,
        User,
    )
    from merchants.roles import Role
    from merchants.services import sign_protocol
    from plumbing.images import process_upload

    slug = f"bench-{index}"
    partnership = Partnership.objects.create(
        name=f"KVO Bench {n_shops}",
        slug=slug,
        code="BEN" + "ABCDEFGHIJ"[index],
        municipality="Deventer",
    )
    officer = User.objects.create_user(f"officer@{slug}.example.nl", full_name="Wijkagent")
    Membership.objects.create(user=officer, partnership=partnership, role=Role.OFFICER)
    owner = User.objects.create_user(f"owner@{slug}.example.nl", full_name="Eigenaar")
    Membership.objects.create(user=owner, partnership=partnership, role=Role.PARTICIPANT)

    areas = ShoppingArea.objects.bulk_create(
        ShoppingArea(partnership=partnership, name=f"Winkelgebied {a}") for a in range(10)
    )
    Shop.objects.bulk_create(
        (
            Shop(
                area=areas[i % len(areas)],
                name=f"Winkel {i:04d} van de Brink",
                address=f"Brink {i + 1}",
                postcode="7411 BR",
                city="Deventer",
                bulletin_email=f"winkel{i:04d}@{slug}.example.nl",
            )
            for i in range(n_shops)
        ),
        batch_size=500,
    )
    shops = list(Shop.objects.in_partnership(partnership).order_by("pk"))
    version = ProtocolVersion.objects.create(
        partnership=partnership,
        version="2026-1",
        title="Protocol KVO",
        body="Gebruik van de gegevens ...",
        published_at=timezone.now(),
    )
    # The owner signs for the first shop through the service (the real path, with its audit
    # event); the same row for every other shop is bulk-made for speed.
    sign_protocol(version, actor=owner, shop=shops[0])
    ProtocolDeclaration.objects.bulk_create(
        (ProtocolDeclaration(version=version, user=owner, shop=shop) for shop in shops[1:]),
        batch_size=500,
    )

    today = date.today()
    names = ["Mark", "Rob", "Kees", "Piet", "Ahmed", "Jan", "Sanne", "Lisa", "Tom", "Eva"]
    for p in range(PEOPLE):
        person = Person(
            partnership=partnership,
            display_name=f"{names[p % len(names)]} {chr(65 + p)}.",
            description="Lang, kort donker haar, baard; draagt vaak een zwarte jas.",
            full_name=f"{names[p % len(names)]} Achternaam{p}",
        )
        person.save()
        Measure.objects.create(
            partnership=partnership,
            person=person,
            kind=MeasureKind.RED if p % 3 else MeasureKind.YELLOW,
            status=MeasureStatus.ACTIVE,
            starts_on=today - timedelta(days=30 + p),
            ends_on=today + timedelta(days=300 + p),
            decided_by=officer,
            decided_at=timezone.now(),
        )
        services.add_photo(person, process_upload(photo_jpeg(seed=index * 100 + p)), actor=officer)
    return partnership, officer, {shop.bulletin_email for shop in shops}


# --- Timing -------------------------------------------------------------------------------------


def run_ours(sink, spool, partnership, officer, addresses, mode):
    from bulletins import editions as bulletin_editions
    from bulletins.models import BulletinDelivery, BulletinSettings, BulletinTrigger, DeliveryState
    from bulletins.tasks import send_bulletin_deliveries

    n = len(addresses)
    BulletinSettings.objects.update_or_create(partnership=partnership, defaults={"mode": mode})
    sink.reset(spool)
    tasks = 1
    with Probe() as probe:
        start = time.perf_counter()
        # Eager Celery: the task queued on commit runs inside this call.
        bulletin = bulletin_editions.make_bulletin(
            partnership, trigger=BulletinTrigger.MANUAL, actor=officer
        )
        # A task sends at most BATCHES_PER_TASK batches and then, on a real worker, queues a
        # fresh task; eager Celery queues none, so the follow-up tasks run here, in turn. The
        # last one finds nothing left: a rerun sends nothing twice.
        while any(send_bulletin_deliveries(bulletin.pk).values()):
            tasks += 1
            if tasks > n // bulletin_editions.BATCH_SIZE + 3:
                raise BenchFailure(f"{n} shops, {mode}: still sending after {tasks} tasks")
        seconds = time.perf_counter() - start
    stats = sink.stats()
    check(stats, addresses, f"{n} shops, {mode}")
    sent_rows = BulletinDelivery.objects.filter(bulletin=bulletin, state=DeliveryState.SENT).count()
    if sent_rows != n:
        raise BenchFailure(f"{n} shops, {mode}: {sent_rows} rows marked sent, expected {n}")
    send_seconds = probe.seconds["send_deliveries"]
    return {
        "seconds": seconds,
        "make_seconds": seconds - send_seconds,
        "send_seconds": send_seconds,
        "tasks": tasks,
        "build_seconds": probe.seconds["build_message"],
        "watermark_seconds": probe.seconds["mark_photo"],
        "watermark_calls": probe.calls["mark_photo"],
        "queries": probe.queries,
        "messages": stats["messages"],
        "bytes": stats["bytes"],
    }


def run_floor(sink, port, messages, addresses, label):
    """The same bytes over one connection with plain smtplib: what SMTP itself costs here."""
    sink.reset(None)
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo()
        for mail_from, rcpt_tos, data in messages:
            client.sendmail(mail_from, rcpt_tos, data)
    seconds = time.perf_counter() - start
    check(sink.stats(), addresses, f"{label} (floor)")
    return seconds


def check(stats, addresses, label):
    """Exactly one message per shop, each to its own address: fail loudly otherwise."""
    received = stats["recipients"]
    if stats["messages"] != len(addresses):
        raise BenchFailure(f"{label}: sink got {stats['messages']} messages, not {len(addresses)}")
    if len(received) != len(set(received)) or set(received) != addresses:
        raise BenchFailure(
            f"{label}: {len(set(received))} distinct recipients of {len(received)}, "
            f"{len(set(received) - addresses)} unexpected, {len(addresses - set(received))} missing"
        )


# --- Report -------------------------------------------------------------------------------------


def measure_round(sink, work, partnership, officer, addresses, mode):
    """One bulletin sent by the outbox, then the same bytes by a plain smtplib loop."""
    n = len(addresses)
    spool = work / f"spool-{n}-{mode}"
    cpu = time.process_time()
    ours = run_ours(sink, spool, partnership, officer, addresses, mode)
    ours_cpu = time.process_time() - cpu
    messages = read_spool(spool)
    cpu = time.process_time()
    floor = run_floor(sink, sink.port, messages, addresses, f"{n} shops, {mode}")
    floor_cpu = time.process_time() - cpu
    del messages
    spool.unlink()
    msg_per_s = ours["messages"] / ours["seconds"]
    floor_msg_per_s = n / floor
    return {
        "shops": n,
        "mode": mode,
        **ours,
        "msg_per_s": msg_per_s,
        "floor_seconds": floor,
        "floor_msg_per_s": floor_msg_per_s,
        "ratio": msg_per_s / floor_msg_per_s,
        # This process's CPU time (all its threads) per message, and the floor's.
        "cpu_ms_per_msg": ours_cpu * 1000 / n,
        "floor_cpu_ms_per_msg": floor_cpu * 1000 / n,
        # What the outbox costs apart from building the messages; not in inline mode, where
        # messages are built in a second thread while others are sent.
        "ratio_without_build": None
        if mode == "inline"
        else n / (ours["seconds"] - ours["build_seconds"]) / floor_msg_per_s,
    }


def _optional(value):
    return "-" if value is None else f"{value:.3f}"


def print_table(rows):
    header = (
        f"{'shops':>6} {'mode':<7} {'sent':>6} {'seconds':>8} {'msg/s':>8} "
        f"{'floor msg/s':>12} {'ratio':>6} {'build s':>8} {'watermark s':>12} "
        f"{'ratio w/o build':>15} {'KB/msg':>7} {'queries/msg':>11} {'tasks':>5} "
        f"{'CPU ms/msg':>10} {'floor CPU':>9}  rounds"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['shops']:>6} {r['mode']:<7} {r['messages']:>6} {r['seconds']:>8.2f} "
            f"{r['msg_per_s']:>8.1f} {r['floor_msg_per_s']:>12.1f} {r['ratio']:>6.3f} "
            f"{r['build_seconds']:>8.2f} {r['watermark_seconds']:>12.2f} "
            f"{_optional(r['ratio_without_build']):>15} {r['bytes'] / r['messages'] / 1024:>7.1f} "
            f"{r['queries'] / r['messages']:>11.2f} {r['tasks']:>5} "
            f"{r['cpu_ms_per_msg']:>10.2f} {r['floor_cpu_ms_per_msg']:>9.2f}  "
            f"{', '.join(f'{x:.3f}' for x in r['round_ratios'])}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shops", nargs="*", type=int, help=f"numbers of shops (default {SIZES})")
    parser.add_argument(
        "--sqlite", action="store_true", help="a throwaway SQLite database instead of PostgreSQL"
    )
    parser.add_argument("--mode", choices=MODES, help="one mode only (default both)")
    parser.add_argument(
        "--rounds",
        type=int,
        help="rounds per size and mode, the median reported (default 3; 1 for inline mode above "
        "1,000 shops)",
    )
    args = parser.parse_args()
    sizes = tuple(args.shops) or SIZES
    postgres = not args.sqlite
    if postgres:
        create_database()
    work = Path(tempfile.mkdtemp(prefix="kvo-bench-"))
    sink = SinkClient()
    try:
        setup_django(work / "var", sink.port, postgres)
        from django.db import connection

        engine = (
            f"{connection.display_name} {'.'.join(map(str, connection.get_database_version()))}"
        )
        print(f"Database: {engine}", flush=True)
        # Untimed: the first bulletin compiles the templates, loads the font and imports the mail
        # modules; none of that is per-message work.
        partnership, officer, addresses = make_partnership(WARM_UP, 0)
        for mode in MODES:
            run_ours(sink, None, partnership, officer, addresses, mode)
        rows = []
        for index, n in enumerate(sizes, start=1):
            started = time.perf_counter()
            partnership, officer, addresses = make_partnership(n, index)
            print(f"{n} shops: data made in {time.perf_counter() - started:.1f} s", flush=True)
            for mode in (args.mode,) if args.mode else MODES:
                # Three rounds, the median reported; one of inline above 1,000 shops (minutes).
                rounds = args.rounds or (1 if mode == "inline" and n > 1000 else 3)
                measured = []
                for _round in range(rounds):
                    measured.append(
                        measure_round(sink, work, partnership, officer, addresses, mode)
                    )
                    row = measured[-1]
                    print(
                        f"  {mode:<6} {row['seconds']:7.2f} s  {row['msg_per_s']:7.1f} msg/s  "
                        f"floor {row['floor_msg_per_s']:7.1f} msg/s  ratio {row['ratio']:.3f}",
                        flush=True,
                    )
                # The round with the median ratio, each ratio measured side by side: the load
                # of other work on the machine moves both figures of a round alike.
                row = sorted(measured, key=lambda r: r["ratio"])[len(measured) // 2]
                row["round_ratios"] = [round(r["ratio"], 3) for r in measured]
                rows.append(row)
    finally:
        sink.stop()
        shutil.rmtree(work, ignore_errors=True)
        if postgres:
            drop_database()

    print()
    print_table(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "date": date.today().isoformat(),
                "revision": revision("bans", "kvo", "merchants", "templates"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "database": engine,
                "people_per_bulletin": PEOPLE,
                "results": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nResults written to {RESULTS.relative_to(ROOT)}")
    table_rows = [
        {
            "metric": f"bulletin fan-out, {r['shops']} shops, {r['mode']} mode: msg/s ÷ a plain "
            "smtplib loop",
            "ours": round(r["msg_per_s"], 1),
            "floor": round(r["floor_msg_per_s"], 1),
            "unit": "msg/s",
            "ratio": round(r["ratio"], 3),
            "goal": GOAL,
            "notes": f"{engine}; {PEOPLE} people per bulletin, "
            f"{r['bytes'] / r['messages'] / 1024:.0f} KB per message; the floor replays the bytes "
            f"the sink received; median of rounds {r['round_ratios']}",
        }
        for r in rows
    ]
    path = record_rows("bulletin_fanout", table_rows)
    for row in table_rows:
        print(
            f"{row['metric']}: ratio {row['ratio']} (goal {row['goal']}: "
            f"{'holds' if row['holds'] else 'does not hold'})"
        )
    print(f"Rows written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
