"""The broker away (issue 22), for real: a Redis of the test's own is the Celery broker. It is
stopped; a shop's report is saved and its page answers as always, though the officers' email
task cannot be queued. Redis comes back on its port; the outbox sweep (beat, every five minutes)
queues the task from the report's row, a real worker sends the email, and a second sweep sends
nothing twice. (tests/incidents/test_outbox.py covers every kind of email row without a broker.)"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu import pools

from incidents import tasks
from incidents.models import Incident
from kvo.celery import app
from tests.bulletins.test_delivery import wait_until, worker
from tests.conftest import skip_or_fail
from tests.incidents.test_reporting import form_data
from tests.kvo.test_redis_down import RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _new_connections():
    """Celery keeps its broker connections and producers: drop them, so the next task is sent
    with the broker URL as it is now."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def own_broker(settings):
    if connection.vendor != "postgresql":
        skip_or_fail("a real worker needs PostgreSQL (DATABASE_URL)")
    server = RedisServer()
    server.start()
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = f"redis://127.0.0.1:{server.port}/0"
    app.conf.task_always_eager = False
    _new_connections()
    yield server
    app.conf.broker_url, app.conf.task_always_eager = saved
    _new_connections()
    if server.process.poll() is None:
        server.stop()


def officers_emails():
    return [m for m in mail.outbox if "Nieuwe melding" in m.subject]


def test_a_report_made_while_the_broker_is_away_reaches_the_officer_once_it_is_back(
    client, world, own_broker
):
    own_broker.stop()
    client.force_login(world.users["participant"])
    mail.outbox.clear()
    answer = client.post(reverse("incidents:report"), form_data(world))
    assert answer.status_code == 302  # the shop's page answers as always
    incident = Incident.objects.get()
    assert officers_emails() == []

    own_broker.start()
    _new_connections()
    # Five minutes on, the sweep finds the report whose officers were not told.
    Incident.objects.filter(pk=incident.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    with worker(app):
        tasks.sweep_unsent_emails()
        wait_until(lambda: officers_emails(), "the officers' email")
        tasks.sweep_unsent_emails()
    assert len(officers_emails()) == 1
    assert world.users["officer"].email in officers_emails()[0].to
