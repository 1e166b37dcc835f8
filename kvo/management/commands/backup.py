"""`manage.py backup`: the command line of kvo.operations.backup (docs/backups.md)."""

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from kvo.operations.backup import (
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    PRIVATE_TAR,
    copy_sqlite,
    database_vendor,
    dump_postgresql,
    file_entry,
    fsync_path,
    human_size,
    write_manifest,
    write_private_tar,
)
from kvo.operations.files import files_of


class Command(BaseCommand):
    help = (
        "Write a backup of the database and the private files (photos, letters, PDFs) into a new "
        "directory kvo-<UTC time>/ with a manifest that `restore` verifies."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            help="Directory that receives the backup (default: var/backups under KVO_VAR_DIR).",
        )

    def handle(self, *args, **options):
        vendor = database_vendor()
        files = files_of()
        output = Path(options["output_dir"] or Path(settings.VAR_DIR) / "backups")
        if files.contains(output):
            # The archive would take in itself and every earlier backup.
            raise CommandError(f"The backup directory {output} lies inside the private files.")
        try:
            output.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create the backup directory {output}: {error}") from error
        if not os.access(output, os.W_OK | os.X_OK):
            raise CommandError(f"Cannot write into the backup directory {output}.")
        created = datetime.now(UTC).replace(microsecond=0)
        name = f"kvo-{created:%Y%m%dT%H%M%SZ}"
        # mkdtemp makes the directory 0700; the leading dot and suffix mark it unfinished.
        work = Path(tempfile.mkdtemp(prefix=f".{name}-", suffix=".partial", dir=output))
        try:
            manifest = self.write_backup(work, vendor, files, created)
            final = output / name
            if final.exists():
                raise CommandError(f"{final} already exists; run the backup again.")
            work.rename(final)
            fsync_path(output)
        except DatabaseError as error:
            shutil.rmtree(work, ignore_errors=True)
            raise CommandError(f"Cannot read the database: {error}") from error
        except BaseException:
            # A half-written backup still holds personal data: never leave it lying around.
            shutil.rmtree(work, ignore_errors=True)
            raise
        self.report(final, manifest, files)

    def write_backup(self, work, vendor, files, created) -> dict:
        database_path = work / DATABASE_FILES[vendor]
        figures = (dump_postgresql if vendor == "postgresql" else copy_sqlite)(database_path)
        # After the database: uploads reach the storage before their rows commit, so every file
        # the dump refers to is there. Only a file deleted meanwhile by retention can be missing,
        # and its row goes at the next retention run after a restore.
        entries = write_private_tar(files, work / PRIVATE_TAR)
        manifest = {
            "format": FORMAT,
            "created_at": created.isoformat().replace("+00:00", "Z"),
            "engine": vendor,
            "migrations": figures["migrations"],
            "tables": figures["tables"],
            "database": file_entry(database_path),
            "private": {**file_entry(work / PRIVATE_TAR), "files": entries},
        }
        write_manifest(work / MANIFEST, manifest)
        fsync_path(work)
        return manifest

    def report(self, final, manifest, store):
        rows = sum(manifest["tables"].values())
        files = manifest["private"]["files"]
        size = sum(entry["size"] for entry in files)
        self.stdout.write(
            f"Backup written to {final}\n"
            f"  database ({manifest['engine']}): {len(manifest['tables'])} tables, {rows} rows, "
            f"{human_size(manifest['database']['size'])}\n"
            f"  private files from {store.where}: {len(files)} files, {human_size(size)}\n"
            "It holds photos and identity data: encrypt it before it leaves this machine "
            "(docs/backups.md)."
        )
