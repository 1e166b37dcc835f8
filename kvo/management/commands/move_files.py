"""`manage.py move_files --to store|disk`: copy the private files between this machine's disk
(MEDIA_ROOT) and the S3-compatible object store (S3_BUCKET), checking each copy's SHA-256.

Resumable: a file already at the target with the same checksum is skipped, so after an
interruption the same command goes on where it stopped. Nothing is deleted unless --delete is
given, and then only a source file whose copy was verified. A file that fails is reported and the
others go on; the command then ends with an error. docs/scaling.md gives the order of steps.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from kvo.operations.files import files_of


class Command(BaseCommand):
    help = (
        "Copy the private files from the disk to the object store (--to store) or back "
        "(--to disk), verifying every copy; --delete removes each verified source file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", choices=["store", "disk"], required=True)
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete each source file once its copy is verified.",
        )

    def handle(self, *args, to, delete, **options):
        if "objectstore" not in settings.STORAGES:
            raise CommandError("No object store is configured: set S3_BUCKET (README, settings).")
        disk, store = files_of(storages["disk"]), files_of(storages["objectstore"])
        source, target = (disk, store) if to == "store" else (store, disk)
        copied = present = deleted = 0
        failed = []
        names = source.names()
        self.stdout.write(f"{len(names)} files in {source.where}, to {target.where}")
        for name in names:
            try:
                wanted = source.sha256(name)
                if wanted is None:
                    continue  # deleted meanwhile (retention)
                if target.sha256(name) == wanted:
                    present += 1
                else:
                    with source.open(name) as handle:
                        target.write(name, handle, mtime=getattr(handle, "mtime", None))
                    if target.sha256(name) != wanted:
                        raise OSError("the copy's checksum differs")
                    copied += 1
                if delete:
                    source.delete(name)
                    deleted += 1
            except Exception as error:  # one bad file must not stop the others
                failed.append(name)
                self.stderr.write(f"FAILED {name}: {type(error).__name__}: {error}")
        self.stdout.write(
            f"copied {copied}, already there {present}, deleted at the source {deleted}, "
            f"failed {len(failed)}"
        )
        if failed:
            raise CommandError(
                f"{len(failed)} files were not moved (above); run the command again."
            )
