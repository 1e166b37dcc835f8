"""PostgreSQL restarting (issue 22): requests meanwhile get a clear "try again in a moment" (503
with Retry-After), never the error page, and the app recovers by itself once the database is
back, without restarting anything. The app reaches PostgreSQL through a TCP forwarder of the
test's own (tests/tcp_proxy.py), which the test cuts and mends."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import skip_or_fail
from tests.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def database_through_proxy():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL), as in CI")
    settings = connection.settings_dict
    original = settings["HOST"], settings["PORT"]
    proxy = TcpProxy(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))
    proxy.start()
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", proxy.port
    yield proxy
    proxy.stop()
    connection.close()
    settings["HOST"], settings["PORT"] = original


def test_a_restarting_database_gives_try_again_and_the_app_recovers(world, database_through_proxy):
    client = Client(raise_request_exception=False)  # answer as a browser would see it
    client.force_login(world.users["participant"])
    mine = reverse("incidents:mine")
    assert client.get(mine).status_code == 200

    database_through_proxy.stop()  # every connection drops; new ones are refused
    for _ in range(2):  # the broken connection, then a refused one
        answer = client.get(mine)
        assert answer.status_code == 503
        assert answer["Retry-After"] == "10"
        assert "probeer het over een moment opnieuw" in answer.content.decode()

    database_through_proxy.start()
    assert client.get(mine).status_code == 200  # no restart of anything
