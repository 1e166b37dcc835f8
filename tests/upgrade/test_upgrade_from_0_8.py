"""An installation made by the previous release (0.8, commit edd8e8f) upgrades to this tree without
loss.

The test exports 0.8 with `git archive`, lets it migrate a new database and seed the demo (an
operator's installation with two years of data, private files and an audit log), takes a picture
of that database and of the private files, runs this tree's `manage.py migrate` on the same
database and files, and takes the picture again. Every row with every value, every file, audit
event, content type and permission must still be there. What this release moves or renames
(tables, columns, audit actions, content types) is listed at the top of this file, so a change that
is not written down there fails the test.

Both trees run as subprocesses with this virtualenv's python, the way an operator runs them, on
the engine the suite uses: with DATABASE_URL pointing at PostgreSQL, a throwaway database on that
server (dropped afterwards); otherwise a SQLite file under the test's tmp dir (KVO_VAR_DIR). The
pictures are read with plain SQL (sqlite3 / psycopg2), not through Django: this process's Django is
set up for the test database.

Takes one to two minutes (seed_demo of 0.8 is most of it); -s prints the figures:

    .venv/bin/pytest tests/upgrade -s
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kvo .venv/bin/pytest tests/upgrade -s
"""

import hashlib
import importlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import skip_or_fail

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
OLD_RELEASE = "edd8e8f"  # 0.8

# --- What this release moves, renames or adds (keep in step with the migrations) ----------------

# Tables that have a new name after the upgrade: {table in 0.8: table now}. Their rows must all
# be there under the new name. Each move out of an app adds its lines here and its migration to
# MOVE_MIGRATIONS below.
MOVED_TABLES = {
    # certification/migrations/0002_new_table_names.py
    "merchants_certificate": "certification_certificate",
    "merchants_dossieritem": "certification_dossieritem",
    "merchants_dossierreminder": "certification_dossierreminder",
    "merchants_matrixitem": "certification_safetymeasure",
    # claims/migrations/0002_new_table_names.py
    "bans_bankimport": "claims_bankimport",
    "bans_banktransaction": "claims_banktransaction",
    "bans_claim": "claims_claim",
    "bans_claimcounter": "claims_claimcounter",
    "bans_claimentry": "claims_claimentry",
    "bans_claimline": "claims_claimline",
    "bans_claimpayment": "claims_claimpayment",
    "bans_claimreminder": "claims_claimreminder",
    "bans_claimstatuschange": "claims_claimstatuschange",
    # bulletins/migrations/0002_new_table_names.py
    "bans_bulletin": "bulletins_bulletin",
    "bans_bulletindelivery": "bulletins_bulletindelivery",
    "bans_bulletinentry": "bulletins_bulletinentry",
    "bans_bulletinrequest": "bulletins_bulletinrequest",
}

# Tables that only exist after the upgrade: {table: its row count from the before picture}. A
# table that appears without a line here fails the test.
NEW_TABLES = {
    # claims 0003 and bulletins 0003: one row of settings per partnership
    "claims_claimsettings": lambda before: before.counts["merchants_partnership"],
    "bulletins_bulletinsettings": lambda before: before.counts["merchants_partnership"],
    # incidents 0003: an officer's morning email of new reports, one row per officer and day
    "incidents_reportdigest": lambda before: 0,
    # incidents 0004: photos of a report form that came back with an error
    "incidents_keptphoto": lambda before: 0,
    # incidents 0005: the steps of the report to the police
    "incidents_policestep": lambda before: 0,
    # bans 0013: name-and-address requests to the police
    "bans_identityrequest": lambda before: 0,
    # bans 0014 and bulletins 0004: objections, and corrections for the shops
    "bans_objection": lambda before: 0,
    "bulletins_bulletincorrection": lambda before: 0,
    # bans 0016: the weekly access review, its settings and what each week found
    "bans_accessreviewsettings": lambda before: 0,
    "bans_accessreview": lambda before: 0,
    # api 0001: API clients, their shops and their tokens
    "api_apiclient": lambda before: 0,
    "api_apiclient_shops": lambda before: 0,
    "api_apitoken": lambda before: 0,
    # api 0002: webhook deliveries
    "api_delivery": lambda before: 0,
    # merchants 0014 and allauth's socialaccount: single sign-on per partnership, linked accounts
    # (the apps come from merchants_singlesignon; allauth's own tables stay empty but for links)
    "merchants_singlesignon": lambda before: 0,
    "socialaccount_socialaccount": lambda before: 0,
    "socialaccount_socialapp": lambda before: 0,
    "socialaccount_socialtoken": lambda before: 0,
    # merchants 0012: the devices a user allowed to receive alerts
    "merchants_pushdevice": lambda before: 0,
    # bans 0017: the gallery's watermarked copies and the viewers they are made for
    "bans_galleryviewer": lambda before: 0,
    "bans_gallerycopy": lambda before: 0,
    # alerts 0001: alerts, their deliveries, and what a partnership's alerts reach
    "alerts_alert": lambda before: 0,
    "alerts_alertdelivery": lambda before: 0,
    "alerts_alertsettings": lambda before: 0,
}

# Columns whose values moved into a new table with one row per old row (keyed by the old row's
# id): {(table in 0.8, column): (new table, column)}. A column that disappears without a line here
# (or in RENAMED_COLUMNS) fails the test.
MOVED_COLUMNS = {
    # claims/migrations/0003_claim_settings.py, merchants 0009 drops them from the partnership
    **{
        ("merchants_partnership", f"claim_{name}"): ("claims_claimsettings", name)
        for name in (
            "fixed_amount",
            "due_days",
            "reminder_days",
            "beneficiary",
            "iban",
            "shop_percent",
            "admin_percent",
        )
    },
    # bulletins/migrations/0003_bulletin_settings.py
    ("merchants_partnership", "bulletin_mode"): ("bulletins_bulletinsettings", "mode"),
}

# Columns with a new name in the same table: {table now: {column in 0.8: column now}}.
RENAMED_COLUMNS = {"certification_safetymeasure": {"measure": "description"}}


class Matching:
    """A value the upgrade makes at random: equal to any text of the pattern."""

    def __init__(self, pattern):
        self.pattern = pattern

    def __eq__(self, other):
        return isinstance(other, str) and re.fullmatch(self.pattern, other) is not None

    def __repr__(self):
        return f"text matching {self.pattern}"


# Columns that only exist after the upgrade: {table now: {column: its value in every old row}}.
NEW_COLUMNS: dict[str, dict] = {
    # merchants 0010: how an officer hears of new reports (everyone starts with an email each);
    # merchants 0013: a mobile number for alerts by text message (nobody gave one yet)
    "merchants_user": {"report_alerts": "each", "mobile": ""},
    # incidents 0003: when the officers were told of a report (reports before 0.9: never);
    # incidents 0005: how the aangifte was filed (not asked before) and its stage (filed, when
    # the report said so)
    "incidents_incident": {
        "officers_alerted_at": None,
        "police_report_channel": "",
        "police_stage": lambda row: "filed" if row["police_report"] == "yes" else "",
    },
    # incidents 0005, bans 0013: a photo's hash on receipt (not recorded before 0.9)
    "incidents_incidentphoto": {"sha256": ""},
    # bans 0011: the gallery's large rendition of a photo (made by make_gallery_renditions)
    "bans_personphoto": {"display": "", "sha256": ""},
    # bans 0014: each notice letter gets its own code for the objection page (random)
    "bans_noticeletter": {"objection_code": lambda row: Matching(r"[2-9A-HJKMNP-Z]{10}")},
    # bans 0012: a proposal's reason as a code (older ones keep their sentence)
    "bans_measure": {"proposal_code": "", "proposal_params": {}},
    # merchants 0011: where a person objects to the letters (empty until the coordinator fills
    # it in; the letters then name the partnership), and the term of 6 weeks they always stated
    "merchants_partnership": {
        "objection_address": "",
        "objection_email": "",
        "objection_phone": "",
        "objection_term_weeks": 6,
    },
}

# Content types (app_label, model) that only exist after the upgrade: models new in this release,
# whose permissions appear with them. A moved model is not new: it keeps its content type.
NEW_CONTENT_TYPES = {
    ("claims", "claimsettings"),
    ("bulletins", "bulletinsettings"),
    ("incidents", "reportdigest"),
    ("incidents", "keptphoto"),
    ("incidents", "policestep"),
    ("bans", "identityrequest"),
    ("bans", "objection"),
    ("bulletins", "bulletincorrection"),
    ("bans", "accessreviewsettings"),
    ("bans", "accessreview"),
    ("api", "apiclient"),
    ("api", "apitoken"),
    ("api", "delivery"),
    ("merchants", "singlesignon"),
    ("socialaccount", "socialaccount"),
    ("socialaccount", "socialapp"),
    ("socialaccount", "socialtoken"),
    ("merchants", "pushdevice"),
    ("bans", "galleryviewer"),
    ("bans", "gallerycopy"),
    ("alerts", "alert"),
    ("alerts", "alertdelivery"),
    ("alerts", "alertsettings"),
}

# Compared otherwise (content types and permissions) or not at all.
NOT_COMPARED = {"django_migrations", "django_content_type", "auth_permission"}

# The migrations that move models out of an app: (new app, migration number, old app). Each has
# MODELS ({old model: new model}) and ACTIONS ({old audit action: new}); this test follows them.
MOVE_MIGRATIONS = [
    ("certification", "0002", "merchants"),
    ("claims", "0002", "bans"),
    ("bulletins", "0002", "bans"),
]


def _migration(app, number):
    [path] = (ROOT / app / "migrations").glob(f"{number}_*.py")
    return importlib.import_module(f"{app}.migrations.{path.stem}")


# Audit actions renamed by the upgrade: {action in 0.8: action now}.
RENAMED_ACTIONS = {
    old: new
    for app, number, _ in MOVE_MIGRATIONS
    for old, new in _migration(app, number).ACTIONS.items()
}


def _app_and_model(table):
    """Django's default table name is `<app_label>_<model>`; no app label here has an underscore."""
    app_label, model = table.split("_", 1)
    return app_label, model


# {(app_label, model) in 0.8: (app_label, model) now}: the content types follow the tables.
MOVED_MODELS = {_app_and_model(old): _app_and_model(new) for old, new in MOVED_TABLES.items()}

# Audit events and deletion-ledger rows name their object by the model's label
# ("merchants.matrixitem"); the move migrations give them the new label.
RENAMED_OBJECT_TYPES = {
    f"{old_app}.{old_model}": f"{new_app}.{new_model}"
    for (old_app, old_model), (new_app, new_model) in MOVED_MODELS.items()
}

# Values the upgrade rewrites: {table now: {column: {value in 0.8: value now}}}.
RENAMED_VALUES = {
    "merchants_auditevent": {"action": RENAMED_ACTIONS, "object_type": RENAMED_OBJECT_TYPES},
    "merchants_deletionrecord": {"object_type": RENAMED_OBJECT_TYPES},
}


def test_the_lists_above_match_the_move_migrations():
    moved = {}
    for app, number, old_app in MOVE_MIGRATIONS:
        migration = _migration(app, number)
        moved.update({(old_app, old): (app, new) for old, new in migration.MODELS.items()})
        assert migration.ACTIONS, f"{app} {number} renames no audit action"
    assert moved == MOVED_MODELS, "MOVED_TABLES and the move migrations' MODELS disagree"


# --- A database both trees and this test can reach ---------------------------------------------


@dataclass
class Database:
    url: str  # PostgreSQL: handed to the trees as DATABASE_URL; SQLite: ""
    path: Path | None = None  # SQLite: the file, $KVO_VAR_DIR/db.sqlite3

    @property
    def engine(self):
        return "postgresql" if self.url else "sqlite"

    def rows(self, sql):
        """Rows of one query, and the column names."""
        if self.path:
            with closing(sqlite3.connect(self.path)) as db:
                cursor = db.execute(sql)
                return cursor.fetchall(), [column[0] for column in cursor.description]
        import psycopg2

        with closing(psycopg2.connect(**_pg_params(self.url))) as db, db.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall(), [column[0] for column in cursor.description]

    def tables(self):
        if self.path:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        return sorted(name for (name,) in self.rows(sql)[0])

    def table(self, table):
        """Every row as {key: {column: value}}; the key is `id`, or the first column (the
        session key, a settings row's partnership)."""
        rows, columns = self.rows(f'SELECT * FROM "{table}"')  # noqa: S608 - a table name
        key = columns.index("id") if "id" in columns else 0
        return {row[key]: dict(zip(columns, row, strict=True)) for row in rows}


def _pg_params(url):
    parts = urlsplit(url)
    return {
        "dbname": unquote(parts.path.lstrip("/")),
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "") or None,
        "password": unquote(parts.password or "") or None,
    }


@pytest.fixture
def var_dir(tmp_path):
    """KVO_VAR_DIR of both trees: the SQLite database, the private files, mail."""
    path = tmp_path / "var"
    path.mkdir()
    return path


@pytest.fixture
def database(var_dir):
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        yield Database(url="", path=var_dir / "db.sqlite3")
        return
    import psycopg2

    name = f"kvo_upgrade_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(**{**_pg_params(server), "dbname": "postgres"})
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield Database(url=urlsplit(server)._replace(path=f"/{name}").geturl())
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


# --- The two trees ------------------------------------------------------------------------------

# Never handed to the trees: they would point them at other databases, files, Redis or mail.
NOT_PASSED = {
    "DATABASE_URL",
    "MEDIA_ROOT",
    "REDIS_URL",
    "REDIS_CACHE_URL",
    "EMAIL_URL",
    "EMAIL_URL_FILE",
    "KVO_DEMO",
    "PYTHONPATH",
}


def export_old_release(destination: Path) -> Path:
    """0.8's files, as `git archive edd8e8f | tar -x` gives them."""
    found = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{OLD_RELEASE}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if found.returncode != 0:
        skip_or_fail(f"commit {OLD_RELEASE} (release 0.8) is not in this clone (shallow?)")
    destination.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", OLD_RELEASE], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive.stdout, check=True)
    return destination


def manage(tree: Path, *args, database: Database, var_dir: Path, demo=False, timeout=600):
    env = {key: value for key, value in os.environ.items() if key not in NOT_PASSED}
    env.update(DEBUG="true", KVO_VAR_DIR=str(var_dir), CELERY_TASK_ALWAYS_EAGER="true")
    if database.url:
        env["DATABASE_URL"] = database.url
    if demo:
        env["KVO_DEMO"] = "true"
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(
        command, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, (
        f"`manage.py {' '.join(args)}` in {tree} exited with {result.returncode}\n"
        f"--- stdout (end) ---\n{result.stdout[-3000:]}\n"
        f"--- stderr (end) ---\n{result.stderr[-6000:]}"
    )
    return result


# --- Pictures -----------------------------------------------------------------------------------


@dataclass
class Picture:
    tables: dict[str, dict]  # table: {key: {column: value}}
    content_types: dict[int, tuple[str, str]]  # id: (app_label, model)
    permissions: dict[int, tuple[int, str]]  # id: (content type id, codename)
    files: dict[str, str]  # path under the private directory: sha256

    @property
    def counts(self):
        return {table: len(rows) for table, rows in self.tables.items()}


def picture(database: Database, private: Path) -> Picture:
    content_types, _ = database.rows("SELECT id, app_label, model FROM django_content_type")
    permissions, _ = database.rows("SELECT id, content_type_id, codename FROM auth_permission")
    return Picture(
        tables={
            table: database.table(table) for table in database.tables() if table not in NOT_COMPARED
        },
        content_types={id_: (app, model) for id_, app, model in content_types},
        permissions={id_: (ct, codename) for id_, ct, codename in permissions},
        files={
            path.relative_to(private).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(private.rglob("*"))
            if path.is_file()
        },
    )


def _lines(problems, limit=40):
    shown = "\n  ".join(problems[:limit])
    more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"\n  {shown}{more}"


def _ids(ids, limit=8):
    return ", ".join(map(str, ids[:limit])) + (", ..." if len(ids) > limit else "")


# --- Comparisons --------------------------------------------------------------------------------


def compare_row_counts(before: Picture, after: Picture):
    for old in MOVED_TABLES:
        assert old in before.counts, f"MOVED_TABLES names {old}, which 0.8 does not have"
    expected = {MOVED_TABLES.get(table, table): count for table, count in before.counts.items()}
    expected.update({table: rule(before) for table, rule in NEW_TABLES.items()})
    actual = after.counts
    problems = [
        f"{_named(table)}: {expected[table]} rows expected, {actual[table]} found"
        for table in sorted(expected.keys() & actual.keys())
        if expected[table] != actual[table]
    ]
    problems += [f"{_named(table)} is missing" for table in sorted(expected.keys() - actual.keys())]
    problems += [
        f"{table} appeared with {actual[table]} rows: list it in NEW_TABLES, or in MOVED_TABLES "
        "if it is an old table under a new name"
        for table in sorted(actual.keys() - expected.keys())
    ]
    assert not problems, "Rows were lost, moved or added by the upgrade:" + _lines(problems)
    return expected


def _named(table):
    """The table, and its name in 0.8 when it moved."""
    old = next((old for old, new in MOVED_TABLES.items() if new == table), None)
    return f"{table} (0.8's {old})" if old else table


def expected_cells(old_table, row):
    """Where each value of a 0.8 row belongs after the upgrade: {(table, column): value}."""
    table = MOVED_TABLES.get(old_table, old_table)
    cells = {
        (table, column): value(row) if callable(value) else value
        for column, value in NEW_COLUMNS.get(table, {}).items()
    }
    for column, value in row.items():
        if (old_table, column) in MOVED_COLUMNS:
            cells[MOVED_COLUMNS[old_table, column]] = value
            continue
        column = RENAMED_COLUMNS.get(table, {}).get(column, column)
        renames = RENAMED_VALUES.get(table, {}).get(column)
        cells[table, column] = renames.get(value, value) if renames else value
    return cells


def compare_values(before: Picture, after: Picture):
    """Every 0.8 row under its key, with every value where expected_cells says; and no column
    that nobody listed."""
    differences = defaultdict(list)  # (table, column): [(key, expected, found)]
    for old_table, rows in before.tables.items():
        table = MOVED_TABLES.get(old_table, old_table)
        for key, row in rows.items():
            cells = expected_cells(old_table, row)
            for column in after.tables[table].get(key, {}):
                cells.setdefault((table, column), "(no such column in 0.8)")
            for (where, column), value in cells.items():
                new = after.tables[where].get(key)
                found = "(no row)" if new is None else new.get(column, "(no such column)")
                if isinstance(value, dict | list) and isinstance(found, str):
                    found = json.loads(found)  # a JSON column: text on SQLite, parsed on PostgreSQL
                if found != value:
                    differences[where, column].append((key, value, found))
    problems = [
        f"{table}.{column}: {len(rows)} rows differ (keys {_ids([row[0] for row in rows])}); "
        f"key {rows[0][0]}: expected {rows[0][1]!r}, found {rows[0][2]!r}"
        for (table, column), rows in sorted(differences.items())
    ]
    assert not problems, "Values changed in the upgrade:" + _lines(problems)


def compare_files(before: Picture, after: Picture):
    problems = [f"{path} disappeared" for path in sorted(before.files.keys() - after.files.keys())]
    problems += [f"{path} appeared" for path in sorted(after.files.keys() - before.files.keys())]
    problems += [
        f"{path} changed (sha256 {before.files[path][:12]}... -> {after.files[path][:12]}...)"
        for path in sorted(before.files.keys() & after.files.keys())
        if before.files[path] != after.files[path]
    ]
    assert not problems, "Private files changed in the upgrade:" + _lines(problems)


def compare_audit_log(before: Picture, after: Picture):
    """Said apart from compare_values, which checks every column: same events, same ids."""
    old, new = before.tables["merchants_auditevent"], after.tables["merchants_auditevent"]
    assert new.keys() == old.keys(), (
        f"{len(old)} audit events before the upgrade, {len(new)} after; ids gone "
        f"{_ids(sorted(old.keys() - new.keys()))}, new {_ids(sorted(new.keys() - old.keys()))}"
    )
    left = sorted({event["action"] for event in new.values()} & RENAMED_ACTIONS.keys())
    assert not left, f"Audit events still carry actions the upgrade renames: {left}"


def compare_content_types(before: Picture, after: Picture):
    for model in MOVED_MODELS:
        assert model in before.content_types.values(), f"0.8 has no content type {model}"
    problems = [
        f"content type {id_} {old} is now {after.content_types.get(id_, 'gone')}, "
        f"expected {MOVED_MODELS.get(old, old)}"
        for id_, old in sorted(before.content_types.items())
        if after.content_types.get(id_) != MOVED_MODELS.get(old, old)
    ]
    problems += [
        f"content type {id_} {model} appeared: "
        + (
            "a moved model must keep its content type (and permissions), not get a new one"
            if model in MOVED_MODELS.values()
            else "list it in NEW_CONTENT_TYPES"
        )
        for id_, model in sorted(after.content_types.items())
        if id_ not in before.content_types and model not in NEW_CONTENT_TYPES
    ]
    problems += [
        f"a content type of the old app remains for {model} (id {id_})"
        for id_, model in sorted(after.content_types.items())
        if model in MOVED_MODELS
    ]
    problems += [
        f"NEW_CONTENT_TYPES lists {model}, which the upgrade did not make"
        for model in sorted(NEW_CONTENT_TYPES - set(after.content_types.values()))
    ]
    assert not problems, "Content types changed in the upgrade:" + _lines(problems)

    renamed_models = {old[1]: new[1] for old, new in MOVED_MODELS.items() if old[1] != new[1]}

    def expected_codename(content_type_id, codename):
        action, _, model = codename.partition("_")
        if before.content_types[content_type_id] in MOVED_MODELS and model in renamed_models:
            return f"{action}_{renamed_models[model]}"
        return codename

    problems = [
        f"permission {id_} ({content_type_id}, {codename}) is now "
        f"{after.permissions.get(id_, 'gone')}"
        for id_, (content_type_id, codename) in sorted(before.permissions.items())
        if after.permissions.get(id_)
        != (content_type_id, expected_codename(content_type_id, codename))
    ]
    problems += [
        f"permission {id_} {codename} appeared on {after.content_types.get(content_type_id)}"
        for id_, (content_type_id, codename) in sorted(after.permissions.items())
        if id_ not in before.permissions
        and after.content_types.get(content_type_id) not in NEW_CONTENT_TYPES
    ]
    assert not problems, "Permissions changed in the upgrade:" + _lines(problems)


# --- The upgrade --------------------------------------------------------------------------------


# Run by `manage.py shell -c` in this tree after the upgrade (the rolled-back row only proves that
# the renamed table still hands out ids after the old ones).
NEW_CODE_READS_AND_WRITES = """
from django.db import transaction
from django.db.models import Max

from certification.models import Certificate, SafetyMeasure

print("counts", Certificate.objects.count(), SafetyMeasure.objects.count())
with transaction.atomic():
    highest = SafetyMeasure.objects.aggregate(Max("pk"))["pk__max"]
    measure = SafetyMeasure.objects.get(pk=highest)
    measure.pk = None
    measure.save()
    print("ids", highest, measure.pk)
    transaction.set_rollback(True)
"""


def test_an_installation_of_0_8_upgrades_without_loss(tmp_path, var_dir, database):
    started = time.monotonic()
    old_tree = export_old_release(tmp_path / "old")
    run = {"database": database, "var_dir": var_dir}

    manage(old_tree, "migrate", "--noinput", **run)
    manage(old_tree, "seed_demo", timeout=900, **run)
    seeded = time.monotonic()
    before = picture(database, var_dir / "private")

    # The seed exercised what the upgrade moves; otherwise the comparisons prove little.
    assert before.files, "0.8's seed_demo wrote no private files"
    empty = [table for table in MOVED_TABLES if not before.counts.get(table)]
    audit = before.tables["merchants_auditevent"].values()
    renamed = sum(1 for event in audit if event["action"] in RENAMED_ACTIONS)
    assert renamed, "0.8's seed_demo wrote no audit event whose action the upgrade renames"

    manage(ROOT, "migrate", "--noinput", demo=True, **run)
    migrated = time.monotonic()
    after = picture(database, var_dir / "private")

    counts = compare_row_counts(before, after)
    compare_values(before, after)
    compare_files(before, after)
    compare_audit_log(before, after)
    compare_content_types(before, after)

    # Nothing is left to apply, and the models match the migrations.
    manage(ROOT, "migrate", "--check", demo=True, **run)
    manage(ROOT, "makemigrations", "--check", "--dry-run", demo=True, **run)

    # The new code reads the moved tables, and writes a row after 0.8's ids.
    shell = manage(ROOT, "shell", "-c", NEW_CODE_READS_AND_WRITES, demo=True, **run)
    said = dict(line.split(" ", 1) for line in shell.stdout.splitlines() if " " in line)
    certificates = before.counts["merchants_certificate"]
    measures = before.counts["merchants_matrixitem"]
    assert said.get("counts") == f"{certificates} {measures}", (
        f"The new code counts {said.get('counts')!r} (certificates, safety measures); 0.8 had "
        f"{certificates} certificates and {measures} matrix items"
    )
    highest, new_id = map(int, said["ids"].split())
    assert new_id > highest, f"A new safety measure got id {new_id}; 0.8's ids go up to {highest}"

    print(
        f"\nupgrade 0.8 -> this tree on {database.engine}: {len(counts)} tables compared, "
        f"{sum(counts.values()):,} rows, {len(before.files)} files, {len(audit):,} audit events "
        f"({renamed} renamed), {len(before.content_types)} content types, "
        f"{len(before.permissions)} permissions; moved tables left empty by the seed: "
        f"{', '.join(empty) or 'none'}; {time.monotonic() - started:.0f} s "
        f"(0.8 migrate + seed {seeded - started:.0f} s, upgrade migrate {migrated - seeded:.0f} s)"
    )
