"""Back up the database and the private files into one new directory (docs/backups.md).

    kvo-20261126T011500Z/
        database.dump      pg_dump --format=custom (PostgreSQL)  or  database.sqlite3 (SQLite)
        private.tar        every file of the default storage (photos, letters, dossier PDFs),
                           on the disk or in the object store (kvo.operations.files)
        manifest.json      what `restore` checks: checksums, row counts, migration state

The directory is built under a hidden temporary name and renamed when complete, so a directory
named kvo-* is always a whole backup. Everything in it is readable by its owner only: it holds
photos and identity data of real people.

The helpers below are shared with the `restore` command.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

from django.core.management.base import CommandError
from django.db import connection, transaction

FORMAT = 1
MANIFEST = "manifest.json"
PRIVATE_TAR = "private.tar"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


# --- shared with restore --------------------------------------------------------------------------


def database_vendor():
    if connection.vendor not in DATABASE_FILES:
        raise CommandError(
            f"Backups support PostgreSQL and SQLite; the database is {connection.vendor}."
        )
    return connection.vendor


def private_file(path):
    """Open a new file for writing that only its owner can read (O_EXCL: never an old file)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def sha256_file(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_path(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def postgres_command(tool, db) -> tuple[list, dict]:
    """Arguments and environment for pg_dump / pg_restore. The password travels in PGPASSWORD:
    on the command line every user of the machine could read it in the process list."""
    args = [tool, "--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if option in db.get("OPTIONS", {}):
            env[f"PG{option.upper()}"] = str(db["OPTIONS"][option])
    return args, env


def find_tool(name) -> str:
    path = shutil.which(name)
    if not path:
        raise CommandError(
            f"{name} is not installed. Install the PostgreSQL client (Debian: apt-get install "
            f"postgresql-client), of the server's major version or newer."
        )
    return path


def run_tool(args, env, stdout=None):
    result = subprocess.run(  # noqa: S603 - a resolved tool path and our own arguments, no shell
        args,
        env=env,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()[-2000:]
        raise CommandError(f"{Path(args[0]).name} failed (exit {result.returncode}):\n{message}")


def list_tables(cursor, vendor) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = ANY (current_schemas(false)) "
            "ORDER BY tablename"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    return [row[0] for row in cursor.fetchall()]


def quote(name) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_counts(cursor, vendor) -> dict[str, int]:
    counts = {}
    for table in list_tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a quoted table name
        counts[table] = cursor.fetchone()[0]
    return counts


def latest_migrations(cursor, tables) -> dict[str, str]:
    """The last migration applied per app, as recorded in the backed-up database."""
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY applied, id")
    return dict(cursor.fetchall())


def safe_relative(name) -> PurePosixPath | None:
    """NAME as a path inside the private directory, or None if it could point anywhere else."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or path.is_absolute()
        or any(part in ("..", ".", "") for part in name.split("/"))
    ):
        return None
    return path


def human_size(size) -> str:
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"


# --- the database ---------------------------------------------------------------------------------


def dump_postgresql(path) -> dict:
    """pg_dump and the manifest's figures read one snapshot: the transaction below exports it, and
    pg_dump imports it, so the row counts describe exactly the rows in the dump."""
    pg_dump = find_tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        args, env = postgres_command(pg_dump, connection.settings_dict)
        args += ["--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
        with private_file(path) as output:
            run_tool(args, env, stdout=output)
            os.fsync(output.fileno())
        tables = row_counts(cursor, "postgresql")
        return {"tables": tables, "migrations": latest_migrations(cursor, tables)}


def copy_sqlite(path) -> dict:
    """SQLite's online backup API copies a consistent database while the app keeps running; the
    figures are read from the copy, so they match it by construction."""
    connection.ensure_connection()
    private_file(path).close()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        tables = row_counts(cursor, "sqlite")
        return {"tables": tables, "migrations": latest_migrations(cursor, tables)}
    finally:
        copy.close()


# --- the private files ----------------------------------------------------------------------------


class _HashingReader:
    """Hashes exactly the bytes tarfile copies into the archive."""

    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def add_private_file(tar, files, name) -> dict | None:
    try:
        handle = files.open(name)
    except FileNotFoundError:
        return None  # deleted since the listing (retention): it is gone, as intended
    with handle:
        info = tarfile.TarInfo(name)
        info.size = handle.size
        info.mtime = handle.mtime
        info.mode = 0o640
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return {"path": name, "size": info.size, "sha256": reader.digest.hexdigest()}


def write_private_tar(files, path) -> list[dict]:
    """Every private file, from the disk or the object store (kvo.operations.files)."""
    names = files.names()
    entries = []
    with private_file(path) as output:
        with tarfile.open(fileobj=output, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name in names:
                entry = add_private_file(tar, files, name)
                if entry:
                    entries.append(entry)
        output.flush()
        os.fsync(output.fileno())
    return entries


# --- the command ----------------------------------------------------------------------------------


def file_entry(path) -> dict:
    return {"file": path.name, "size": path.stat().st_size, "sha256": sha256_file(path)}


def write_manifest(path, manifest):
    with private_file(path) as output:
        output.write(json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n")
        output.flush()
        os.fsync(output.fileno())
