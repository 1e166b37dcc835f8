"""The private files, wherever the default storage keeps them: on this machine's disk
(``DiskFiles``) or in an S3-compatible object store (``StoreFiles``). Backups, restores and the
moves between the two (``manage.py move_files``) go through one interface:

    names()              every file's name, sorted
    open(name)           a readable file (``.size``), or FileNotFoundError
    write(name, source)  the file under exactly this name, replacing one that is there, never
                         half-written where it can be read
    delete(name)         gone (no error if it was)
    sha256(name)         the checksum of what is stored, or None when it is missing
    where                for messages
"""

import hashlib
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import CommandError

CHUNK = 1024 * 1024


def is_object_store(storage) -> bool:
    return hasattr(storage, "bucket_name")


def files_of(storage=None):
    storage = storage or default_storage
    if is_object_store(storage):
        return StoreFiles(storage)
    location = getattr(storage, "location", None)
    if not location:
        raise CommandError(
            "The default storage is neither this machine's disk nor an S3-compatible object "
            "store: back its files up with the storage provider's own tools."
        )
    return DiskFiles(Path(location))


def _digest(handle) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


class DiskFiles:
    def __init__(self, root: Path):
        self.root = root
        self.where = str(root)

    def names(self) -> list[str]:
        """Relative paths of the files under the root, sorted. Anything but plain files and
        directories stops the caller: a link would smuggle in files from elsewhere, or miss its
        target."""
        if not self.root.is_dir():
            return []
        found = []
        for directory, dirnames, filenames in os.walk(self.root):
            for name in dirnames + filenames:
                full = Path(directory) / name
                try:
                    mode = full.lstat().st_mode
                except FileNotFoundError:
                    continue  # deleted meanwhile (retention)
                if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                    raise CommandError(
                        f"{full} is not a regular file or directory; the private directory "
                        "should hold nothing else. Move it away and try again."
                    )
                if stat.S_ISREG(mode):
                    found.append(full.relative_to(self.root).as_posix())
        return sorted(found)

    def open(self, name):
        handle = File(open(self.root / name, "rb"))  # noqa: SIM115 - the caller closes it
        handle.mtime = int(os.fstat(handle.fileno()).st_mtime)
        return handle

    def write(self, name, source, mtime=None):
        """Write under a temporary name and rename: a crash never leaves half a photo in place.
        A directory link planted under the root would carry the file elsewhere: refused."""
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(self.root.resolve()):
            raise CommandError(f"{target.parent} leads out of {self.root}; stopped.")
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restoring-")
        try:
            with os.fdopen(fd, "wb") as output:
                shutil.copyfileobj(source, output, CHUNK)
                os.fchmod(output.fileno(), settings.FILE_UPLOAD_PERMISSIONS or 0o640)
                os.fsync(output.fileno())
            if mtime:
                os.utime(temporary, (mtime, mtime))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def delete(self, name):
        (self.root / name).unlink(missing_ok=True)

    def sha256(self, name) -> str | None:
        try:
            with open(self.root / name, "rb") as handle:
                return _digest(handle)
        except (FileNotFoundError, IsADirectoryError):
            return None

    def contains(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root.resolve())

    def check_for_force(self, backup: Path):
        """--force deletes files under the root: make sure it holds nothing else of value."""
        real = self.root.resolve()
        if real == Path(real.anchor) or Path(settings.BASE_DIR).resolve().is_relative_to(real):
            raise CommandError(f"the private directory {self.root} is the root or holds the app.")
        if backup.resolve().is_relative_to(real):
            raise CommandError(
                f"the backup lies inside the private directory {self.root}; move it elsewhere."
            )


class StoreFiles:
    """The app's files in an object store: under the storage's location (a prefix) in its
    bucket. Writing uploads the whole object before it becomes visible, so a reader never sees
    half a file."""

    def __init__(self, storage):
        self.storage = storage
        location = (getattr(storage, "location", "") or "").strip("/")
        self.prefix = f"{location}/" if location else ""
        self.where = f"s3://{storage.bucket_name}/{self.prefix}"

    def names(self) -> list[str]:
        found = self.storage.bucket.objects.filter(Prefix=self.prefix)
        return sorted(item.key[len(self.prefix) :] for item in found)

    def open(self, name):
        if not self.storage.exists(name):
            raise FileNotFoundError(name)
        handle = self.storage.open(name, "rb")
        handle.mtime = int(time.time())
        return handle

    def write(self, name, source, mtime=None):
        # _save writes exactly this name (save() would pick another one if it is taken).
        self.storage._save(name, File(source, name=name))

    def delete(self, name):
        self.storage.delete(name)

    def sha256(self, name) -> str | None:
        try:
            handle = self.open(name)
        except FileNotFoundError:
            return None
        with handle:
            return _digest(handle)

    def contains(self, path: Path) -> bool:
        return False

    def check_for_force(self, backup: Path):
        return None
