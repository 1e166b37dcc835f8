"""`manage.py restore`: the command line of kvo.operations.restore (docs/backups.md)."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from kvo.operations.backup import (
    DATABASE_FILES,
    MANIFEST,
    PRIVATE_TAR,
    database_vendor,
    human_size,
)
from kvo.operations.files import files_of
from kvo.operations.restore import (
    apply_newer_migrations,
    check_members,
    database_tables,
    describe_target,
    differences,
    read_manifest,
    refuse,
    restore_postgresql,
    restore_private_files,
    restore_sqlite,
    run_retention,
    unknown_migrations,
    verify_checksum,
)


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
        manifest, store = self.preflight(backup, force=force)
        vendor = manifest["engine"]
        database = backup / DATABASE_FILES[vendor]
        if vendor == "postgresql":
            restore_postgresql(database, clean=force)
        else:
            restore_sqlite(database)
        files = manifest["private"]["files"]
        try:
            removed = restore_private_files(backup / PRIVATE_TAR, store, files)
        except OSError as error:
            raise CommandError(
                f"The database was restored, but writing the private files failed: {error}\n"
                "Fix the cause and restore again with --force."
            ) from error
        problems = differences(vendor, store, manifest)
        self.summarise(backup, manifest, store, removed, problems)
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
        store = files_of()
        try:
            store.check_for_force(backup)
        except CommandError as error:
            raise refuse(str(error)) from error
        # Listed even with --force: a link in there stops us before anything changes.
        present = store.names()
        if not force:
            self.check_empty(vendor, store, present)
        return manifest, store

    def check_empty(self, vendor, store, present):
        tables = database_tables(vendor)
        if tables:
            raise refuse(
                f"the {describe_target(vendor)} already has {len(tables)} tables. Restore into "
                "an empty database, or pass --force to replace its contents."
            )
        if present:
            raise refuse(
                f"the private files ({store.where}) already hold {len(present)} files. Restore "
                "into an empty place, or pass --force to replace them."
            )

    def summarise(self, backup, manifest, store, removed, problems):
        files = manifest["private"]["files"]
        same = "as in the backup" if not problems else "see the differences below"
        self.stdout.write(
            f"Restored {backup.name} (made {manifest['created_at']}) into "
            f"{describe_target(manifest['engine'])}\n"
            f"  database: {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} "
            f"rows, {same}\n"
            f"  private files: {len(files)} files, "
            f"{human_size(sum(entry['size'] for entry in files))} into {store.where}, {same}"
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
