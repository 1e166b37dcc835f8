import json

import pytest
from django.urls import reverse


def test_healthy(client, db, settings):
    response = client.get(reverse("healthz"))
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["database"] == "ok"
    if settings.REDIS_URL:
        assert body["broker"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_broker_down_is_unhealthy(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unavailable",
    }


@pytest.mark.django_db(transaction=True)
def test_database_down_is_unhealthy(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise ConnectionError("database gone")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"
