"""The bulletin outbox (ADR 0007): `send_deliveries` claims queued rows in batches (SELECT … FOR
UPDATE SKIP LOCKED on PostgreSQL), sends a batch over one SMTP connection and marks each row sent,
or schedules a retry with exponential backoff, or fails it with the reason. A row is marked sent
(committed) before the next message's data goes to the server, so a second run sends nothing
twice; only a worker killed between the SMTP server accepting a message and that commit can send
it again, once the sweeper has put the stuck row back (`requeue_stuck`).

Speed (bench/README.md): a few messages ahead, photos are marked in a second thread; on
PostgreSQL the sent marks are committed from another thread while the next message's envelope
goes out, without waiting for the disk (`_Marks`, `_commits_without_waiting_for_disk`).
"""

import logging
import smtplib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from itertools import islice

from celery import current_app
from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bans.services import RegisterError
from bulletins import content
from bulletins import editions as making
from bulletins.content import Edition, current_entries
from bulletins.editions import BATCH_SIZE, BATCHES_PER_TASK, outbox_rows
from bulletins.models import Bulletin, BulletinDelivery, DeliveryState
from merchants import access
from merchants.services import log_action
from plumbing.mail import (
    InvalidRecipient,
    MergedMessage,
    as_merged,
    send_merged,
    sends_merged,
)

logger = logging.getLogger(__name__)

# 1, 2, 4, 8, 16, 32, 60 minutes: a mail server may be away for about two hours.
MAX_ATTEMPTS = 8


FIRST_RETRY = timedelta(minutes=1)


LAST_RETRY = timedelta(hours=1)


# When the mail server cannot be reached at all, nobody's attempts are counted; try again then.
SERVER_DOWN_PAUSE = timedelta(minutes=5)


STUCK_AFTER = timedelta(minutes=10)


# A queued row this long without a task working on it is picked up by the sweeper.
FORGOTTEN_AFTER = timedelta(minutes=2)


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    batches: int = 0


def send_deliveries(
    bulletin_id=None, *, batch_size=BATCH_SIZE, max_batches=BATCHES_PER_TASK, now=None
) -> SendResult:
    """Send the queued rows that are due, batch by batch. After `max_batches` a fresh task takes
    over; rows waiting for a retry get a task at their time. With eager Celery (no broker, the
    embedded default) nothing is scheduled: the sweeper, or the officer's retry, sends them."""
    result = SendResult()
    editions = {}  # bulletin id -> Edition, kept from batch to batch while it is unchanged
    # One SMTP connection for the task's batches (opened by the first, again after a failure).
    connection = get_connection()
    marks = _Marks(threaded=sends_merged(connection))
    try:
        with _commits_without_waiting_for_disk(), marks:
            after = None  # the last shop claimed: the next claim starts past it
            while result.batches < max_batches:
                rows = _claim(bulletin_id, batch_size, now or timezone.now(), after)
                if not rows and after is not None:
                    # Rows that became due behind us (a retry, a row the sweeper put back):
                    # one look from the start before calling it done.
                    after = None
                    rows = _claim(bulletin_id, batch_size, now or timezone.now())
                if not rows:
                    break
                if bulletin_id:
                    after = rows[-1].shop_id
                result.batches += 1
                _send_batch(rows, result, editions, marks, connection)
    finally:
        connection.close()
    if bulletin_id and not current_app.conf.task_always_eager:
        waiting = BulletinDelivery.objects.filter(
            bulletin_id=bulletin_id, state=DeliveryState.QUEUED
        )
        next_at = waiting.aggregate(at=Min("next_attempt_at"))["at"]
        if result.batches >= max_batches and waiting.exists():
            making.queue_sending(bulletin_id)
        elif next_at:
            making.queue_sending(
                bulletin_id, countdown=max(1, (next_at - timezone.now()).total_seconds())
            )
    return result


@contextmanager
def _commits_without_waiting_for_disk():
    """On PostgreSQL, the commits of the sender (claims, marks, retries) return as soon as the
    server has them, without waiting for their WAL record to reach the disk (synchronous_commit
    off, for this session while sending, then as it was). Waiting took 2.7 ms per commit here,
    more than SMTP takes per message, and one commit per message is what bounds a crashed
    worker's duplicates to the one message in flight (module docstring).

    It changes nothing for a worker that dies: the server has its commits. Only a crash of
    PostgreSQL itself can lose the last fraction of a second of them (at most three times
    wal_writer_delay; the database stays consistent): rows go back to an earlier state, queued
    or sending, and those messages go out once more. Never the other way: a row is only marked
    sent after the server accepted its message, so no message is lost (ADR 0007)."""
    if db_connection.vendor != "postgresql":
        yield
        return
    previous = _stop_waiting_for_disk()
    try:
        yield
    finally:
        try:
            with db_connection.cursor() as cursor:
                cursor.execute("SELECT set_config('synchronous_commit', %s, false)", [previous])
        except DatabaseError:
            # The connection broke (its session, and the setting, are gone), or the error on
            # its way up aborted the test's transaction the SET was made in (rolled back too).
            pass


def _stop_waiting_for_disk() -> str:
    """synchronous_commit off for this thread's connection (session); returns what it was."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('synchronous_commit'), "
            "set_config('synchronous_commit', 'off', false)"
        )
        return cursor.fetchone()[0]


def _claim(bulletin_id, batch_size, now, after=None) -> list:
    """Take a batch of due rows for this worker: queued → sending, skipping rows another worker
    holds (PostgreSQL; SQLite has one writer at a time anyway).

    A bulletin's rows are taken in shop order along its (bulletin, shop) unique index, from the
    shop ``after`` the last batch's: in pk order PostgreSQL walks the primary key from the first
    row ever sent, filtering out every older bulletin's rows (9 ms a claim with 12,000 rows in
    the table, and growing), and from the start of the bulletin it filters out the rows sent so
    far (a 3,000-shop bulletin's last claims took 5 ms each)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    order = ("bulletin_id", "shop_id") if bulletin_id else ("pk",)
    with transaction.atomic():
        queryset = BulletinDelivery.objects.select_for_update(skip_locked=True).filter(
            due, state=DeliveryState.QUEUED
        )
        if bulletin_id:
            queryset = queryset.filter(bulletin_id=bulletin_id)
            if after is not None:
                queryset = queryset.filter(shop_id__gt=after)
        ids = list(queryset.order_by(*order).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return []
        BulletinDelivery.objects.filter(pk__in=ids, state=DeliveryState.QUEUED).update(
            state=DeliveryState.SENDING, claimed_at=now
        )
        # Still locked by this transaction: read as claimed, with the shop.
        rows = list(
            BulletinDelivery.objects.filter(pk__in=ids).select_related("shop").order_by(*order)
        )
    # Each bulletin (with its partnership) once, not once per row.
    bulletins = Bulletin.objects.select_related("partnership").in_bulk(
        {row.bulletin_id for row in rows}
    )
    for row in rows:
        row.bulletin = bulletins[row.bulletin_id]
    return rows


def _send_batch(rows, result, editions, marks, connection):
    # Read here, in this thread, once per bulletin in the batch; rendered again only when what
    # the email shows has changed since the last batch (a card revoked, a name corrected).
    day = timezone.localdate()
    in_batch = {row.bulletin_id: row.bulletin for row in rows}
    for bulletin in in_batch.values():
        entries = current_entries(bulletin, day)
        edition = editions.get(bulletin.pk)
        if edition is None or not edition.shows(bulletin, entries, day):
            editions[bulletin.pk] = Edition(bulletin, day, entries)
    try:
        connection.open()  # nothing to do when it is open
    except (OSError, smtplib.SMTPException) as error:
        # Nobody's fault but the server's: no attempt is counted.
        logger.warning("mail server not reached: %s", error)
        for row in rows:
            # Stored untranslated and shown in the reader's language (bulletin_report.html); the
            # technical detail goes to the log.
            _pause(row, gettext_noop("The mail server could not be reached."))
            result.retried += 1
        return
    merged = sends_merged(connection)
    # Inline messages take ~10 ms each to watermark: build them a few rows ahead in a second
    # thread while this one waits for the mail server (Pillow lets go of the GIL, and so does a
    # socket). Link messages take ~0.1 ms: not worth a thread.
    ahead = 2 if any(editions[pk].inline for pk in in_batch) else 0
    with _Builder(rows, editions, merged, ahead) as built:
        for index, (row, message, error) in enumerate(built):
            if error is not None:
                _fail_build(row, error)
                result.failed += 1
                continue
            outcome = _deliver(message, row, connection, marks)
            if outcome == "sent":
                result.sent += 1
            elif outcome == "failed":
                result.failed += 1
            else:
                result.retried += 1
            if outcome == "reconnect":
                connection.close()
                try:
                    connection.open()
                except (OSError, smtplib.SMTPException):
                    for rest in rows[index + 1 :]:
                        _pause(rest, gettext_noop("The mail server went away."))
                        result.retried += 1
                    return


def _fail_build(row, error):
    if isinstance(error, InvalidRecipient):
        _finish(row, DeliveryState.FAILED, _("Invalid address: %(error)s") % {"error": error})
        return
    # A content fault fails this row only, and is not retried.
    logger.error("bulletins: could not build the email for delivery %s", row.pk, exc_info=error)
    _finish(row, DeliveryState.FAILED, gettext_noop("The email could not be made."))


class _Builder:
    """(row, message, None) or (row, None, the error building it raised) for each row, in
    order; built `ahead` rows in advance in one other thread, or here when `ahead` is 0."""

    def __init__(self, rows, editions, merged, ahead):
        self.rows, self.editions, self.merged, self.ahead = rows, editions, merged, ahead
        self.pool = ThreadPoolExecutor(1, "bulletin-build") if ahead and len(rows) > 1 else None

    def build(self, row):
        try:
            return (
                row,
                content.build_message(row, self.editions[row.bulletin_id], merged=self.merged),
                None,
            )
        except Exception as error:
            return row, None, error

    def __enter__(self):
        if self.pool is None:
            return map(self.build, self.rows)
        return self._ahead()

    def _ahead(self):
        pending = iter(self.rows)
        futures = deque(self.pool.submit(self.build, row) for row in islice(pending, self.ahead))
        for row in pending:
            futures.append(self.pool.submit(self.build, row))
            yield futures.popleft().result()
        while futures:
            yield futures.popleft().result()

    def __exit__(self, *exc):
        if self.pool is not None:
            # Stopped early (the server went away): build nothing more.
            self.pool.shutdown(wait=True, cancel_futures=True)


def _deliver(message, row, connection, marks) -> str:
    """Send one message: "sent", "failed" (permanent), "retry" or "reconnect" (the connection
    is gone; the row is retried). Over SMTP, the previous row's mark is committed before this
    message's data goes (`_Marks`)."""
    try:
        if sends_merged(connection):
            if not isinstance(message, MergedMessage):
                message = as_merged(message)
            send_merged(connection, message, before_data=marks.wait)
        else:
            message.connection = connection
            message.send()
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()), (0, b""))
        reason = f"{code} {_text(text)}".strip()
        if 500 <= code < 600:
            _finish(row, DeliveryState.BOUNCED, reason)
            return "failed"
        return "retry" if _retry(row, reason) else "failed"
    except smtplib.SMTPServerDisconnected as error:
        _retry(row, str(error) or gettext_noop("The mail server went away."))
        return "reconnect"
    except smtplib.SMTPResponseException as error:
        # Sender refused, data refused (too large, policy): permanent if 5xx.
        reason = f"{error.smtp_code} {_text(error.smtp_error)}".strip()
        if 500 <= error.smtp_code < 600:
            _finish(row, DeliveryState.FAILED, reason)
            return "failed"
        return "retry" if _retry(row, reason) else "failed"
    except (ValueError, UnicodeError) as error:  # a malformed address
        _finish(row, DeliveryState.FAILED, _("Invalid address: %(error)s") % {"error": error})
        return "failed"
    except (OSError, smtplib.SMTPException) as error:
        _retry(row, str(error)[:300] or error.__class__.__name__)
        return "reconnect"
    marks.add(row)
    return "sent"


class _Marks:
    """Records rows as sent, one commit per message. On PostgreSQL (outside a transaction, as on
    a worker) the commit runs in a second thread on its own connection while the next message's
    envelope goes to the mail server, and `wait` (called before that message's data) returns
    once it is done. So the server never has two messages that the outbox does not know it
    has: a worker that dies sends at most the one in flight again, as with a commit before
    moving on, while the commit costs no time of its own (a round trip to PostgreSQL took as
    long as the two SMTP commands it now overlaps)."""

    def __init__(self, *, threaded):
        # In a test's transaction another connection would not see the rows.
        self.threaded = (
            threaded and db_connection.vendor == "postgresql" and db_connection.get_autocommit()
        )
        self.pool = None
        self.pending = None

    def add(self, row):
        if not self.threaded:
            _mark_sent(row)
            return
        self.wait()
        if self.pool is None:
            self.pool = ThreadPoolExecutor(1, "bulletin-marks")
            # Its connection's commits, like this one's, do not wait for the disk; the setting
            # ends with the connection (`__exit__`). One thread: runs before the mark.
            self.pool.submit(_stop_waiting_for_disk)
        self.pending = self.pool.submit(_mark_sent, row)

    def wait(self):
        """Until the last row added is recorded; raises what recording it raised."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is None:
            return
        try:
            self.wait()
        finally:
            # The thread's own connection (Django opens one per thread) ends with it.
            self.pool.submit(_close_connection).result()
            self.pool.shutdown()


def _close_connection():
    db_connection.close()  # this thread's: the proxy looks it up here


def _mark_sent(row):
    """The server has the message: record it, so that a crash from here on can send only this
    very message again (module docstring). One commit per message; on PostgreSQL it does not
    wait for the disk (`_commits_without_waiting_for_disk`).

    The same UPDATE as ``filter(pk=…, state=SENDING).update(state=SENT, sent_at=…,
    reason="")``, written out once: building it through the ORM for every message took more
    time than sending the message."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            _mark_sent_sql(),
            [
                DeliveryState.SENT,
                db_connection.ops.adapt_datetimefield_value(timezone.now()),
                "",
                row.pk,
                DeliveryState.SENDING,
            ],
        )


@cache
def _mark_sent_sql() -> str:
    quote = db_connection.ops.quote_name
    column = {f.name: quote(f.column) for f in BulletinDelivery._meta.concrete_fields}
    # Names from the model's own metadata, quoted; the values go as parameters.
    return (
        f"UPDATE {quote(BulletinDelivery._meta.db_table)} "  # noqa: S608
        f"SET {column['state']} = %s, {column['sent_at']} = %s, {column['reason']} = %s "
        f"WHERE {column['id']} = %s AND {column['state']} = %s"
    )


def _pause(row, reason):
    """Back to the queue without counting an attempt (the server, not the address, failed)."""
    BulletinDelivery.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.QUEUED,
        reason=reason[:300],
        next_attempt_at=timezone.now() + SERVER_DOWN_PAUSE,
    )


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _finish(row, state, reason):
    BulletinDelivery.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
        state=state, reason=reason[:300], attempts=row.attempts + 1
    )


def _retry(row, reason) -> int:
    """Back to the queue after a pause that doubles each time; failed after MAX_ATTEMPTS."""
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        _finish(row, DeliveryState.FAILED, reason)
        return 0
    pause = min(FIRST_RETRY * (2 ** (attempts - 1)), LAST_RETRY)
    BulletinDelivery.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.QUEUED,
        attempts=attempts,
        reason=reason[:300],
        next_attempt_at=timezone.now() + pause,
    )
    return 1


def requeue_stuck(now=None) -> int:
    """The sweeper (beat, every few minutes). Rows left in `sending` by a worker that died go
    back to the queue, counting an attempt, so a row that kills its worker every time ends
    failed. Their message may have gone out just before the crash: see the module docstring.
    Then every bulletin with queued rows that are due and that no task seems to be working on
    (the broker was down at commit, or Redis lost a scheduled retry) gets a task."""
    now = now or timezone.now()
    requeued = 0
    for row in BulletinDelivery.objects.filter(
        state=DeliveryState.SENDING, claimed_at__lt=now - STUCK_AFTER
    ):
        if row.attempts + 1 >= MAX_ATTEMPTS:
            BulletinDelivery.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
                state=DeliveryState.FAILED,
                attempts=row.attempts + 1,
                reason=gettext_noop("Sending stopped halfway too often."),
            )
            continue
        requeued += BulletinDelivery.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.QUEUED, attempts=row.attempts + 1, next_attempt_at=None
        )
    forgotten = BulletinDelivery.objects.filter(
        Q(next_attempt_at__lte=now - FORGOTTEN_AFTER)
        | Q(next_attempt_at__isnull=True, bulletin__created_at__lte=now - FORGOTTEN_AFTER),
        state=DeliveryState.QUEUED,
    )
    for bulletin_id in set(forgotten.values_list("bulletin_id", flat=True)):
        transaction.on_commit(lambda pk=bulletin_id: making.queue_sending(pk), robust=True)
    return requeued


def retry_failed(bulletin, *, actor) -> int:
    """The officer sends the failed, bounced and waiting rows of a bulletin once more, to the
    shop's current address, if the shop still takes bulletins."""
    if not access.can(actor, bulletin.partnership, "review_incidents"):
        raise RegisterError(_("Only the community police officer manages the bulletins."))
    retryable = (DeliveryState.FAILED, DeliveryState.BOUNCED, DeliveryState.QUEUED)
    with transaction.atomic():
        rows = BulletinDelivery.objects.select_for_update().filter(
            bulletin=bulletin, state__in=retryable
        )
        eligible = {row.shop_id: row for row in outbox_rows(bulletin)}
        count = 0
        for row in rows:
            fresh = eligible.get(row.shop_id)
            if fresh is None:
                row.state, row.reason = (
                    DeliveryState.NOT_SENT,
                    gettext_noop("The shop no longer takes part"),
                )
            elif fresh.state == DeliveryState.NOT_SENT:
                row.state, row.reason = fresh.state, fresh.reason
            else:
                row.state, row.reason, row.email = DeliveryState.QUEUED, "", fresh.email
                row.attempts, row.next_attempt_at = 0, None
                count += 1
            row.save(update_fields=["state", "reason", "email", "attempts", "next_attempt_at"])
        log_action(
            "bulletins.bulletin.retried",
            actor=actor,
            partnership=bulletin.partnership,
            obj=bulletin,
            data={"rows": count},
        )
        transaction.on_commit(lambda: making.queue_sending(bulletin.pk), robust=True)
    return count
