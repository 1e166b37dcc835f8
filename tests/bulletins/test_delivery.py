"""Bulletins delivered for real: Celery workers on Redis send the outbox to an SMTP server on
127.0.0.1 (aiosmtpd, tests/smtp_sink.py) that keeps every message, refuses recipients, drops
connections and holds a message while its worker is killed.

The worker tests need PostgreSQL (the outbox is claimed with SELECT … FOR UPDATE SKIP LOCKED) and
Redis (the broker): CI (.ci/run) has both and fails when either is missing; without them they skip
with the reason. The MIME tests at the end need neither and always run.
"""

import os
import re
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bulletins import content as bulletin_content
from bulletins import editions as bulletin_editions
from bulletins import outbox as bulletin_outbox
from bulletins.models import BulletinDelivery, DeliveryState
from bulletins.tasks import send_bulletin_deliveries
from merchants.models import ProtocolDeclaration, Shop
from tests.conftest import skip_or_fail
from tests.factories import bulletin_mode
from tests.smtp_sink import HOST, PERMANENT, TEMPORARY, SmtpSink

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 60  # seconds any one test waits for its outbox to settle
SENT, SENDING, QUEUED = DeliveryState.SENT, DeliveryState.SENDING, DeliveryState.QUEUED
NOT_SENT = DeliveryState.NOT_SENT
# The world's Bakkerij Jansen and Drogisterij Smit signed no declaration: one row each, not sent.
UNSIGNED = {NOT_SENT: 2}


# --- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def sink(settings):
    with SmtpSink() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = HOST
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        yield server


@pytest.fixture
def fast_retries(monkeypatch):
    # Pauses of 0.2, 0.4, 0.8, 1.6 s instead of minutes. The task still re-queues itself through
    # Redis with a countdown of at least a second, so the retries go through the broker.
    monkeypatch.setattr(bulletin_outbox, "FIRST_RETRY", timedelta(milliseconds=200))


@contextmanager
def worker(celery_app, **options):
    """A real worker on an empty queue: a task an earlier test left in Redis (a retry queued with
    a countdown, say) would otherwise run here, for a bulletin of a database since flushed. (A
    task a killed worker left unacknowledged comes back an hour later, past any purge: see
    `recorded_runs`.)"""
    options = {"pool": "solo", **options}
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30, **options):
        yield


def signed_shops(world, count, prefix) -> list:
    """`count` active shops in Deventer, each with its own bulletin address and a declaration
    signed for it; in pk order, which is the order the outbox sends them in."""
    shops = Shop.objects.bulk_create(
        Shop(
            area=world.binnenstad,
            name=f"Winkel {prefix} {number:03d}",
            address=f"Brink {number + 1}",
            postcode="7411 BR",
            city="Deventer",
            bulletin_email=f"{prefix}{number:03d}@winkels.example.nl",
        )
        for number in range(count)
    )
    ProtocolDeclaration.objects.bulk_create(
        ProtocolDeclaration(version=world.protocol, user=world.users["owner"], shop=shop)
        for shop in shops
    )
    return sorted(shops, key=lambda shop: shop.pk)


def make(world):
    """A bulletin with the world's red card; its sending is queued when the transaction commits."""
    assert world.banned.pk
    return bulletin_editions.make_bulletin(
        world.deventer, trigger="manual", actor=world.users["officer"]
    )


def states(bulletin) -> Counter:
    return Counter(
        BulletinDelivery.objects.filter(bulletin=bulletin).values_list("state", flat=True)
    )


def rows(bulletin) -> dict:
    return {row.email: row for row in BulletinDelivery.objects.filter(bulletin=bulletin)}


def wait_until(condition, what, timeout=DEADLINE):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout} s: {what() if callable(what) else what}")
        time.sleep(0.05)


def wait_until_settled(bulletin):
    """Until no row is queued or being sent."""
    wait_until(
        lambda: (
            not BulletinDelivery.objects.filter(
                bulletin=bulletin, state__in=(QUEUED, SENDING)
            ).exists()
        ),
        lambda: f"outbox settled ({dict(states(bulletin))})",
    )


def duplicates(sink) -> dict:
    return {address: n for address, n in Counter(sink.recipients()).items() if n > 1}


@contextmanager
def recorded_runs():
    """(bulletin id, return value) of every send_bulletin_deliveries run in this process's
    workers. Count a test's own bulletin only: Redis hands out again, to whichever worker starts
    next, a task a killed worker never acknowledged, once its hour of visibility is over (the
    killed-worker test leaves one, and CI runs again within the hour)."""
    runs = []

    def record(sender=None, args=None, retval=None, **kwargs):
        if sender.name == send_bulletin_deliveries.name:
            runs.append((args[0] if args else None, retval))

    task_postrun.connect(record, weak=False)
    try:
        yield runs
    finally:
        task_postrun.disconnect(record)


def runs_of(runs, bulletin) -> list:
    return [retval for bulletin_id, retval in runs if bulletin_id == bulletin.pk]


# --- 1. one message per address -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_300_shops_get_exactly_one_message_each_from_a_real_worker(services, world, sink):
    """make_bulletin queues the sending on commit; a worker on Redis sends 300 messages over
    SMTP, one per address (none missing, none twice) and marks every row sent."""
    shops = signed_shops(world, 300, "winkel")
    with worker(services):
        bulletin = make(world)
        wait_until_settled(bulletin)

    assert states(bulletin) == {SENT: 300, **UNSIGNED}
    received = sink.recipients()
    assert sorted(received) == sorted(shop.bulletin_email for shop in shops)
    for message in sink.messages:
        parsed = message.parsed()
        assert [parsed["To"]] == list(message.rcpt_tos)
        assert parsed["X-KVO-Bulletin"] == str(bulletin.pk)


# --- 2. refusals ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_refused_recipients_are_retried_bounced_or_failed_with_the_reason(
    services, fast_retries, world, sink
):
    """451 is retried (through new task runs) until the server takes the message; 550 bounces at
    once; an address that keeps answering 451 fails after MAX_ATTEMPTS tries. Each keeps the
    server's answer as its reason, and the others are not held up."""
    shops = signed_shops(world, 10, "retry")
    busy_twice, busy_once, unknown, always_busy = (shop.bulletin_email for shop in shops[:4])
    sink.refuse_temporarily(busy_twice, times=2)
    sink.refuse_temporarily(busy_once, times=1)
    sink.refuse_permanently(unknown)
    sink.refuse_temporarily(always_busy)

    with worker(services):
        bulletin = make(world)
        wait_until_settled(bulletin)

    outbox = rows(bulletin)
    assert (outbox[busy_twice].state, outbox[busy_twice].attempts) == (SENT, 2)
    assert (outbox[busy_once].state, outbox[busy_once].attempts) == (SENT, 1)
    assert outbox[busy_twice].reason == outbox[busy_once].reason == ""
    assert (outbox[unknown].state, outbox[unknown].reason) == (DeliveryState.BOUNCED, PERMANENT)
    assert outbox[unknown].attempts == 1
    assert (outbox[always_busy].state, outbox[always_busy].reason) == (
        DeliveryState.FAILED,
        TEMPORARY,
    )
    assert outbox[always_busy].attempts == bulletin_outbox.MAX_ATTEMPTS
    assert [sink.rcpt_attempts(a) for a in (busy_twice, busy_once, unknown, always_busy)] == [
        3,
        2,
        1,
        bulletin_outbox.MAX_ATTEMPTS,
    ]
    for shop in shops[4:]:
        assert (outbox[shop.bulletin_email].state, outbox[shop.bulletin_email].attempts) == (
            SENT,
            0,
        )
    assert Counter(sink.recipients()) == {
        shop.bulletin_email: 1
        for shop in shops
        if shop.bulletin_email not in (unknown, always_busy)
    }


# --- 3. the task twice ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_task_twice_at_once_and_again_afterwards_sends_nothing_twice(services, world, sink):
    """Two runs at the same time (a worker with two threads) split the outbox: each row is
    claimed by one run (queued → sending under SELECT … FOR UPDATE SKIP LOCKED), both send, and
    nobody gets two copies; a third run after they finished finds nothing to send."""
    shops = signed_shops(world, 120, "dubbel")
    sink.delay = 0.02  # slow enough that both runs are sending at the same time

    with recorded_runs() as runs, worker(services, pool="threads", concurrency=2):
        bulletin = make(world)  # first run, queued on commit
        send_bulletin_deliveries.delay(bulletin.pk)  # second run, at the same moment
        wait_until_settled(bulletin)
        wait_until(lambda: len(runs_of(runs, bulletin)) == 2, "both runs finished")
        send_bulletin_deliveries.delay(bulletin.pk)  # third run, after everything went out
        wait_until(lambda: len(runs_of(runs, bulletin)) == 3, "the third run finished")

    first, second, third = runs_of(runs, bulletin)
    assert first["sent"] > 0 and second["sent"] > 0, runs  # they did run side by side
    assert first["sent"] + second["sent"] == 120
    assert third == {"sent": 0, "retried": 0, "failed": 0}
    assert states(bulletin) == {SENT: 120, **UNSIGNED}
    assert Counter(sink.recipients()) == {shop.bulletin_email: 1 for shop in shops}


# --- 4. a worker killed mid-batch -----------------------------------------------------------------


def worker_environment(sink) -> dict:
    """A `celery worker` process pointed at this test's database, Redis and SMTP sink (under
    pytest-xdist this worker's Redis databases, not the ones in the environment)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    database_url = f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "REDIS_CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "EMAIL_URL": f"smtp://{HOST}:{sink.port}",
        "EMAIL_TIMEOUT": "10",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_sends_again_only_the_message_in_flight(
    services, world, sink, tmp_path
):
    """A real crash: a `celery worker` process (solo pool) sends the first batch of 50; the sink
    keeps the 20th message and never answers it, and the process gets SIGKILL while it waits.
    Rows 1-19 are sent, rows 20-50 are left `sending`, the other 70 `queued`. The sweeper leaves
    them while they are fresh; eleven minutes on it queues the 31 stuck rows again and a new worker
    sends everything. The only copy too many is the 20th message: the server had it, the row did
    not know. That is the window the module docstring of bulletins/outbox.py admits: one message,
    whatever the batch size, as row 19's mark is committed before message 20's data goes (on
    PostgreSQL from a second connection while message 20's envelope goes out; ADR 0007)."""
    shops = signed_shops(world, 120, "crash")
    in_flight = 20
    sink.hold_at(in_flight)
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "kvo", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=worker_environment(sink), stdout=output, stderr=output
        )
    try:
        bulletin = make(world)
        if not sink.held.wait(DEADLINE):
            pytest.fail(f"the worker process sent nothing:\n{log.read_text()[-3000:]}")
        process.kill()
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    batch = bulletin_editions.BATCH_SIZE
    assert states(bulletin) == {
        SENT: in_flight - 1,
        SENDING: batch - (in_flight - 1),
        QUEUED: 120 - batch,
        **UNSIGNED,
    }
    assert sink.recipients() == [shop.bulletin_email for shop in shops[:in_flight]]
    assert (
        bulletin_outbox.requeue_stuck() == 0
    )  # a batch claimed moments ago may still be going out

    with worker(services):
        later = timezone.now() + bulletin_outbox.STUCK_AFTER + timedelta(minutes=1)
        assert bulletin_outbox.requeue_stuck(now=later) == batch - (in_flight - 1)
        wait_until_settled(bulletin)

    assert states(bulletin) == {SENT: 120, **UNSIGNED}
    assert set(sink.recipients()) == {shop.bulletin_email for shop in shops}
    twice = duplicates(sink)
    assert twice == {shops[in_flight - 1].bulletin_email: 2}


# --- 5. the connection dropped mid-batch ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("after_storing", [False, True], ids=["lost-unseen", "lost-after-kept"])
def test_a_connection_dropped_mid_batch_loses_nothing(
    services, fast_retries, world, sink, after_storing
):
    """The server aborts the connection at the 20th message of the first batch, before or after
    keeping it. The worker schedules that row for a retry, carries on with the rest of the batch
    over a new connection, and sends the row again later: everybody gets the bulletin, and only
    the message in flight can arrive twice (when the server had kept it)."""
    shops = signed_shops(world, 80, "drop")
    at = 20
    sink.drop_connection_at(at, after_storing=after_storing)

    with worker(services):
        bulletin = make(world)
        wait_until_settled(bulletin)

    assert states(bulletin) == {SENT: 80, **UNSIGNED}
    dropped = shops[at - 1].bulletin_email
    outbox = rows(bulletin)
    assert outbox[dropped].attempts == 1
    assert all(
        outbox[shop.bulletin_email].attempts == 0
        for shop in shops
        if shop.bulletin_email != dropped
    )
    assert set(sink.recipients()) == {shop.bulletin_email for shop in shops}
    assert duplicates(sink) == ({dropped: 2} if after_storing else {})
    messages = sink.messages
    next_one = messages[at if after_storing else at - 1]
    assert next_one.rcpt_tos == (shops[at].bulletin_email,)
    assert next_one.peer != messages[0].peer  # the rest of the batch went over a new connection


# --- 6. one commit per message, without waiting for the disk -------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_sender_records_each_message_and_leaves_the_connection_as_it_was(
    world, sink, monkeypatch
):
    """On PostgreSQL outside a transaction (as on a worker) rows are marked sent from a second
    thread with its own connection, commits not waiting for the disk: every row ends sent, each
    address got one message, the sender's session setting is back, the thread's connection
    closed."""
    if connection.vendor != "postgresql":
        skip_or_fail("the marks' thread and synchronous_commit are PostgreSQL's")
    shops = signed_shops(world, 60, "mark")

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    def sessions():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    monkeypatch.setattr(bulletin_editions, "queue_sending", lambda *args, **kwargs: None)
    bulletin = make(world)  # sent here, in this thread: no task is queued
    before, open_before = setting(), sessions()
    result = bulletin_outbox.send_deliveries(bulletin.pk)
    # The thread's connection is closed by then; its server process may take a moment to leave
    # pg_stat_activity on a busy machine (CI once saw it still there).
    deadline = time.monotonic() + 5
    while sessions() != open_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (result.sent, setting(), sessions()) == (60, before, open_before)
    assert states(bulletin) == {SENT: 60, **UNSIGNED}
    assert Counter(sink.recipients()) == {shop.bulletin_email: 1 for shop in shops}
    assert before == "on"


# --- 7. what arrives: MIME ------------------------------------------------------------------------


@pytest.mark.django_db
def test_inline_photos_are_referenced_from_the_html_and_watermarked_per_shop(world, sink):
    """Through SMTP and back through the `email` parser: each photo is a related part whose
    Content-ID the HTML uses, and it is the thumbnail watermarked for that shop, so two shops
    receive different image bytes."""
    bulletin_mode(world.deventer, "inline")
    shops = signed_shops(world, 2, "foto")
    bulletin = make(world)
    bulletin_outbox.send_deliveries(bulletin.pk)

    received = {message.rcpt_tos: message.parsed() for message in sink.messages}
    assert set(received) == {(shop.bulletin_email,) for shop in shops}
    entry = bulletin.entries.get()
    images = []
    for shop in shops:
        message = received[(shop.bulletin_email,)]
        # The text, or the HTML with its photos (RFC 2387): photos show in the page.
        assert message.get_content_type() == "multipart/alternative"
        text, page = message.get_payload()
        assert text.get_content_type() == "text/plain"
        assert page.get_content_type() == "multipart/related"
        assert page.get_param("type") == "text/html"
        html = message.get_body(("html",)).get_content()
        assert shop.name in html and "Rob K." in html and "?t=" not in html
        parts = [part for part in message.walk() if part.get_content_maintype() == "image"]
        assert len(parts) == 1
        cid = parts[0]["Content-ID"].strip("<>")
        assert f'src="cid:{cid}"' in html
        image = parts[0].get_content()
        assert image == bulletin_content.Photos().for_shop(entry, shop, timezone.localdate())
        images.append(image)
    assert images[0] != images[1]


@pytest.mark.django_db
def test_link_mode_sends_no_photo_but_a_link_with_the_shops_own_token(world, sink):
    """No image part at all; the text and the HTML carry a link to /register/bulletins/<pk>/ with
    a token that names this shop."""
    bulletin_mode(world.deventer, "link")
    shops = signed_shops(world, 2, "link")
    bulletin = make(world)
    bulletin_outbox.send_deliveries(bulletin.pk)

    received = {message.rcpt_tos: message.parsed() for message in sink.messages}
    assert set(received) == {(shop.bulletin_email,) for shop in shops}
    pattern = re.compile(rf"https?://\S+?/register/bulletins/{bulletin.pk}/\?t=([\w:.-]+)")
    tokens = []
    for shop in shops:
        message = received[(shop.bulletin_email,)]
        assert not [part for part in message.walk() if part.get_content_maintype() == "image"]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        link = pattern.search(text)
        assert link, text
        assert f'href="{link.group(0)}"' in html
        assert bulletin_content.read_link_token(link.group(1), bulletin.pk) == shop.pk
        tokens.append(link.group(1))
    assert tokens[0] != tokens[1]
