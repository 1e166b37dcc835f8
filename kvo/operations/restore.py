"""Restore a backup made by `manage.py backup` (docs/backups.md).

1. Check everything that can be checked before anything changes: the manifest, the checksums of
   the database file and of private.tar, every member of private.tar, the database engine, that
   this code knows the backup's migrations, and that the database and the private directory are
   empty (unless --force). A refusal changes nothing.
2. Restore the database, then the private files; with --force, files that are not in the backup
   are deleted (they belonged to the data being replaced).
3. Compare the row count of every table and the checksum of every file with the manifest; any
   difference is an error.
4. Bring the restored data up to date: apply newer migrations and run the retention jobs, so that
   nobody deleted since the backup was made comes back (docs/adr/0008-backups.md). --exact skips
   this step, to inspect a backup in a scratch database.
"""

import json
import sqlite3
import tarfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from kvo.operations.backup import (
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    PRIVATE_TAR,
    find_tool,
    list_tables,
    postgres_command,
    private_file,
    row_counts,
    run_tool,
    safe_relative,
    sha256_file,
)


def refuse(reason) -> CommandError:
    return CommandError(f"Refusing to restore: {reason}\nNothing was changed.")


# --- 1. checks that change nothing ----------------------------------------------------------------


def read_manifest(backup: Path) -> dict:
    if not backup.is_dir():
        raise refuse(f"{backup} is not a directory made by `manage.py backup` (kvo-<time>/).")
    path = backup / MANIFEST
    if not path.is_file():
        raise refuse(f"{backup} has no {MANIFEST}: not a backup, or one that never finished.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise refuse(f"{path} cannot be read: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise refuse(f"{path} is not a backup manifest of format {FORMAT}.")
    missing = {"created_at", "engine", "migrations", "tables", "database", "private"}
    missing -= manifest.keys()
    if missing or manifest["engine"] not in DATABASE_FILES:
        raise refuse(f"{path} is incomplete (missing: {', '.join(sorted(missing)) or 'engine'}).")
    return manifest


def verify_checksum(backup: Path, name, entry):
    path = backup / name
    if entry.get("file") != name or not path.is_file():
        raise refuse(f"{name} is missing from {backup}.")
    size = path.stat().st_size
    if size != entry["size"]:
        raise refuse(
            f"{name} is {size} bytes but {MANIFEST} says {entry['size']}: the backup is "
            "truncated or damaged."
        )
    if sha256_file(path) != entry["sha256"]:
        raise refuse(
            f"{name} does not match its sha256 in {MANIFEST}: the backup is damaged or altered."
        )


def member_problem(member, expected, seen) -> str | None:
    """Why this archive member may not be extracted; None if it may. The checksums only prove
    that private.tar is what the manifest describes, and the manifest is not signed, so every
    member is checked as if it came from a stranger."""
    if member.issym() or member.islnk():
        return "is a link"
    if not (member.isreg() or member.isdir()):
        return "is a device or other special file"
    if safe_relative(member.name) is None:
        return "has an absolute path or leads out of the private directory"
    if member.isdir():
        return None
    if member.name not in expected:
        return f"is not listed in {MANIFEST}"
    if member.name in seen:
        return "appears twice"
    if member.size != expected[member.name]["size"]:
        return f"has another size than {MANIFEST} says"
    return None


def check_members(tar_path: Path, files: list[dict]):
    expected = {entry["path"]: entry for entry in files}
    seen = set()
    try:
        with tarfile.open(tar_path, "r:") as tar:
            for member in tar:
                problem = member_problem(member, expected, seen)
                if problem:
                    raise refuse(f"{PRIVATE_TAR} member {member.name!r} {problem}.")
                if member.isreg():
                    seen.add(member.name)
    except tarfile.TarError as error:
        raise refuse(f"{PRIVATE_TAR} cannot be read: {error}") from error
    missing = sorted(expected.keys() - seen)
    if missing:
        raise refuse(f"{PRIVATE_TAR} lacks {len(missing)} files listed in {MANIFEST}: {missing[0]}")


def unknown_migrations(manifest) -> list[str]:
    """Migrations the backup has and this code lacks: the backup was made by a newer version."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [
        f"{app}.{name}"
        for app, name in sorted(manifest["migrations"].items())
        if app in loader.migrated_apps and (app, name) not in loader.graph.nodes
    ]


def database_tables(vendor) -> list[str]:
    if vendor == "sqlite":
        if connection.is_in_memory_db():
            raise refuse("the database is an in-memory SQLite database.")
        if not Path(connection.settings_dict["NAME"]).exists():
            return []  # connecting would create the file: it is empty by definition
    with connection.cursor() as cursor:
        return list_tables(cursor, vendor)


def describe_target(vendor) -> str:
    db = connection.settings_dict
    if vendor == "sqlite":
        return f"SQLite database {db['NAME']}"
    return f'PostgreSQL database "{db["NAME"]}" on {db.get("HOST") or "the local socket"}'


# --- 2. restoring ---------------------------------------------------------------------------------


def restore_postgresql(dump: Path, *, clean):
    """One transaction: a restore that fails half-way leaves the database as it was."""
    pg_restore = find_tool("pg_restore")
    args, env = postgres_command(pg_restore, connection.settings_dict)
    args += ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        args += ["--clean", "--if-exists"]
    connection.close()
    run_tool([*args, str(dump)], env)


def restore_sqlite(copy: Path):
    """The backup API replaces the whole database, pages and schema, like the backup made it."""
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        private_file(target).close()
    source = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def restore_private_files(tar_path: Path, files, entries: list[dict]) -> int:
    """Write the checked archive's files into the disk or the object store
    (kvo.operations.files); returns the number of files removed because the backup does not
    have them."""
    with tarfile.open(tar_path, "r:") as tar:
        for member in tar:
            if member.isreg():
                files.write(member.name, tar.extractfile(member), mtime=member.mtime)
    keep = {entry["path"] for entry in entries}
    extra = [name for name in files.names() if name not in keep]
    for name in extra:
        files.delete(name)
    return len(extra)


# --- 3. comparing ---------------------------------------------------------------------------------


def differences(vendor, files, manifest) -> list[str]:
    with connection.cursor() as cursor:
        counts = row_counts(cursor, vendor)
    problems = []
    for table in sorted(counts.keys() | manifest["tables"].keys()):
        want, got = manifest["tables"].get(table), counts.get(table)
        if want != got:
            problems.append(f"table {table}: {_rows(want)} in the backup, {_rows(got)} restored")
    for entry in manifest["private"]["files"]:
        found = files.sha256(entry["path"])
        if found is None:
            problems.append(f"private file {entry['path']}: missing")
        elif found != entry["sha256"]:
            problems.append(f"private file {entry['path']}: checksum differs from the backup")
    return problems


def _rows(count) -> str:
    return "absent" if count is None else f"{count} rows"


# --- 4. up to date --------------------------------------------------------------------------------


def apply_newer_migrations() -> int:
    executor = MigrationExecutor(connection)
    if not executor.recorder.has_table():
        return 0  # not made by migrate (a test database): nothing to compare with
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return len(plan)


def run_retention() -> dict:
    """The nightly jobs, run now and in this process (no broker needed); both are idempotent."""
    from bans.tasks import daily_register_maintenance
    from claims.tasks import daily_claim_retention
    from incidents.tasks import strip_expired_personal_data

    register = daily_register_maintenance()
    claims = daily_claim_retention()
    incidents = strip_expired_personal_data()
    return {
        **register,
        **incidents,
        "claims": claims["claims"],
        "files": register["files"] + claims["files"] + incidents["photos"],
    }
