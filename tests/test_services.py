"""In CI the suite must run against the real services, not the embedded defaults."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.conftest import STRICT


@pytest.mark.skipif(not STRICT, reason="embedded defaults (SQLite, local memory) outside CI")
def test_ci_runs_on_postgresql_and_redis(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000
    assert settings.REDIS_URL
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    # Clearing the cache (FLUSHDB) must not empty the Celery queue.
    assert settings.CACHES["default"]["LOCATION"] != settings.CELERY_BROKER_URL
    cache.set("kvo-ci-probe", "ok", 10)
    assert cache.get("kvo-ci-probe") == "ok"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
