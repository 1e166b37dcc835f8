import pytest
from django.db import connection

from kvo.celery import app
from tests.conftest import skip_or_fail


@pytest.fixture
def services(settings):
    """The Celery app, sending to Redis for the duration of the test (a real worker's tests)."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        skip_or_fail(
            "a real worker needs PostgreSQL (DATABASE_URL, for SKIP LOCKED) and Redis (REDIS_URL)"
        )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = eager
