"""Redis away (ADR 0015): logging in keeps working and the login throttle keeps counting, in the
process's memory, until Redis is back. A Redis server of the test's own on a loopback port is
started, stopped and started again."""

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from plumbing import cache as resilient
from tests.conftest import skip_or_fail
from tests.factories import PASSWORD
from tests.ports import free_ports

pytestmark = pytest.mark.slow


class RedisServer:
    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            skip_or_fail("redis-server not found (apt-get install redis-server)")
        (self.port,) = free_ports(1)
        self.command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.command += ["--appendonly", "no"]
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL)
        for _ in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def redis_cache(settings, monkeypatch):
    server = RedisServer()
    server.start()
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0)  # ask Redis again at once
    settings.CACHES = {
        "default": {
            "BACKEND": "plumbing.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield server
    if server.process.poll() is None:
        server.stop()


def log_in(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_logging_in_works_while_redis_is_away_and_the_throttle_still_counts(
    client, world, redis_cache
):
    owner = world.users["owner"]
    assert log_in(client, owner).status_code == 302
    assert caches["default"].get("probe") is None  # Redis answers
    client.logout()

    redis_cache.stop()

    answer = log_in(client, owner)
    assert answer.status_code == 302 and answer["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    # Guessing is still slowed: after five wrong passwords for one account, even the right one
    # waits (allauth's "5/5m/key", counted in this process while Redis is away).
    for _ in range(5):
        assert log_in(client, owner, password="wrong-password").status_code == 200
    refused = log_in(client, owner)
    assert refused.status_code in (200, 429) and "_auth_user_id" not in client.session

    redis_cache.start()
    caches["default"].set("probe", "back", 30)
    assert caches["default"].get("probe") == "back"
