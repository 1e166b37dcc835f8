"""The officer's dashboard when the database holds the whole country (issue 9).

Two throwaway PostgreSQL databases, filled by `seed_scale`: one at 1/100 of national scale (one
partnership, 10,000 incidents) and one at national scale (100 partnerships, 1,000,000
incidents). In each, the officer of the first partnership opens the dashboard; its server time
(the page through Django's test Client, and `kvo.dashboard.figures()` alone) is the median of
RUNS after a warm-up. The row is the ratio national ÷ small: what a million other incidents in
the same tables cost one partnership's officer (goal ≤ 3).

Run from the repository root: `python bench/dashboard_national.py` (part of `make bench`).
`--keep` keeps the databases. Each database is measured in its own child process, so Django
connects to one database per process. Needs PostgreSQL on 127.0.0.1:5432 (or
BENCH_POSTGRES_URL); exits 2 without it. Seeding the national database takes a few minutes.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, postgres_admin, record_rows

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
SIZES = (("kvo_bench_dash_small", 0.01), ("kvo_bench_dash_national", 1.0))
RUNS = 5


def admin(sql):
    postgres_admin(sql, SERVER)


def child(database, factor):
    """Seed and measure one database; prints one JSON line."""
    var_dir = Path(tempfile.mkdtemp(prefix="kvo-bench-dash-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="kvo.settings",
        KVO_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "private"),
        DEBUG="true",
        LOG_LEVEL="WARNING",
        DATABASE_URL=f"{SERVER}/{database}",
        CELERY_TASK_ALWAYS_EAGER="true",
    )
    for name in ("REDIS_URL", "EMAIL_URL", "DATABASE_CONN_MAX_AGE"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from demo.scale import Scale, seed_scale

    started = time.perf_counter()
    seeded = seed_scale(Scale().scaled(factor), out=lambda line: None)
    seed_seconds = time.perf_counter() - started
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    from django.utils import timezone

    from kvo.dashboard import default_period, figures
    from merchants.models import Partnership, User

    partnership = Partnership.objects.get(slug="scale-001")
    officer = User.objects.get(email="wijkagent1@scale.kvo.test")
    client = Client()
    client.force_login(officer)
    url = reverse("dashboard")

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def only_figures():
        figures(partnership, default_period(timezone.localdate()))

    results = {"database": database, "seed_seconds": round(seed_seconds, 1)}
    results["incidents"] = seeded["counts"]["incidents"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM incidents_incident WHERE partnership_id = %s", [partnership.pk]
        )
        results["partnership_incidents"] = cursor.fetchone()[0]
    for name, call in (("page", page), ("figures", only_figures)):
        call()
        times = []
        for _ in range(RUNS):
            begin = time.perf_counter()
            call()
            times.append(time.perf_counter() - begin)
        with CaptureQueriesContext(connection) as queries:
            call()
        results[name] = {"seconds": statistics.median(times), "queries": len(queries)}
    print("RESULT " + json.dumps(results))


def main():
    keep = "--keep" in sys.argv
    measured = []
    try:
        for database, factor in SIZES:
            admin(f"DROP DATABASE IF EXISTS {database}")
            admin(f"CREATE DATABASE {database}")
            print(f"Seeding and measuring {database} (factor {factor}) ...", flush=True)
            output = subprocess.run(  # noqa: S603 (our own script)
                [sys.executable, __file__, "--child", database, str(factor)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            line = next(ln for ln in output.splitlines() if ln.startswith("RESULT "))
            measured.append(json.loads(line[len("RESULT ") :]))
            print("  " + line[len("RESULT ") :], flush=True)
    finally:
        if not keep:
            for database, _factor in SIZES:
                admin(f"DROP DATABASE IF EXISTS {database}")
    small, national = measured
    rows = []
    for name, label in (("page", "dashboard page"), ("figures", "dashboard figures()")):
        if national[name]["queries"] != small[name]["queries"]:
            raise SystemExit(f"FAIL: {label} makes more queries at national scale")
        rows.append(
            {
                "metric": f"{label}: {national['incidents']:,} vs {small['incidents']:,} incidents",
                "ours": round(national[name]["seconds"] * 1000, 1),
                "floor": round(small[name]["seconds"] * 1000, 1),
                "unit": "ms",
                "ratio": round(national[name]["seconds"] / small[name]["seconds"], 3),
                "goal": "<= 3",
                "notes": f"partnership holds {national['partnership_incidents']:,} of "
                f"{national['incidents']:,}; {national[name]['queries']} queries; seeding "
                f"{national['seed_seconds']:.0f} s",
            }
        )
    record_rows("dashboard", rows)
    for row in rows:
        print(f"{row['metric']}: {row['ours']} ms vs {row['floor']} ms, ratio {row['ratio']}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], float(sys.argv[3]))
    else:
        main()
