"""The officer's dashboard at volume: its queries and its time with 1,000 to 1,000,000 incidents.

Run from the repository root: `python bench/dashboard.py` (or `make bench`); give sizes as
arguments to measure others (`python bench/dashboard.py 1000 100000`). It needs PostgreSQL on
127.0.0.1:5432 (user postgres, trust auth; `BENCH_POSTGRES_URL` points elsewhere): it creates a
throwaway database, `kvo_bench_dashboard`, and drops it afterwards (`--keep` keeps it to look
around). Without PostgreSQL it says why and exits with status 2.

It migrates the database, seeds the demo partnership (`demo.merchants`: 16 + 3 areas, 320 shops, an
officer with a TOTP device), then grows the incidents table to each size with one
`INSERT … SELECT … FROM generate_series(…)` per 100,000 rows that fills every column the way real
reports do (24 months and some older history, the mix of types, shops weighted towards the busy
ones, aangifte yes/no, first contact for most, older cases mostly closed), and VACUUM ANALYZEs it.

At each size it counts the queries of `kvo.dashboard.figures()` (all areas, and one area) and of the
dashboard page fetched through the test Client as the officer, and fails loudly unless each count
is the same at every size; it times each (median of 3 after a warm-up) and records the time of
each query. At the largest size the EXPLAIN (ANALYZE, BUFFERS) plan of every figure query goes to
`test-artifacts/bench/dashboard_plans.txt`, results to `test-artifacts/bench/dashboard.json`.
"""

import contextlib
import json
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _common import ROOT, postgres_admin, revision

RESULTS = ROOT / "test-artifacts" / "bench" / "dashboard.json"
PLANS = ROOT / "test-artifacts" / "bench" / "dashboard_plans.txt"
SIZES = (1_000, 100_000, 1_000_000)
RUNS = 3  # timed runs per measurement, after one warm-up
SLOW_QUERY = 0.25  # seconds: a query at least this slow at the largest size gets its plan printed
SLOW_FIGURES = 2.0  # seconds: figures() slower than this at the largest size is reported as slow
DATABASE = "kvo_bench_dashboard"
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
OFFICER = "wijkagent@demo.kvo.nl"
REPORTER = "medewerker@demo.kvo.nl"
SEED = 0.2003  # setseed(): the same incidents on every run


class BenchFailure(SystemExit):
    def __init__(self, message):
        super().__init__(f"FAIL: {message}")


# --- The throwaway database ----------------------------------------------------------------------


START_POSTGRES = (
    "The dashboard bench needs it: start it with "
    "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, "
    "or point BENCH_POSTGRES_URL at a server where the user may create databases."
)


def create_database():
    """The throwaway database (left over from an interrupted run at most, dropped first); the
    server's version."""
    (version,) = postgres_admin(
        [
            "SELECT version()",
            f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)',
            f'CREATE DATABASE "{DATABASE}"',
        ],
        SERVER,
        advice=START_POSTGRES,
    )
    return version


def drop_database():
    from django.db import connections

    connections.close_all()
    postgres_admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', SERVER)


def setup_django(var_dir):
    os.environ["DJANGO_SETTINGS_MODULE"] = "kvo.settings"
    os.environ["KVO_VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "true"  # settings load without a SECRET_KEY
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"
    # Never touch a developer's or CI's real database, broker, mail server or media directory.
    for name in ("REDIS_URL", "EMAIL_URL", "EMAIL_URL_FILE", "MEDIA_ROOT", "DATABASE_CONN_MAX_AGE"):
        os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    sys.path.insert(0, str(ROOT))

    import django
    from django.conf import settings

    django.setup()
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    # As in production: no debug cursor recording every query, no template debug (the template
    # engine is made on first render, after this line).
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- Data ----------------------------------------------------------------------------------------


def seed():
    """The demo partnership: 16 + 3 areas, 320 shops, the demo users (the officer with TOTP)."""
    from demo.merchants import seed_merchants
    from merchants.models import Shop

    seeded = seed_merchants(debug=True)
    partnership = seeded["partnership"]
    shops = list(
        Shop.objects.in_partnership(partnership).order_by("pk").values_list("pk", "area_id")
    )
    return seeded, partnership, shops


def load(partnership, shops, users, first, last, now):
    """Incidents first..last (1-based), generated in SQL by demo.scale (CHUNK rows per statement);
    then VACUUM ANALYZE, as autovacuum would in time (and the visibility map lets index-only scans
    skip the heap)."""
    from django.db import DatabaseError, connection

    from demo.scale import ScaleError, check_incident_columns, insert_incidents

    started = time.perf_counter()
    with connection.cursor() as cursor:
        try:
            check_incident_columns(cursor)
        except ScaleError as error:
            raise BenchFailure(str(error)) from None
        cursor.execute("SELECT setseed(%s)", [SEED])
        insert_incidents(
            cursor,
            partnership_id=partnership.pk,
            reporter_id=users[REPORTER].pk,
            officer_id=users[OFFICER].pk,
            shops=shops,
            first=first,
            last=last,
            now=now,
        )
        inserted = time.perf_counter() - started
        cursor.execute("VACUUM ANALYZE incidents_incident")
        # Write the loaded pages out now, not in a checkpoint during the timed runs.
        # Not a superuser (nor pg_checkpoint)? Then the timings share the disk with a checkpoint.
        with contextlib.suppress(DatabaseError):
            cursor.execute("CHECKPOINT")
        cursor.execute("SELECT count(*) FROM incidents_incident")
        count = cursor.fetchone()[0]
    if count != last:
        raise BenchFailure(f"{count} incidents in the table, expected {last}")
    return inserted, time.perf_counter() - started - inserted


def describe(partnership, period, now):
    """What the loaded data looks like, to check it is realistic (one query, not timed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*),
                count(*) FILTER (WHERE occurred_at >= %(since)s AND occurred_at < %(until)s),
                count(*) FILTER (WHERE status <> 'closed'),
                count(*) FILTER (WHERE first_contact_at IS NOT NULL),
                count(*) FILTER (WHERE police_report = 'yes'),
                count(*) FILTER (WHERE kind IN ('shoplifting', 'attempted_shoplifting')),
                pg_total_relation_size('incidents_incident')
            FROM incidents_incident WHERE partnership_id = %(partnership)s
            """,
            {"since": period.since, "until": period.until, "partnership": partnership.pk},
        )
        total, in_period, open_, contacted, filed, thefts, size = cursor.fetchone()
    return {
        "incidents": total,
        "in_period": in_period,
        "open": open_,
        "contacted": contacted,
        "police_report_yes": filed,
        "thefts": thefts,
        "table_mb": round(size / 2**20, 1),
    }


# --- Measuring -----------------------------------------------------------------------------------


class QueryLog:
    """execute_wrapper: every query's SQL, parameters and time."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - start))


def measure(label, call):
    """Queries (CaptureQueriesContext), per-query times (one logged run), then the median wall
    time of RUNS runs after a warm-up, with no recording at all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up: imports, templates, plans, caches
    with CaptureQueriesContext(connection) as captured:
        call()
    log = QueryLog()
    with connection.execute_wrapper(log):
        call()
    # A request through the test Client empties the capture (request_started resets the query
    # log): count the page's queries with the wrapper; elsewhere both counts must agree.
    queries = len(log.queries)
    if not label.startswith("page") and len(captured.captured_queries) != queries:
        raise BenchFailure(
            f"{label}: {len(captured.captured_queries)} queries captured, {queries} executed"
        )
    times = []
    for _run in range(RUNS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return {
        "what": label,
        "queries": queries,
        "seconds": statistics.median(times),
        "min_seconds": min(times),
        "max_seconds": max(times),
        "query_seconds": [round(seconds, 4) for _sql, _params, seconds in log.queries],
        "_log": log.queries,
    }


def dashboard_calls(partnership, officer, now):
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from kvo.dashboard import Period, charts_for, default_period, figures

    period = default_period(timezone.localdate(now))
    area = partnership.areas.get(name="Binnenstad")
    one_area = Period(period.start, period.end, area)
    client = Client()
    client.force_login(officer)
    url = reverse("dashboard")

    def page():
        response = client.get(url)
        if response.status_code != 200:
            raise BenchFailure(
                f"the dashboard answered {response.status_code} "
                f"{response.get('Location', '')}, not 200"
            )
        return response

    return period, {
        "figures()": lambda: figures(partnership, period, now=now),
        "figures(), one area": lambda: figures(partnership, one_area, now=now),
        "figures() + charts_for()": lambda: charts_for(
            figures(partnership, period, now=now), period
        ),
        "page /dashboard/": page,
    }


def explain(entries):
    """EXPLAIN (ANALYZE, BUFFERS) of each logged query: [(seconds, sql, plan)]."""
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for sql, params, seconds in entries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append((seconds, cursor.mogrify(sql, params).decode(), plan))
    return plans


# --- Report --------------------------------------------------------------------------------------


def print_table(rows, whats):
    sizes = sorted({r["incidents"] for r in rows})
    header = f"{'':<26}" + "".join(f"{f'{n:,} incidents':>26}" for n in sizes)
    print(header)
    print(f"{'':<26}" + "".join(f"{'queries':>12}{'seconds':>14}" for _n in sizes))
    print("-" * len(header))
    for what in whats:
        line = f"{what:<26}"
        for n in sizes:
            r = next(r for r in rows if r["incidents"] == n and r["what"] == what)
            line += f"{r['queries']:>12}{r['seconds']:>14.3f}"
        print(line)


def main():
    args = sys.argv[1:]
    keep = "--keep" in args
    sizes = sorted(int(a.replace("_", "")) for a in args if a != "--keep") or list(SIZES)
    server_version = create_database()
    work = Path(tempfile.mkdtemp(prefix="kvo-bench-"))
    rows, loads, shapes = [], [], {}
    try:
        started = time.perf_counter()
        setup_django(work / "var")
        from django.utils import timezone

        migrated = time.perf_counter() - started
        seeded, partnership, shops = seed()
        users = seeded["users"]
        print(
            f"Database {DATABASE} on {server_version.split(',')[0]}: migrated in {migrated:.1f} s; "
            f"{partnership.areas.count()} areas, {len(shops)} shops",
            flush=True,
        )
        now = timezone.now()
        period, calls = dashboard_calls(partnership, users[OFFICER], now)
        loaded = 0
        for n in sizes:
            inserted, vacuumed = load(partnership, shops, users, loaded + 1, n, now)
            loads.append(
                {
                    "incidents": n,
                    "rows_added": n - loaded,
                    "insert_seconds": round(inserted, 2),
                    "vacuum_analyze_seconds": round(vacuumed, 2),
                }
            )
            loaded = n
            shapes[n] = describe(partnership, period, now)
            print(
                f"{n:>9,} incidents: {loads[-1]['rows_added']:,} inserted in "
                f"{inserted:.1f} s, VACUUM ANALYZE {vacuumed:.1f} s; {shapes[n]}",
                flush=True,
            )
            for what, call in calls.items():
                row = {"incidents": n, **measure(what, call)}
                rows.append(row)
                print(
                    f"  {what:<26} {row['queries']:>3} queries  {row['seconds']:7.3f} s  "
                    f"(per query: {', '.join(f'{s:.3f}' for s in row['query_seconds'])})",
                    flush=True,
                )
        # The figure queries' plans at the largest size.
        largest = [r for r in rows if r["incidents"] == sizes[-1]]
        figure_log = next(r for r in largest if r["what"] == "figures()")["_log"]
        plans = explain(figure_log)
    finally:
        if keep:
            print(f"Kept database {DATABASE} (--keep): drop it with `dropdb {DATABASE}`.")
        else:
            drop_database()
        shutil.rmtree(work, ignore_errors=True)

    for row in rows:
        row.pop("_log")
    whats = list(calls)
    print()
    print_table(rows, whats)

    # Same number of queries at every size, or the figures are not computed in SQL.
    failures = []
    for what in whats:
        counts = {r["incidents"]: r["queries"] for r in rows if r["what"] == what}
        if len(set(counts.values())) != 1:
            failures.append(f"{what}: {counts}")

    PLANS.parent.mkdir(parents=True, exist_ok=True)
    with PLANS.open("w") as out:
        out.write(f"figures() at {sizes[-1]:,} incidents, {date.today().isoformat()}\n")
        for seconds, sql, plan in plans:
            out.write(f"\n-- {seconds:.3f} s\n{sql}\n{plan}\n")
    slow = [(seconds, sql, plan) for seconds, sql, plan in plans if seconds >= SLOW_QUERY]
    figures_seconds = next(r for r in largest if r["what"] == "figures()")["seconds"]
    print(
        f"\nfigures() at {sizes[-1]:,} incidents: {figures_seconds:.2f} s "
        f"({'over' if figures_seconds > SLOW_FIGURES else 'within'} {SLOW_FIGURES:.0f} s)."
    )
    for seconds, sql, plan in slow:
        print(f"\nQuery of {seconds:.2f} s at {sizes[-1]:,} incidents:\n{sql}\n{plan}")
    print(f"\nPlans of every figure query: {PLANS.relative_to(ROOT)}")

    RESULTS.write_text(
        json.dumps(
            {
                "date": date.today().isoformat(),
                "revision": revision("incidents", "bans", "kvo", "templates"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "postgresql": server_version,
                },
                "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
                "runs": RUNS,
                "loads": loads,
                "data": shapes,
                "results": rows,
                "slow_queries": [
                    {"seconds": round(seconds, 3), "sql": sql} for seconds, sql, _plan in slow
                ],
                "query_counts_equal": not failures,
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    print(f"Results written to {RESULTS.relative_to(ROOT)}")
    if failures:
        raise BenchFailure("the number of queries grows with the incidents: " + "; ".join(failures))


if __name__ == "__main__":
    main()
