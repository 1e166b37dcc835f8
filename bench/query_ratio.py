"""Queries per page at 10x the data divided by queries at 1x, for every list, gallery and dashboard
page: a page whose count grows with the rows it shows has an N+1.

Run from the repository root: `python bench/query_ratio.py` (or `make bench`). It uses PostgreSQL
when it can (production's database): a throwaway database `kvo_bench_queries` on 127.0.0.1:5432,
or on the server `BENCH_POSTGRES_URL` names, dropped afterwards. Without a reachable server it
falls back to SQLite in a temporary directory and says so (`--sqlite` asks for SQLite outright).

It builds the test suite's world (tests/conftest.py: Deventer with a user per role, and Zwolle),
adds one unit of everything through the apps' services and factories (1x), fetches every page
below through the test Client as the role that uses it and counts its queries; then adds nine more
units (10x) and counts again. Each page is one row: ours = queries at 10x, floor = queries at 1x,
ratio = 10x / 1x, goal <= 1.0. Pages: every GET row of the permission matrix without an object in
its URL (lists, dashboards, exports, forms with choice lists), plus the object pages that list the
object's children; `LEFT_OUT` names the rest and why. See bench/README.md.
"""

import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, postgres_admin, record_rows
from _query_ratio_world import UNIT, Growth

DATABASE = "kvo_bench_queries"
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
SCALE = 10
GOAL = "<= 1.0"


class BenchFailure(SystemExit):
    def __init__(self, message):
        super().__init__(f"FAIL: {message}")


# --- Database and Django (gallery.py uses these too) --------------------------------------------


def postgres_reachable(server=SERVER):
    """(True, version) when we may create databases on the server, else (False, why)."""
    try:
        import psycopg2
    except ImportError as error:
        return False, str(error)
    try:
        conn = psycopg2.connect(f"{server}/postgres", connect_timeout=5)
    except psycopg2.OperationalError as error:
        return False, str(error).strip()
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT version()")
            return True, cursor.fetchone()[0].split(",")[0]
    finally:
        conn.close()


def _admin(statement):
    postgres_admin(statement, SERVER)


class BenchDatabase:
    """A throwaway database: PostgreSQL `name` when reachable (dropped on exit), else SQLite in
    the temporary directory. `engine` and `note` say which and why."""

    def __init__(self, name, work, force_sqlite=False):
        self.name, self.work = name, work
        reachable, detail = (False, "--sqlite given") if force_sqlite else postgres_reachable()
        if reachable:
            self.engine, self.note = "postgresql", detail
            # Our own throwaway database, left over from an interrupted run at most.
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _admin(f'CREATE DATABASE "{name}"')
            self.url = f"{SERVER}/{name}"
        else:
            self.engine, self.url = "sqlite", None
            self.note = (
                "SQLite, as asked (--sqlite)"
                if force_sqlite
                else f"SQLite fallback: PostgreSQL not reachable at {SERVER} ({detail})"
            )
            print(f"NOTE: {self.note}", file=sys.stderr, flush=True)

    def drop(self):
        if self.engine != "postgresql":
            return
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def setup_django(var_dir, database_url=None):
    """Settings as the benches load them (DEBUG on only to load without a secret key, then off as
    in production), a throwaway media directory and mail in memory; migrate."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "kvo.settings"
    os.environ["KVO_VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "true"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"
    # Never touch a developer's or CI's real database, broker, mail server or media directory.
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "REDIS_CACHE_URL",
        "EMAIL_URL",
        "EMAIL_URL_FILE",
        "MEDIA_ROOT",
        "DATABASE_CONN_MAX_AGE",
        "STATIC_MANIFEST",
    ):
        os.environ.pop(name, None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))

    import logging

    import django
    from django.conf import settings

    django.setup()
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Users are made by the hundred; PBKDF2's real cost is for logins, which the bench skips.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_world():
    """The test suite's world (tests/conftest.py), without pytest running it."""
    # tests/conftest.py compiles the message catalogue on import, as the test suite does.
    from tests.conftest import World

    return World()


# --- The pages -----------------------------------------------------------------------------------


def _latest_bulletin(growth):
    return {"pk": growth.latest_bulletin.pk}


def _case(growth):
    return {"pk": growth.case.pk}


# (url name, role, url kwargs from the growth or None, query string). Every GET row of
# tests/test_permission_matrix.py MATRIX without an object in its URL, with the role(s) whose
# page it is, then the object pages that list the object's children (their objects gain children
# with every unit; the bulletin pages take the latest edition, which goes to every shop and shows
# everyone in force at that size).
PAGES = [
    ("home", "owner", None, ""),
    ("home", "coordinator", None, ""),
    ("home", "officer", None, ""),
    ("healthz", "anonymous", None, ""),
    ("dashboard", "officer", None, ""),
    ("merchants:profile", "coordinator", None, ""),
    ("merchants:area_list", "coordinator", None, ""),
    ("merchants:area_create", "coordinator", None, ""),
    ("merchants:shop_list", "coordinator", None, ""),
    ("merchants:shop_create", "coordinator", None, ""),
    ("merchants:member_list", "coordinator", None, ""),
    ("merchants:invitation_create", "coordinator", None, ""),
    ("merchants:my_shops", "owner", None, ""),
    ("merchants:protocol", "owner", None, ""),
    ("certification:overview", "coordinator", None, ""),
    ("certification:overview", "auditor", None, ""),
    ("incidents:report", "participant", None, ""),
    ("incidents:mine", "participant", None, ""),
    ("incidents:queue", "officer", None, ""),
    ("incidents:queue", "officer", None, "status=all"),
    ("incidents:export", "officer", None, ""),
    ("incidents:export_figures", "coordinator", None, ""),
    ("bans:gallery", "participant", None, ""),
    ("bans:gallery_print", "participant", None, ""),
    ("bans:access_log", "administrator", None, ""),
    ("bans:subject_requests", "administrator", None, ""),
    ("bulletins:overview", "officer", None, ""),
    ("bulletins:archive", "participant", None, ""),
    ("claims:list", "coordinator", None, ""),
    ("claims:list", "officer", None, ""),
    ("claims:list", "administrator", None, ""),
    ("claims:bank", "coordinator", None, ""),
    ("claims:distribution", "coordinator", None, ""),
    ("claims:distribution_csv", "coordinator", None, ""),
    ("claims:csv", "coordinator", None, ""),
    ("claims:settings", "coordinator", None, ""),
    # Object pages that list children.
    ("incidents:detail", "officer", _case, ""),
    ("incidents:detail", "participant", _case, ""),
    ("incidents:case_pdf", "officer", _case, ""),
    ("bans:link_person", "officer", lambda g: {"incident_pk": g.case.pk}, "q=persoon"),
    ("bans:person", "officer", lambda g: {"pk": g.world.person.pk}, ""),
    ("bans:person", "administrator", lambda g: {"pk": g.world.person.pk}, ""),
    ("bans:access_report", "administrator", lambda g: {"pk": g.world.person.pk}, ""),
    ("claims:detail", "coordinator", lambda g: {"pk": g.world.claim.pk}, ""),
    ("claims:detail", "officer", lambda g: {"pk": g.world.claim.pk}, ""),
    ("claims:new", "officer", lambda g: {"incident_pk": g.case.pk}, ""),
    ("merchants:shop_detail", "coordinator", lambda g: {"pk": g.world.shop.pk}, ""),
    ("merchants:shop_edit", "coordinator", lambda g: {"pk": g.world.shop.pk}, ""),
    ("merchants:my_shop_staff", "owner", lambda g: {"pk": g.world.shop.pk}, ""),
    ("certification:area_dossier", "coordinator", lambda g: {"pk": g.world.binnenstad.pk}, ""),
    ("certification:area_dossier", "auditor", lambda g: {"pk": g.world.binnenstad.pk}, ""),
    ("reports:area", "coordinator", lambda g: {"pk": g.world.binnenstad.pk}, ""),
    ("bulletins:delivery_report", "officer", _latest_bulletin, ""),
    ("bulletins:bulletin", "participant", _latest_bulletin, ""),
    ("bulletins:pdf", "participant", _latest_bulletin, ""),
]

# Pages of the matrix not measured, and why.
LEFT_OUT = [
    (
        "allauth's pages (account_*, mfa_*)",
        "the user's own login, addresses and second factor: nothing on them grows with the "
        "partnership's data, and the code is allauth's",
    ),
    ("the Django admin", "superusers only; every role is refused (the permission matrix)"),
    (
        "POST rows (switch_language, the create/decide/send actions, claims:collection_csv, "
        "reports:area_pdf, …)",
        "actions that redirect, not pages; claims:collection_csv also writes one access-log row "
        "per claim it hands over, by design",
    ),
    (
        "single files (incidents:photo, incidents:photo_thumb, bans:photo, bans:gallery_image, "
        "bulletins:photo, bans:notice, claims:letter, claims:reminder, reports:job_pdf, "
        "certification:document)",
        "one stored file or image each, no list",
    ),
    (
        "one object without a list (merchants:area_edit, merchants:my_shop_bulletin, "
        "incidents:aangifte_pdf, reports:job, merchants:invitation_accept)",
        "a form or document about one object: nothing on it grows with the data",
    ),
]


def _fetch(client, url):
    """GET the page and read it to the end (streamed CSV exports run their queries while read)."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


class Pages:
    def __init__(self, growth):
        from django.test import Client

        self.growth = growth
        self.clients = {}
        for role in {role for _name, role, _kwargs, _query in PAGES}:
            client = Client()
            user = growth.world.users[role]
            if user is not None:
                client.force_login(user)
            self.clients[role] = client

    def url(self, name, kwargs, query):
        from django.urls import reverse

        url = reverse(name, kwargs=kwargs(self.growth) if kwargs else None)
        return f"{url}?{query}" if query else url

    def count(self, name, role, kwargs, query):
        """Queries of one GET after a warm-up GET (caches of the process and the session)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client, url = self.clients[role], self.url(name, kwargs, query)
        warm = _fetch(client, url)
        if warm.status_code != 200:
            raise BenchFailure(f"GET {url} as {role}: {warm.status_code}, expected 200")
        with CaptureQueriesContext(connection) as captured:
            response = _fetch(client, url)
        if response.status_code != 200:
            raise BenchFailure(f"GET {url} as {role}: {response.status_code}, expected 200")
        return len(captured), [q["sql"] for q in captured.captured_queries]


def label(name, role, query):
    return f"queries {name}{'?' + query if query else ''} ({role})"


def main():
    args = sys.argv[1:]
    only = next((a.split("=", 1)[1] for a in args if a.startswith("--only=")), "")
    work = Path(tempfile.mkdtemp(prefix="kvo-bench-queries-"))
    database = BenchDatabase(DATABASE, work, force_sqlite="--sqlite" in args)
    started = time.perf_counter()
    try:
        setup_django(work / "var", database.url)
        world = make_world()
        growth = Growth(world)
        growth.grow(1)
        print(
            f"{database.engine}: 1x made in {time.perf_counter() - started:.0f} s: "
            f"{growth.counts()}",
            flush=True,
        )
        # `--only=claims:` measures the pages whose name contains it (while mending one).
        measured = [page for page in PAGES if only in page[0]]
        pages = Pages(growth)
        small = {page: pages.count(*page) for page in measured}
        grown = time.perf_counter()
        growth.grow(SCALE - 1)
        print(
            f"{SCALE}x made in {time.perf_counter() - grown:.0f} s: {growth.counts()}", flush=True
        )
        large = {page: pages.count(*page) for page in measured}
    finally:
        database.drop()
        shutil.rmtree(work, ignore_errors=True)

    rows = []
    for page in measured:
        name, role, _kwargs, query = page
        (floor, _), (ours, sql) = small[page], large[page]
        row = {
            "metric": label(name, role, query),
            "ours": ours,
            "floor": floor,
            "unit": "queries",
            "ratio": round(ours / floor, 3),
            "goal": GOAL,
            "notes": f"{database.engine}; 1x = {UNIT['incidents']} incidents, "
            f"{UNIT['people']} people, {UNIT['claims']} claims, {UNIT['bulletins']} bulletins…",
        }
        rows.append(row)
        if ours > floor and "--sql" in args:
            print(f"\n{row['metric']}: {floor} -> {ours}")
            for statement in sql:
                print("   ", statement[:600])
    # A partial run (--only) prints its rows but keeps the last full run's file.
    path = None if only else record_rows("query_ratio", rows)
    width = max(len(r["metric"]) for r in rows)
    print(f"\n{'metric':<{width}}  {'10x':>4}  {'1x':>4}  ratio  goal")
    for r in rows:
        print(
            f"{r['metric']:<{width}}  {r['ours']:>4}  {r['floor']:>4}  {r['ratio']:5.2f}  "
            f"{r['goal']}{'' if r['ratio'] <= 1.0 else '  <-- grows'}"
        )
    print("\nLeft out:")
    for what, why in LEFT_OUT:
        print(f"  {what}: {why}")
    print(f"{database.note}; rows in {path.relative_to(ROOT) if path else '(not written)'}")
    if any(r["ratio"] > 1.0 for r in rows):
        print("Some pages' queries grow with the data (ratio above 1.0).")


if __name__ == "__main__":
    main()
