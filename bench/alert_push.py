"""Alerts in seconds (issue 19): from a sighting posted to the last of 300 push messages accepted.

Run from the repository root: `python bench/alert_push.py` (or `make bench-alerts`). It needs
PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth; `BENCH_POSTGRES_URL` points elsewhere)
and Redis on 127.0.0.1:6379 (`BENCH_REDIS_URL`); it makes a throwaway database
`kvo_bench_alerts`, starts a real Celery worker (a child process, `-c 2`, as in production on two
cores) and our local push service (tests/push_receiver.py, in this process: it checks each VAPID
signature and decrypts each RFC 8291 payload, as a browser vendor's service would check and a
browser would decrypt).

The partnership sends sightings to its shops; one area has 300 participants who signed the
protocol, each with one device. Each round reports a sighting in this process (what the web
request does: the incident, the register link, the hook; committed) and waits until the push
service has accepted all 300 messages of that alert. The figure is the time from before the
sighting to the last message accepted; p50 and p95 over the rounds are reported, the goal being
p95 <= 2 s.

The floor is the same 300 messages (same payload, same keys, same push service) sent by a bare
loop of pywebpush calls in this process: one after another, and 16 at a time in threads (what our
worker does). Figures go to test-artifacts/bench/alerts.json and one row to the summary table.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import ROOT, postgres_admin, record_rows, revision

RESULTS = ROOT / "test-artifacts" / "bench" / "alerts.json"
DATABASE = "kvo_bench_alerts"
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
GOAL_SECONDS = 2.0


def setup(var_dir):
    postgres_admin(
        [f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', f'CREATE DATABASE "{DATABASE}"'],
        SERVER,
        advice="Start PostgreSQL on 127.0.0.1:5432 or set BENCH_POSTGRES_URL.",
    )
    os.environ.update(
        DJANGO_SETTINGS_MODULE="kvo.settings",
        KVO_VAR_DIR=str(var_dir),
        DEBUG="true",
        DATABASE_URL=f"{SERVER}/{DATABASE}",
        REDIS_URL=REDIS,
        CELERY_TASK_ALWAYS_EAGER="false",
        BULLETIN_DELAY_SECONDS="600",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def world(devices, receiver):
    """A partnership that sends sightings to its shops: `devices` participants in one area, each
    with a device at our push service, a banned person, and a shop that reports the sighting."""
    from alerts.models import AlertSettings
    from bans import services as register
    from merchants.devices import register_device
    from merchants.models import ProtocolDeclaration
    from plumbing.images import process_upload
    from tests.bans.factories import MeasureFactory, PersonFactory
    from tests.factories import (
        AreaFactory,
        MembershipFactory,
        PartnershipFactory,
        ProtocolVersionFactory,
        ShopFactory,
        UserFactory,
    )
    from tests.incidents.factories import cctv_still, upload

    partnership = PartnershipFactory(name="KVO Bench", slug="bench", code="BEN")
    AlertSettings.objects.create(partnership=partnership, sightings_to_shops=True)
    area = AreaFactory(partnership=partnership, name="Binnenstad")
    protocol = ProtocolVersionFactory(partnership=partnership)
    officer = UserFactory(email="agent@bench.nl")
    MembershipFactory(user=officer, partnership=partnership, role="officer")
    reporter_shop = ShopFactory(area=area, name="Meldende winkel")
    reporter = UserFactory(email="melder@bench.nl")
    MembershipFactory(
        user=reporter, partnership=partnership, role="participant", shops=[reporter_shop]
    )
    ProtocolDeclaration.objects.create(version=protocol, user=reporter)
    subscriptions = []
    for n in range(devices):
        shop = ShopFactory(area=area, name=f"Winkel {n:03d}")
        user = UserFactory(email=f"winkel{n:03d}@bench.nl")
        MembershipFactory(user=user, partnership=partnership, role="participant", shops=[shop])
        ProtocolDeclaration.objects.create(version=protocol, user=user)
        subscription = receiver.subscription()
        register_device(
            user,
            endpoint=subscription["endpoint"],
            p256dh=subscription["keys"]["p256dh"],
            auth=subscription["keys"]["auth"],
            name=f"Telefoon {n:03d}",
        )
        subscriptions.append(subscription)
    person = PersonFactory(partnership=partnership, display_name="Rob K.")
    MeasureFactory(person=person, kind="red")
    register.add_photo(person, process_upload(upload(cctv_still(seed=7))), actor=officer)
    return {"person": person, "reporter": reporter, "shop": reporter_shop, "subs": subscriptions}


def start_worker(var_dir):
    log = open(var_dir / "worker.log", "w")  # noqa: SIM115 (closed with the process)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kvo", "worker", "-c", "2", "-l", "warning"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    from kvo.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.inspect(timeout=1).ping():
            return worker
        if worker.poll() is not None:
            break
    worker.kill()
    raise SystemExit(f"The Celery worker did not start; see {var_dir / 'worker.log'}")


def one_round(data, receiver, devices, timeout=60):
    from bans.sightings import report_sighting

    before = len(receiver.received)
    started = time.monotonic()
    incident = report_sighting(
        data["person"], reporter=data["reporter"], shop=data["shop"], submission_key=uuid.uuid4()
    )
    posted = time.monotonic() - started
    tag = f"alert-{incident.alerts.get().pk}"
    deadline = started + timeout
    while time.monotonic() < deadline:
        arrived = [r for r in receiver.received[before:] if r.message.get("tag") == tag]
        if len(arrived) >= devices:
            return {"posted_s": posted, "last_s": max(r.at for r in arrived) - started}
        time.sleep(0.005)
    raise SystemExit(f"Only {len(arrived)} of {devices} pushes arrived within {timeout} s")


def floor(subscriptions, threads):
    """The same messages by a bare loop of pywebpush calls: one by one, or `threads` at a time."""
    from plumbing import push

    message = {
        "title": "Waarschuwing: persoon met winkelverbod gezien",
        "body": "In Binnenstad om 14:32",
        "url": "/alerts/1/open/",
        "tag": "floor",
    }
    started = time.monotonic()
    if threads == 1:
        outcomes = [push.send(s, message) for s in subscriptions]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            outcomes = list(pool.map(lambda s: push.send(s, message), subscriptions))
    elapsed = time.monotonic() - started
    assert all(o.state == push.SENT for o in outcomes), "the push service refused the floor"
    return elapsed


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--floor-rounds", type=int, default=5)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="kvo-bench-alerts-"))
    setup(var_dir)
    from django.conf import settings

    from plumbing import push
    from tests.push_receiver import PushReceiver

    push.public_key()  # the VAPID key, made once before the worker reads it
    receiver = PushReceiver()
    worker = None
    try:
        data = world(args.devices, receiver)
        worker = start_worker(var_dir)
        one_round(data, receiver, args.devices)  # warm up: the worker's first task
        rounds = [one_round(data, receiver, args.devices) for _ in range(args.rounds)]
        lasts = [r["last_s"] for r in rounds]
        floors = {
            "one_by_one_s": [floor(data["subs"], 1) for _ in range(args.floor_rounds)],
            f"{settings.ALERT_PUSH_THREADS}_at_a_time_s": [
                floor(data["subs"], settings.ALERT_PUSH_THREADS) for _ in range(args.floor_rounds)
            ],
        }
        assert not receiver.refused, receiver.refused[:3]
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        receiver.close()
        from django.db import connections

        connections.close_all()
        postgres_admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', SERVER)
    result = {
        "revision": revision("alerts", "plumbing", "merchants", "bans"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "devices": args.devices,
        "rounds": args.rounds,
        "worker": "celery prefork -c 2 on Redis",
        "push_threads": settings.ALERT_PUSH_THREADS,
        "sighting_to_last_push_s": {
            "p50": statistics.median(lasts),
            "p95": percentile(lasts, 95),
            "max": max(lasts),
            "all": lasts,
        },
        "sighting_posted_s_median": statistics.median(r["posted_s"] for r in rounds),
        "floor": {name: {"median": statistics.median(v), "all": v} for name, v in floors.items()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    one_by_one = result["floor"]["one_by_one_s"]["median"]
    p95 = result["sighting_to_last_push_s"]["p95"]
    record_rows(
        "alerts",
        [
            {
                "metric": f"sighting to last of {args.devices} pushes accepted, p95 (s)",
                "ours": round(p95, 3),
                "floor": round(one_by_one, 3),
                "unit": "s",
                "ratio": round(p95, 3),
                "goal": f"<= {GOAL_SECONDS}",
                "notes": "the ratio column is our p95 in seconds (the goal is absolute); the "
                "floor is a bare pywebpush loop sending the same messages one by one",
            }
        ],
    )
    print(
        json.dumps(
            {k: v for k, v in result.items() if k != "floor"}
            | {"floor_medians": {k: round(v["median"], 3) for k, v in result["floor"].items()}},
            indent=2,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
