"""The mail server away (issue 22): the officer's bulletin is made and the page answers as
always; the worker finds no mail server, keeps every row in the queue with the reason, which the
officer sees on the delivery report, and sends each message once when the server is back.

A real worker on Redis and PostgreSQL (as tests/bulletins/test_delivery.py), and a real SMTP
server (tests/smtp_sink.py) that is not there at first and then starts on its port."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bulletins import outbox as bulletin_outbox
from bulletins.models import Bulletin
from tests.bulletins.test_delivery import (
    QUEUED,
    SENT,
    UNSIGNED,
    duplicates,
    signed_shops,
    states,
    wait_until,
    wait_until_settled,
    worker,
)
from tests.ports import free_ports
from tests.smtp_sink import HOST, SmtpSink

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_mail_server(settings):
    """Mail settings pointing at a loopback port where nothing listens (yet)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = HOST, free_ports(1, HOST)[0]
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return settings.EMAIL_PORT


def test_bulletins_wait_visibly_while_the_mail_server_is_away(
    services, world, client, no_mail_server, monkeypatch
):
    # Long enough for the page below to be read while every row waits (the worker's next try
    # takes them back to "sending" for a moment), short enough for the test.
    monkeypatch.setattr(bulletin_outbox, "SERVER_DOWN_PAUSE", timedelta(seconds=3))
    shops = signed_shops(world, 5, "away")
    assert world.banned.pk  # a red card in force: something to send
    client.force_login(world.users["officer"])

    with worker(services):
        answer = client.post(reverse("bulletins:make"))
        assert answer.status_code == 302  # the officer's page answers as always
        bulletin = Bulletin.objects.get()

        # The worker tried, found no server, and put every row back with the reason (all of
        # them: while the worker holds them they are "sending", and none is queued).
        def waiting_reasons():
            return list(bulletin.deliveries.filter(state=QUEUED).values_list("reason", flat=True))

        wait_until(
            lambda: len(reasons := waiting_reasons()) == len(shops) and all(reasons),
            lambda: f"every shop's row back in the queue with a reason ({dict(states(bulletin))})",
        )
        # Kept in no language (a worker's language is nobody's), shown in the officer's.
        assert set(waiting_reasons()) == {"The mail server could not be reached."}
        report = client.get(answer["Location"]).content.decode()
        assert report.count("De mailserver was niet bereikbaar") == len(shops)
        assert report.count("opnieuw geprobeerd om") == len(shops)

        with SmtpSink(port=no_mail_server) as sink:
            # The retry the worker scheduled on Redis finds the server back.
            wait_until_settled(bulletin)
            assert states(bulletin) == {SENT: len(shops), **UNSIGNED}
            assert sorted(sink.recipients()) == sorted(shop.bulletin_email for shop in shops)
            assert duplicates(sink) == {}
    report = client.get(answer["Location"]).content.decode()
    assert "De mailserver was niet bereikbaar" not in report
    assert f"<dt>Verstuurd</dt><dd>{len(shops)}</dd>" in report
