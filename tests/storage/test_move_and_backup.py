"""The files move between the disk and the object store (`manage.py move_files`), resuming after
an interruption and checking every copy; and a backup of an installation that keeps its files in
the store holds them, and its restore puts them back into (another place in) the store."""

import hashlib
import os
import subprocess
import sys

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse

from kvo.operations.files import files_of
from tests.kvo.test_backup_restore import ROOT, scratch_database, source_database  # noqa: F401
from tests.object_store import ACCESS_KEY, SECRET_KEY


def digests(files) -> dict[str, str]:
    return {name: files.sha256(name) for name in files.names()}


def test_files_move_to_the_store_and_back_resuming_after_an_interruption(
    client, world, seaweed, settings, tmp_path, capsys
):
    photo = world.incident.photos.get()
    assert world.claim.letter  # a PDF beside the photos
    disk = files_of(storages["default"])
    on_disk = digests(disk)
    assert photo.original.name in on_disk
    prefix, store_entry = seaweed.bucket()
    settings.STORAGES = {**settings.STORAGES, "disk": settings.STORAGES["default"]}
    settings.STORAGES = {**settings.STORAGES, "objectstore": store_entry}

    call_command("move_files", "--to", "store")
    store = files_of(storages["objectstore"])
    assert digests(store) == on_disk
    assert f"copied {len(on_disk)}, already there 0" in capsys.readouterr().out

    # Interrupted half-way: one file never arrived. The same command copies only that one.
    store.delete(photo.original.name)
    call_command("move_files", "--to", "store")
    assert f"copied 1, already there {len(on_disk) - 1}" in capsys.readouterr().out
    assert digests(store) == on_disk

    # The app now uses the store: the officer's photo comes from there, by a signed link.
    settings.S3_BUCKET, settings.S3_URL_SECONDS = seaweed.BUCKET, 120
    settings.STORAGES = {**settings.STORAGES, "default": store_entry}
    client.force_login(world.users["officer"])
    link = client.get(reverse("incidents:photo", args=[world.incident.pk, photo.pk]))["Location"]
    import requests

    got = requests.get(link, timeout=10).content
    assert hashlib.sha256(got).hexdigest() == on_disk[photo.original.name]

    # And back to (another) disk, deleting from the store what was verified.
    back = tmp_path / "back"
    settings.STORAGES = {
        **settings.STORAGES,
        "disk": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(back), "base_url": None},
        },
    }
    call_command("move_files", "--to", "disk", "--delete")
    assert digests(files_of(storages["disk"])) == on_disk
    assert seaweed.keys(prefix) == []


def store_env(seaweed, prefix, database):
    return {
        **os.environ,
        "DATABASE_URL": database.url,
        "DEBUG": "true",
        "S3_BUCKET": seaweed.BUCKET,
        "S3_LOCATION": prefix,
        "S3_ENDPOINT_URL": seaweed.endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }


def manage(*args, env):
    command = [sys.executable, "manage.py", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_stores_files_and_a_restore_puts_them_back(
    object_storage,
    world,
    seaweed,
    tmp_path,
    scratch_database,  # noqa: F811
):
    assert world.incident.photos.exists() and world.claim.letter
    assert len(seaweed.keys(object_storage)) >= 3  # a photo, its thumbnail, a claim letter
    source = source_database(tmp_path)
    output = tmp_path / "backups"

    made = manage("backup", "--output-dir", output, env=store_env(seaweed, object_storage, source))
    assert made.returncode == 0, made.stderr
    assert f"private files from s3://{seaweed.BUCKET}/{object_storage}/" in made.stdout
    [backup] = output.iterdir()

    elsewhere, elsewhere_entry = seaweed.bucket()
    restored = manage("restore", backup, env=store_env(seaweed, elsewhere, scratch_database))
    assert restored.returncode == 0, restored.stderr
    assert "as in the backup" in restored.stdout
    assert seaweed.keys(elsewhere) == seaweed.keys(object_storage)
    assert digests(files_of(_storage(elsewhere_entry))) == digests(files_of(storages["default"]))

    # --force replaces what is there: a file the backup lacks leaves the store.
    seaweed.client().put_object(Bucket=seaweed.BUCKET, Key=f"{elsewhere}/stray.jpg", Body=b"x")
    again = manage(
        "restore", "--force", backup, env=store_env(seaweed, elsewhere, scratch_database)
    )
    assert again.returncode == 0, again.stderr
    assert "removed 1 private files that the backup does not have" in again.stdout
    assert seaweed.keys(elsewhere) == seaweed.keys(object_storage)


def _storage(entry):
    from django.utils.module_loading import import_string

    return import_string(entry["BACKEND"])(**entry["OPTIONS"])
