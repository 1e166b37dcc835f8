"""Backups (docs/backups.md): `manage.py backup`, then `manage.py restore` into a new database and
an empty private directory, give back every row and every file; a damaged backup, an archive
member that points outside the private directory, and a database that already has tables are
refused, and nothing is changed.

The commands run as subprocesses, the way an operator runs them, on whatever database the suite
uses. PostgreSQL: they read the test database itself and restore into a new database. SQLite: the
test database lives in this process's memory where no other process can open it, so its committed
contents are first copied to a file, which the commands then read like var/db.sqlite3.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from claims.models import Claim
from incidents.models import Incident

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Database:
    """A database the commands can be pointed at, and that the test can read by itself."""

    url: str
    name: str  # PostgreSQL: the database name; SQLite: the file

    @property
    def postgresql(self):
        return self.url.startswith("postgres")

    def rows(self, sql, *params):
        if not self.postgresql:
            with closing(sqlite3.connect(self.name)) as db, db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg2

        db = psycopg2.connect(**_pg_params(self.name))
        try:
            with db.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            db.commit()
            db.close()

    def tables(self):
        if self.postgresql:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        elif not Path(self.name).exists():
            return []
        else:
            sql = (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence'"
            )
        return sorted(row[0] for row in self.rows(sql))

    def row_counts(self):
        count = 'SELECT COUNT(*) FROM "{}"'
        return {table: self.rows(count.format(table))[0][0] for table in self.tables()}


def _pg_params(name):
    db = connection.settings_dict
    params = {"dbname": name, "host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432}
    return {**params, "user": db["USER"], "password": db["PASSWORD"] or None}


def _pg_url(name):
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{name}"


def source_database(tmp_path) -> Database:
    """The test's data, as a database another process can read (see the module docstring)."""
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        return Database(_pg_url(name), name)
    path = tmp_path / "source.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return Database(f"sqlite:///{path}", str(path))


@pytest.fixture
def scratch_database(tmp_path):
    """A database that does not exist yet (SQLite) or is new and empty (PostgreSQL)."""
    if connection.vendor != "postgresql":
        path = tmp_path / "restored.sqlite3"
        yield Database(f"sqlite:///{path}", str(path))
        return
    import psycopg2

    name = f"kvo_restore_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(**_pg_params("postgres"))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield Database(_pg_url(name), name)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def manage(*args, database: Database, media: Path):
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "MEDIA_ROOT": str(media),
        "DEBUG": "true",
    }
    command = [sys.executable, "manage.py", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def make_backup(database: Database, media: Path, tmp_path) -> Path:
    output = tmp_path / "backups"
    result = manage("backup", "--output-dir", output, database=database, media=media)
    assert result.returncode == 0, result.stderr
    # One complete directory and no leftover temporary one.
    [backup] = output.iterdir()
    assert backup.name.startswith("kvo-") and backup.name.endswith("Z")
    assert str(backup) in result.stdout
    return backup


def checksums(directory: Path) -> dict[str, str]:
    return {
        path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def database_file(backup: Path) -> Path:
    return backup / ("database.dump" if connection.vendor == "postgresql" else "database.sqlite3")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.django_db(transaction=True)
def test_a_restore_gives_back_every_row_and_every_file(world, tmp_path, scratch_database):
    claim = world.claim  # on world.incident, which has a photo; the claim has its PDF letter
    assert claim.letter and world.incident.photos.exists()
    assert world.banned.photos.exists()
    assert world.dossier_item.document  # the schouw report (PDF)
    media = Path(default_storage.location)
    source = source_database(tmp_path)
    counts = source.row_counts()
    files = checksums(media)
    assert len(files) >= 6  # two photos with their thumbnails, two PDFs

    backup = make_backup(source, media, tmp_path)

    assert mode(backup) == 0o700
    assert {p.name: mode(p) for p in backup.iterdir()} == {
        database_file(backup).name: 0o600,
        "private.tar": 0o600,
        "manifest.json": 0o600,
    }
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"] == counts
    assert {entry["path"]: entry["sha256"] for entry in manifest["private"]["files"]} == files
    assert (
        manifest["private"]["sha256"]
        == hashlib.sha256((backup / "private.tar").read_bytes()).hexdigest()
    )

    restored = tmp_path / "restored-private"
    result = manage("restore", backup, database=scratch_database, media=restored)

    assert result.returncode == 0, result.stderr
    assert "as in the backup" in result.stdout
    assert "Retention run: 0 measures expired" in result.stdout
    assert "REMINDER" in result.stdout
    assert scratch_database.row_counts() == counts
    assert checksums(restored) == files
    claims, incidents = Claim._meta.db_table, Incident._meta.db_table
    number_sql = f"SELECT number FROM {claims} WHERE id = %s"  # noqa: S608 - a model's table
    assert scratch_database.rows(number_sql, claim.pk) == [(claim.number,)]
    description_sql = f"SELECT description FROM {incidents} WHERE id = %s"  # noqa: S608
    assert scratch_database.rows(description_sql, world.incident.pk) == [
        (world.incident.description,)
    ]

    # --force replaces what is there: a changed row comes back, a file the backup lacks goes.
    change_sql = f"UPDATE {claims} SET number = 'CHANGED' WHERE id = %s"  # noqa: S608
    scratch_database.rows(change_sql, claim.pk)
    (restored / "stray.jpg").write_bytes(b"not in the backup")
    result = manage("restore", "--force", backup, database=scratch_database, media=restored)

    assert result.returncode == 0, result.stderr
    assert "removed 1 private files that the backup does not have" in result.stdout
    assert scratch_database.rows(number_sql, claim.pk) == [(claim.number,)]
    assert scratch_database.row_counts() == counts
    assert checksums(restored) == files


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_and_nothing_changes(world, tmp_path, scratch_database):
    assert world.incident.photos.exists() and world.banned.photos.exists()
    backup = make_backup(source_database(tmp_path), Path(default_storage.location), tmp_path)

    flipped = shutil.copytree(backup, tmp_path / "flipped")
    tar = bytearray((flipped / "private.tar").read_bytes())
    tar[len(tar) // 2] ^= 0x01
    (flipped / "private.tar").write_bytes(bytes(tar))
    truncated = shutil.copytree(backup, tmp_path / "truncated")
    dump = database_file(truncated)
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])

    for damaged, says in [
        (flipped, "private.tar does not match its sha256 in manifest.json"),
        (truncated, f"{dump.name} is {dump.stat().st_size} bytes but manifest.json says"),
    ]:
        media = tmp_path / f"media-{damaged.name}"
        result = manage("restore", damaged, database=scratch_database, media=media)

        assert result.returncode != 0
        assert says in result.stderr
        assert "Nothing was changed." in result.stderr
        assert "Traceback" not in result.stderr
        assert not media.exists()
        assert scratch_database.tables() == []


@pytest.mark.django_db(transaction=True)
def test_restoring_into_a_database_with_tables_needs_force(world, tmp_path):
    assert world.incident.photos.exists()
    source = source_database(tmp_path)
    backup = make_backup(source, Path(default_storage.location), tmp_path)
    counts = source.row_counts()
    media = tmp_path / "untouched"

    result = manage("restore", backup, database=source, media=media)

    assert result.returncode != 0
    assert "tables. Restore into an empty database, or pass --force" in result.stderr
    assert "Nothing was changed." in result.stderr
    assert source.row_counts() == counts
    assert not media.exists()


# --- archive members that must never be extracted (checked before anything else) ------------------


def _member(name, kind=tarfile.REGTYPE, data=b"", link=""):
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname = kind, len(data), link
    return info, io.BytesIO(data)


@pytest.mark.parametrize(
    "member, problem",
    [
        (_member("/etc/cron.d/evil", data=b"x"), "has an absolute path or leads out"),
        (_member("incidents/../../escape.jpg", data=b"x"), "has an absolute path or leads out"),
        (_member("people/link.jpg", tarfile.SYMTYPE, link="/etc/passwd"), "is a link"),
        (_member("people/hard.jpg", tarfile.LNKTYPE, link="people/a.jpg"), "is a link"),
        (_member("people/tty", tarfile.CHRTYPE), "is a device or other special file"),
    ],
    ids=["absolute", "dot-dot", "symlink", "hardlink", "device"],
)
def test_an_archive_member_outside_the_private_directory_is_refused(
    tmp_path, settings, member, problem
):
    """The manifest is not signed: a backup whose checksums add up may still have been crafted."""
    backup = tmp_path / "kvo-crafted"
    backup.mkdir()
    database = database_file(backup)
    database.write_bytes(b"not looked at: the archive is refused first")
    with tarfile.open(backup / "private.tar", "w") as tar:
        tar.addfile(*member)
    info = member[0]
    listed = [{"path": info.name, "size": info.size, "sha256": "0" * 64}] if info.isreg() else []
    manifest = {
        "format": 1,
        "created_at": "2026-11-26T01:15:00Z",
        "engine": connection.vendor,
        "migrations": {},
        "tables": {},
        "database": _entry(database),
        "private": {**_entry(backup / "private.tar"), "files": listed},
    }
    (backup / "manifest.json").write_text(json.dumps(manifest))
    media = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(media)}},
    }

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backup))

    assert f"private.tar member {info.name!r} {problem}" in str(refused.value)
    assert "Nothing was changed." in str(refused.value)
    assert not media.exists()


def _entry(path: Path) -> dict:
    data = path.read_bytes()
    return {"file": path.name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
