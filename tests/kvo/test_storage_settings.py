"""The storage settings as docker-compose passes them (empty strings for what is not set): the
disk by default, the object store with S3_BUCKET, a clear refusal for "store" without a bucket,
and the store's origin in the pages' CSP only while the app uses it."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "files": settings.PRIVATE_FILES,
    "default": settings.STORAGES["default"]["BACKEND"].rsplit(".", 1)[-1],
    "disk": settings.STORAGES["disk"]["BACKEND"].rsplit(".", 1)[-1],
    "img": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""
EMPTY = dict.fromkeys(
    ("S3_BUCKET", "S3_LOCATION", "S3_ENDPOINT_URL", "S3_REGION", "PRIVATE_FILES"), ""
)


def probe(**values):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kvo.settings", **EMPTY, **values}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        return done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_disk_unless_a_bucket_is_set():
    assert probe() == {
        "files": "disk",
        "default": "FileSystemStorage",
        "disk": "FileSystemStorage",
        "img": ["'self'", "blob:"],
    }


def test_the_object_store_with_a_bucket_and_its_origin_in_the_csp():
    store = {"S3_BUCKET": "kvo", "S3_ENDPOINT_URL": "https://files.example.nl"}
    assert probe(**store) == {
        "files": "store",
        "default": "S3Storage",
        "disk": "FileSystemStorage",
        "img": ["'self'", "blob:", "https://files.example.nl"],
    }
    # While the files are still being moved over, the app keeps using the disk.
    moving = probe(**store, PRIVATE_FILES="disk")
    assert moving["default"] == "FileSystemStorage" and moving["img"] == ["'self'", "blob:"]


def test_store_without_a_bucket_is_refused_with_a_reason():
    error = probe(PRIVATE_FILES="store")
    assert 'PRIVATE_FILES is "disk", or "store" with S3_BUCKET set.' in error
