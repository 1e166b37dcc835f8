"""Load test (issue 9): gunicorn on PostgreSQL on loopback, driven by locust.

    make load            # or: .venv/bin/python bench/load.py

1. A throwaway PostgreSQL database, `kvo_bench_load`, filled by seed_scale with 10 partnerships of
   300 shops each (3,000 shops, 100,000 incidents, 1,000 people with a measure in force and a
   photo, 5,000 claims, two officers per partnership).
2. A logged-in session for each simulated person, as a phone that logged in earlier has one:
   300 merchants of the first partnership, 20 officers, 10 reporters of another partnership.
   The 300 merchants opened the gallery yesterday: the nightly run makes today's watermarked
   copies of their galleries (bans/gallery_copies.py), timed.
3. gunicorn (WORKERS sync workers, as in production) on 127.0.0.1 with production settings,
   behind nginx with the production location for the gallery's signed links (bench/_nginx.py)
   (DEBUG off, JSON logs to a file); with Redis on 127.0.0.1:6379 the Celery tasks go to a real
   worker, otherwise they run in the web process.
4. locust, headless, bounded: users arrive at SPAWN_RATE a second (300 merchants within the
   first minute), the run stops after RUN_TIME; see bench/load/locustfile.py for what each does.
5. The 50th and 95th percentile and the errors per kind of request, from locust's CSV, printed
   and written to test-artifacts/bench/load.json. Exit status 1 when any request failed.

Only loopback addresses are used; the X-Forwarded-For addresses the phones "come from" are in
127.0.0.0/8 too.
"""

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import RESULTS_DIR, ROOT, postgres_admin, revision
from _nginx import Nginx, signed_location

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "kvo_bench_load"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
RUN_TIME = os.environ.get("LOAD_RUN_TIME", "150s")
SPAWN_RATE = 6
COUNTS = {"merchant": 300, "officer": 20, "reporter": 10}
VENV_BIN = Path(sys.executable).parent


def admin(sql):
    postgres_admin(sql, SERVER)


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(var_dir, with_redis):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "EMAIL_URL", "CELERY_TASK_ALWAYS_EAGER")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kvo.settings",
        DATABASE_URL=f"{SERVER}/{DATABASE}",
        DATABASE_CONN_MAX_AGE="60",
        KVO_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "private"),
        DEBUG="false",
        SECRET_KEY="load-test-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        STATIC_MANIFEST="false",
        TRUSTED_PROXY_COUNT="1",
        LOG_LEVEL="INFO",
        BULLETIN_DELAY_SECONDS="0",
        SIGNED_LINK_SECRET="load-test-signed-links-" + "s" * 20,
    )
    if with_redis:
        env["REDIS_URL"] = REDIS
    return env


PREPARE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
from demo.scale import Scale, seed_scale
scale = Scale(partnerships=10, areas_per_partnership=10, shops_per_area=30, incidents=100_000,
              people=1_000, claims=5_000, officers_per_partnership=2)
result = seed_scale(scale, out=lambda line: print(line, file=sys.stderr))
from merchants.models import Membership, Partnership
first, second = Partnership.objects.filter(slug__startswith="scale-").order_by("slug")[:2]
def staff(partnership, count):
    members = Membership.objects.filter(partnership=partnership, role="participant")
    return [m.user for m in members.select_related("user").order_by("pk")[:count]]
officers = [m.user for m in Membership.objects.filter(role="officer").select_related("user")
            .order_by("pk")[:{officers}]]
groups = {{"merchant": staff(first, {merchants}), "officer": officers,
          "reporter": staff(second, {reporters})}}
users = {{}}
for number, (kind, people) in enumerate(groups.items()):
    users[kind] = []
    for index, user in enumerate(people):
        client = Client()
        client.force_login(user)
        address = f"127.{{10 + number}}.{{index // 250}}.{{index % 250 + 1}}"
        users[kind].append({{"session": client.cookies["sessionid"].value, "address": address}})
# The merchants opened the gallery yesterday on screens that ask for the middle size (what the
# locustfile fetches); the nightly run (bans.tasks.daily_gallery_copies) makes today's copies.
import time
from datetime import timedelta
from django.utils import timezone
from bans import gallery_copies
from bans.gallery_models import GalleryCopy, GalleryViewer
from bans.selectors import working_shops
yesterday = timezone.localdate() - timedelta(days=1)
for user in groups["merchant"]:
    shops = list(working_shops(user, first).order_by("name", "pk"))
    text = ", ".join(sorted({{shop.name for shop in shops}}))
    viewer = gallery_copies.viewer_for(first, shops, text, day=yesterday)
    GalleryViewer.objects.filter(pk=viewer.pk).update(sizes="m")
started = time.perf_counter()
# What the night's tasks do (bans.tasks.daily_gallery_copies queues one per viewer), in one process.
made = gallery_copies.warm(gallery_copies.active_viewers())
nightly = {{"made": made, "seconds": round(time.perf_counter() - started, 1),
           "viewers": GalleryViewer.objects.count(), "copies": GalleryCopy.objects.count()}}
print(json.dumps({{"users": users, "counts": result["counts"], "seconds": result["seconds"],
                  "nightly": nightly}}))
"""


def prepare(env):
    script = PREPARE.format(
        merchants=COUNTS["merchant"], officers=COUNTS["officer"], reporters=COUNTS["reporter"]
    )
    started = time.perf_counter()
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    prepared = json.loads(output.strip().splitlines()[-1])
    prepared["prepare_seconds"] = round(time.perf_counter() - started, 1)
    for kind, count in COUNTS.items():
        if len(prepared["users"][kind]) != count:
            raise SystemExit(f"FAIL: {len(prepared['users'][kind])} {kind} accounts, want {count}")
    return prepared


def wait_for(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("FAIL: gunicorn stopped while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"FAIL: {url} did not answer within {seconds} s")


def read_stats(prefix):
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                    "max_ms": float(row["Max Response Time"] or 0),
                    "rps": float(row["Requests/s"] or 0),
                }
            )
    return rows


def read_burst(path):
    """The burst's requests (gallery pages and photos) as one distribution: count, errors, p50,
    p95 and the slowest, in ms."""
    times = json.loads(path.read_text())
    ordered = sorted(time for time, _ in times)
    if not ordered:
        raise SystemExit("FAIL: locust recorded no gallery request")

    def percentile(share):
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {
        "requests": len(ordered),
        "errors": sum(1 for _, failed in times if failed),
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "max_ms": ordered[-1],
    }


def main():
    with_redis = redis_up()
    var_dir = Path(tempfile.mkdtemp(prefix="kvo-load-"))
    env = environment(var_dir, with_redis)
    processes = []
    admin(f"DROP DATABASE IF EXISTS {DATABASE}")
    admin(f"CREATE DATABASE {DATABASE}")
    try:
        print("Seeding and making sessions ...", flush=True)
        prepared = prepare(env)
        users_file = var_dir / "users.json"
        users_file.write_text(json.dumps(prepared["users"]))
        print(f"  {prepared['counts']} in {prepared['prepare_seconds']} s", flush=True)
        nightly = prepared["nightly"]
        print(
            f"  nightly gallery copies: {nightly['made']} for {nightly['viewers']} shops in "
            f"{nightly['seconds']} s",
            flush=True,
        )

        port = free_port()
        log = (var_dir / "gunicorn.log").open("w")
        web = subprocess.Popen(  # noqa: S603
            [
                str(VENV_BIN / "gunicorn"),
                "kvo.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(web)
        if with_redis:
            worker = subprocess.Popen(  # noqa: S603
                [str(VENV_BIN / "celery"), "-A", "kvo", "worker", "--concurrency", "1"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            processes.append(worker)
        wait_for(f"http://127.0.0.1:{port}/healthz", web)
        # nginx in front, as in production: the gallery's photos by their signed links from the
        # disk, everything else to gunicorn. The phones' addresses pass as they came.
        nginx = Nginx(
            var_dir,
            signed_location(var_dir / "private")
            + f"""
        client_max_body_size 30m;
        location / {{
            proxy_pass http://127.0.0.1:{port};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $http_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto http;
            proxy_read_timeout 60s;
        }}
""",
            env["SIGNED_LINK_SECRET"],
        )
        processes.append(nginx.process)
        host = nginx.url

        prefix = str(var_dir / "locust")
        total = sum(COUNTS.values())
        print(
            f"locust: {total} users at {SPAWN_RATE}/s for {RUN_TIME} against nginx and gunicorn "
            f"({WORKERS} workers, Celery {'worker on Redis' if with_redis else 'eager'}) ...",
            flush=True,
        )
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(total),
                "--spawn-rate",
                str(SPAWN_RATE),
                "--run-time",
                RUN_TIME,
                "--stop-timeout",
                "30",
                "--host",
                host,
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **env,
                "KVO_LOAD_USERS": str(users_file),
                "KVO_LOAD_BURST": str(var_dir / "burst.json"),
            },
            check=False,
        )
        elapsed = time.perf_counter() - started
        stats = read_stats(prefix)
        burst = read_burst(var_dir / "burst.json")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        admin(f"DROP DATABASE IF EXISTS {DATABASE}")

    print(f"\n{'request':<22} {'count':>7} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for row in stats:
        print(
            f"{row['name']:<22} {row['requests']:>7} {row['failures']:>7} {row['p50_ms']:>8.0f} "
            f"{row['p95_ms']:>8.0f} {row['max_ms']:>8.0f}"
        )
    print(
        f"\nThe burst (gallery pages and photos): {burst['requests']} requests, "
        f"{burst['errors']} errors, p50 {burst['p50_ms']:.0f} ms, p95 {burst['p95_ms']:.0f} ms "
        f"(goal: p95 <= 500 ms, no errors)"
    )
    aggregated = next(row for row in stats if row["name"] == "Aggregated")
    error_rate = aggregated["failures"] / max(1, aggregated["requests"])
    print(f"\nError rate {error_rate:.2%} over {elapsed:.0f} s.")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "load.json").write_text(
        json.dumps(
            {
                "revision": revision(),
                "users": COUNTS,
                "spawn_rate": SPAWN_RATE,
                "run_time": RUN_TIME,
                "gunicorn_workers": WORKERS,
                "celery": "worker on Redis" if with_redis else "eager",
                "data": prepared["counts"],
                "nightly_gallery_copies": prepared["nightly"],
                "seconds": round(elapsed, 1),
                "error_rate": error_rate,
                "stats": stats,
                "burst": burst,
            },
            indent=2,
        )
    )
    # The server's JSON log stays for a look at what went wrong (it holds no personal data).
    shutil.copy(var_dir / "gunicorn.log", RESULTS_DIR / "load-server.log")
    shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if aggregated["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
