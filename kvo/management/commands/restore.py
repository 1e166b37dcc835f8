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
import os
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from kvo.management.commands.backup import (
    CHUNK,
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    PRIVATE_TAR,
    database_vendor,
    find_tool,
    human_size,
    list_tables,
    media_root,
    postgres_command,
    private_file,
    private_files,
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


def check_media_root(root: Path, backup: Path):
    """--force deletes files under the private directory: make sure it is not a directory that
    holds anything else of value."""
    real = root.resolve()
    if real == Path(real.anchor) or Path(settings.BASE_DIR).resolve().is_relative_to(real):
        raise refuse(f"the private directory {root} is the root or holds the application.")
    if backup.resolve().is_relative_to(real):
        raise refuse(f"the backup lies inside the private directory {root}; move it elsewhere.")


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


def write_member(tar, member, target: Path):
    """Write under a temporary name and rename: a crash never leaves half a photo in place."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restoring-")
    try:
        with os.fdopen(fd, "wb") as output:
            shutil.copyfileobj(tar.extractfile(member), output, CHUNK)
            os.fchmod(output.fileno(), settings.FILE_UPLOAD_PERMISSIONS or 0o640)
            os.fsync(output.fileno())
        os.utime(temporary, (member.mtime, member.mtime))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def restore_private_files(tar_path: Path, root: Path, files: list[dict]) -> int:
    """Extract the checked archive into ROOT; returns the number of files removed because the
    backup does not have them."""
    root.mkdir(parents=True, exist_ok=True)
    real_root = root.resolve()
    with tarfile.open(tar_path, "r:") as tar:
        for member in tar:
            if not member.isreg():
                continue
            target = root / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            # A directory link planted in ROOT would carry the file elsewhere.
            if not target.parent.resolve().is_relative_to(real_root):
                raise CommandError(f"{target.parent} leads out of {root}; restore stopped.")
            write_member(tar, member, target)
    keep = {entry["path"] for entry in files}
    extra = [name for name in private_files(root) if name not in keep]
    for name in extra:
        (root / name).unlink()
    return len(extra)


# --- 3. comparing ---------------------------------------------------------------------------------


def differences(vendor, root: Path, manifest) -> list[str]:
    with connection.cursor() as cursor:
        counts = row_counts(cursor, vendor)
    problems = []
    for table in sorted(counts.keys() | manifest["tables"].keys()):
        want, got = manifest["tables"].get(table), counts.get(table)
        if want != got:
            problems.append(f"table {table}: {_rows(want)} in the backup, {_rows(got)} restored")
    for entry in manifest["private"]["files"]:
        path = root / entry["path"]
        if not path.is_file():
            problems.append(f"private file {entry['path']}: missing")
        elif sha256_file(path) != entry["sha256"]:
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


class Command(BaseCommand):
    help = (
        "Restore a backup directory made by `backup`: verify it, restore the database and the "
        "private files, compare them with the manifest, then apply newer migrations and run the "
        "retention jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup directory, e.g. var/backups/kvo-…Z")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already has tables (pg_restore --clean) and private "
            "files already present; files not in the backup are deleted.",
        )
        parser.add_argument(
            "--exact",
            action="store_true",
            help="Leave the data exactly as backed up: no migrations, no retention jobs. Only "
            "to inspect a backup in a scratch database that is dropped afterwards.",
        )

    def handle(self, *args, **options):
        try:
            self.restore(Path(options["path"]), force=options["force"], exact=options["exact"])
        except DatabaseError as error:
            raise CommandError(f"Database error: {error}") from error

    def restore(self, backup, *, force, exact):
        manifest, root = self.preflight(backup, force=force)
        vendor = manifest["engine"]
        database = backup / DATABASE_FILES[vendor]
        if vendor == "postgresql":
            restore_postgresql(database, clean=force)
        else:
            restore_sqlite(database)
        files = manifest["private"]["files"]
        try:
            removed = restore_private_files(backup / PRIVATE_TAR, root, files)
        except OSError as error:
            raise CommandError(
                f"The database was restored, but writing the private files failed: {error}\n"
                "Fix the cause and restore again with --force."
            ) from error
        problems = differences(vendor, root, manifest)
        self.summarise(backup, manifest, root, removed, problems)
        if problems:
            raise CommandError(
                f"The restored data differs from the backup in {len(problems)} places (above). "
                "Do not open the application on it."
            )
        self.bring_up_to_date(manifest, exact=exact)

    def preflight(self, backup, *, force):
        manifest = read_manifest(backup)
        try:
            verify_checksum(backup, DATABASE_FILES[manifest["engine"]], manifest["database"])
            verify_checksum(backup, PRIVATE_TAR, manifest["private"])
            check_members(backup / PRIVATE_TAR, manifest["private"]["files"])
        except (KeyError, TypeError) as error:
            raise refuse(f"{MANIFEST} is incomplete: {error!r}") from error
        vendor = database_vendor()
        if manifest["engine"] != vendor:
            raise refuse(f"the backup is of a {manifest['engine']} database, the target {vendor}.")
        unknown = unknown_migrations(manifest)
        if unknown:
            raise refuse(
                f"the backup was made by a newer version (migrations {', '.join(unknown)} are "
                "unknown here). Restore it with that version."
            )
        root = media_root()
        check_media_root(root, backup)
        # Listed even with --force: a link in there stops us before anything changes.
        present = private_files(root) if root.is_dir() else []
        if not force:
            self.check_empty(vendor, root, present)
        return manifest, root

    def check_empty(self, vendor, root, present):
        tables = database_tables(vendor)
        if tables:
            raise refuse(
                f"the {describe_target(vendor)} already has {len(tables)} tables. Restore into "
                "an empty database, or pass --force to replace its contents."
            )
        if present:
            raise refuse(
                f"the private directory {root} already holds {len(present)} files. Restore into "
                "an empty directory, or pass --force to replace them."
            )

    def summarise(self, backup, manifest, root, removed, problems):
        files = manifest["private"]["files"]
        same = "as in the backup" if not problems else "see the differences below"
        self.stdout.write(
            f"Restored {backup.name} (made {manifest['created_at']}) into "
            f"{describe_target(manifest['engine'])}\n"
            f"  database: {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} "
            f"rows, {same}\n"
            f"  private files: {len(files)} files, "
            f"{human_size(sum(entry['size'] for entry in files))} into {root}, {same}"
        )
        if removed:
            self.stdout.write(f"  removed {removed} private files that the backup does not have")
        for problem in problems:
            self.stderr.write(f"DIFFERENCE {problem}")

    def bring_up_to_date(self, manifest, *, exact):
        made = datetime.fromisoformat(manifest["created_at"])
        age = (datetime.now(UTC) - made).days
        if exact:
            self.stdout.write(
                self.style.WARNING(
                    "Left exactly as backed up (--exact): no migrations, no retention. It may "
                    "hold people deleted since the backup was made. Inspect it, then drop it; "
                    "never open the application on it."
                )
            )
        else:
            try:
                migrated = apply_newer_migrations()
                done = run_retention()
            except Exception as error:
                raise CommandError(
                    "The backup was restored and verified, but bringing it up to date (migrations, "
                    f"retention jobs) failed: {error!r}. Fix the cause and run `restore --force` "
                    "again before opening the application: the data may still hold people who "
                    "were deleted since the backup was made."
                ) from error
            if migrated:
                self.stdout.write(f"Applied {migrated} migrations newer than the backup.")
            self.stdout.write(
                f"Retention run: {done['expired']} measures expired; personal data removed from "
                f"{done['people']} people, {done['claims']} claims and {done['incidents']} "
                f"incidents; {done['files']} files deleted."
            )
        self.stdout.write(
            f"REMINDER: this backup is {age} days old. Erasure and rectification requests "
            "handled since it was made are not in it: apply them again before opening the "
            "application. Emails sent since then (bulletins, claim reminders) may go out again "
            "when the worker starts (docs/backups.md, restore drill)."
        )
