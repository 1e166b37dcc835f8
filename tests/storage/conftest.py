"""The storage tests run the app's files through a real object store (tests/object_store.py)."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/storage/" in str(item.fspath):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def object_storage(seaweed, settings):
    """The app's default storage is an empty place in SeaweedFS's private bucket for this test;
    returns its prefix."""
    prefix, storage = seaweed.bucket()
    settings.S3_BUCKET, settings.S3_URL_SECONDS = seaweed.BUCKET, 120
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return prefix
