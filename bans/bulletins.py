"""Photo bulletins: the people with a collective measure in force, pushed to every participating
shop by email (DESIGN.md sections 3 and 4; ADR 0007).

Making: `make_bulletin` fixes the edition's list and writes one outbox row per active shop (queued,
or not sent with the reason). Red cards decided within `BULLETIN_DELAY_SECONDS` of each other make
one bulletin (`request_bulletin` → `make_due_bulletins`); Celery beat makes a weekly digest; an
officer can make one by hand.

Sending: `send_deliveries` claims queued rows in batches (SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL), sends a batch over one SMTP connection and marks each row sent, or schedules a retry
with exponential backoff, or fails it with the reason. A row is marked sent (committed) before
the next message's data goes to the server, so a second run sends nothing twice; only a worker
killed between the SMTP server accepting a message and that commit can send it again, once the
sweeper has put the stuck row back (`requeue_stuck`). A measure revoked after the bulletin was
made is left out of every email sent after the revocation.

Speed (bench/README.md, ADR 0007): the email is rendered once per bulletin and batch (`Edition`)
and filled in per shop at the byte level (`plumbing.mail.MailMerge`: the same bytes Django would
build); each shop's photos are watermarked with one mark drawn once for it
(`plumbing.images.watermark`, which keeps the layer), a few messages ahead in a second thread; on
PostgreSQL the sent marks are committed from another thread while the next message's envelope
goes out, without waiting for the disk (`_Marks`, `_commits_without_waiting_for_disk`).
"""

import logging
import math
import smtplib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.mime.image import MIMEImage
from functools import cache
from itertools import islice

from celery import current_app
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart, SafeMIMEText
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Count, Max, Min, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from bans.models import (
    BAN_KINDS,
    Bulletin,
    BulletinDelivery,
    BulletinEntry,
    BulletinRequest,
    BulletinTrigger,
    DeliveryState,
    Measure,
)
from bans.selectors import gallery_people
from bans.services import RegisterError
from merchants import access
from merchants.models import ProtocolDeclaration, Shop
from merchants.services import current_protocol, log_action
from plumbing.images import decode_for_watermark, watermark
from plumbing.mail import (
    InvalidRecipient,
    MailMerge,
    MergedMessage,
    MergeUnavailable,
    as_merged,
    send_merged,
    sends_merged,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
# One task sends at most this many batches, then hands over to a fresh task (time limits).
BATCHES_PER_TASK = 10
# 1, 2, 4, 8, 16, 32, 60 minutes: a mail server may be away for about two hours.
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)
# When the mail server cannot be reached at all, nobody's attempts are counted; try again then.
SERVER_DOWN_PAUSE = timedelta(minutes=5)
STUCK_AFTER = timedelta(minutes=10)
# A queued row this long without a task working on it is picked up by the sweeper.
FORGOTTEN_AFTER = timedelta(minutes=2)
LINK_SALT = "bans.bulletin.link"
LINK_MAX_AGE = timedelta(days=14)
LANGUAGE = "nl"


# --- Making ----------------------------------------------------------------------------------


def make_bulletin(partnership, *, trigger, actor=None, now=None) -> Bulletin | None:
    """A new edition with the people in force today, and its outbox. None when nobody has a
    collective measure in force (no empty bulletins go out)."""
    if trigger == BulletinTrigger.MANUAL and not access.can(actor, partnership, "review_incidents"):
        raise RegisterError(_("Only the community police officer makes a bulletin by hand."))
    now = now or timezone.now()
    people = gallery_people(partnership, day=timezone.localdate(now))
    if not people:
        return None
    with transaction.atomic():
        # One edition at a time per partnership: its number is the next one.
        type(partnership).objects.select_for_update().get(pk=partnership.pk)
        last = Bulletin.objects.filter(partnership=partnership).order_by("-number").first()
        before = (
            set(BulletinEntry.objects.filter(bulletin=last).values_list("person_id", flat=True))
            if last
            else set()
        )
        bulletin = Bulletin.objects.create(
            partnership=partnership,
            number=(last.number + 1) if last else 1,
            trigger=trigger,
            mode=partnership.bulletin_mode,
            created_by=actor if trigger == BulletinTrigger.MANUAL else None,
        )
        BulletinEntry.objects.bulk_create(
            BulletinEntry(
                bulletin=bulletin,
                person=person,
                measure=person.measure,
                is_new=person.pk not in before,
                position=position,
            )
            for position, person in enumerate(people)
        )
        rows = BulletinDelivery.objects.bulk_create(_outbox(bulletin))
        queued = sum(1 for row in rows if row.state == DeliveryState.QUEUED)
        log_action(
            "bans.bulletin.made",
            actor=actor,
            partnership=partnership,
            obj=bulletin,
            data={"trigger": trigger, "people": len(people)},
        )
        # One task per BATCHES_PER_TASK batches (up to four): idle workers share the outbox,
        # each claiming its own rows with SKIP LOCKED.
        tasks = min(4, max(1, math.ceil(queued / (BATCH_SIZE * BATCHES_PER_TASK))))
        for _task in range(tasks):
            transaction.on_commit(lambda: _queue_sending(bulletin.pk), robust=True)
    return bulletin


def _outbox(bulletin):
    """One row per active participating shop: queued, or not sent with the reason."""
    version = current_protocol(bulletin.partnership)
    signed = set(
        ProtocolDeclaration.objects.filter(version=version, shop__isnull=False).values_list(
            "shop_id", flat=True
        )
        if version
        else []
    )
    unsigned, no_address = _("No signed protocol declaration"), _("No bulletin address")
    shops = Shop.objects.in_partnership(bulletin.partnership).filter(active=True, area__active=True)
    # Ids and addresses only: a national partnership has thousands of shops.
    for shop_id, email in shops.order_by("pk").values_list("pk", "bulletin_email"):
        row = BulletinDelivery(bulletin=bulletin, shop_id=shop_id, email=email)
        if shop_id not in signed:
            row.state, row.reason = DeliveryState.NOT_SENT, unsigned
        elif not email:
            row.state, row.reason = DeliveryState.NOT_SENT, no_address
        yield row


def request_bulletin(partnership, *, now=None) -> BulletinRequest:
    """A red card was decided: a bulletin follows after the delay, together with any other red
    cards decided in the meantime. The open request is locked: if the bulletin is being made
    right now, this decision waits for it and then opens a new request, so it is never lost."""
    now = now or timezone.now()
    delay = timedelta(seconds=settings.BULLETIN_DELAY_SECONDS)
    try:
        with transaction.atomic():
            request = (
                BulletinRequest.objects.select_for_update()
                .filter(partnership=partnership, bulletin=None)
                .first()
            )
            if request is None:
                request = BulletinRequest.objects.create(
                    partnership=partnership, due_at=now + delay
                )
    except IntegrityError:  # opened by a decision at the same moment
        request = BulletinRequest.objects.get(partnership=partnership, bulletin=None)
    _queue_due(request.due_at)
    return request


def _news(partnership, day) -> bool:
    """Is a ban in force that the last edition did not have? (A red card revoked before its
    bulletin was due makes no bulletin.)"""
    bans = Measure.objects.filter(partnership=partnership, kind__in=BAN_KINDS).in_force_on(day)
    last = Bulletin.objects.filter(partnership=partnership).order_by("-number").first()
    if last is not None:
        bans = bans.exclude(pk__in=last.entries.values("measure"))
    return bans.exists()


def make_due_bulletins(now=None) -> int:
    """Make the bulletins whose requests have fallen due (a task at the due time, and beat every
    few minutes in case that task was lost). Idempotent: a request is answered once."""
    now = now or timezone.now()
    made = 0
    for pk in BulletinRequest.objects.filter(bulletin=None, due_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            request = (
                BulletinRequest.objects.select_for_update()
                .select_related("partnership")
                .filter(pk=pk, bulletin=None)
                .first()
            )
            if request is None:
                continue
            bulletin = None
            if _news(request.partnership, timezone.localdate(now)):
                bulletin = make_bulletin(
                    request.partnership, trigger=BulletinTrigger.DECISION, now=now
                )
            if bulletin is None:
                request.delete()  # nothing new: the card was revoked before it was due
                continue
            request.bulletin = bulletin
            request.save(update_fields=["bulletin"])
            made += 1
    return made


def weekly_bulletin(partnership, now=None) -> Bulletin | None:
    """This week's digest, once: a rerun of the task (acks_late, a beat firing twice) finds it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_start = today - timedelta(days=today.weekday())
    if Bulletin.objects.filter(
        partnership=partnership,
        trigger=BulletinTrigger.WEEKLY,
        created_at__date__gte=week_start,
    ).exists():
        return None
    return make_bulletin(partnership, trigger=BulletinTrigger.WEEKLY, now=now)


def _queue_sending(bulletin_id, countdown=0):
    from bans.tasks import send_bulletin_deliveries

    send_bulletin_deliveries.apply_async((bulletin_id,), countdown=countdown)


def _queue_due(due_at):
    from bans.tasks import make_due_bulletins_task

    eta_seconds = max(0, (due_at - timezone.now()).total_seconds())
    make_due_bulletins_task.apply_async(countdown=eta_seconds)


# --- Sending ---------------------------------------------------------------------------------


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
            _queue_sending(bulletin_id)
        elif next_at:
            _queue_sending(
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


class _Photos:
    """Each person's thumbnail (at most 320 px: enough to recognise a face, too small to print a
    poster) read and decoded once per batch, and watermarked per recipient."""

    def __init__(self):
        self._decoded = {}

    def load(self, entries):
        """Read and decode the entries' newest photos now, with one query for all, so that
        marking them (perhaps in another thread) needs no database."""
        todo = [entry for entry in entries if entry.person_id not in self._decoded]
        prefetch_related_objects(todo, "person__photos")
        for entry in todo:
            photo = next(iter(entry.person.photos.all()), None)  # newest first
            self._decoded[entry.person_id] = decoded_photo(photo) if photo else None

    def has(self, entry) -> bool:
        self.load([entry])
        return self._decoded[entry.person_id] is not None

    def for_shop(self, entry, shop, day) -> bytes | None:
        self.load([entry])
        image = self._decoded[entry.person_id]
        if image is None:
            return None
        # The shop's mark is drawn for its first photo and kept (rows arrive shop by shop).
        return mark_photo(image, f"{shop.name} · {day:%d-%m-%Y}")


def mark_photo(image, text) -> bytes:
    """A baseline JPEG: about twice as quick to encode as progressive, for bulk mail."""
    return watermark(image, text, opacity=0.35, fast=True)


def decoded_photo(photo):
    """A person's thumbnail decoded, or None (logged) when its file is missing or unreadable:
    the bulletin goes out without that photo rather than not at all."""
    try:
        with default_storage.open(photo.thumbnail.name, "rb") as handle:
            return decode_for_watermark(handle.read())
    except (OSError, ValueError, SyntaxError):
        logger.warning(
            "bulletins: the photo %s of person %s cannot be read", photo.pk, photo.person_id
        )
        return None


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
        for row in rows:
            _pause(row, _("The mail server could not be reached: %(error)s") % {"error": error})
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
                        _pause(rest, _("The mail server went away."))
                        result.retried += 1
                    return


def _fail_build(row, error):
    if isinstance(error, InvalidRecipient):
        _finish(row, DeliveryState.FAILED, _("Invalid address: %(error)s") % {"error": error})
        return
    # A content fault fails this row only, and is not retried.
    logger.error("bulletins: could not build the email for delivery %s", row.pk, exc_info=error)
    _finish(row, DeliveryState.FAILED, _("The email could not be made."))


class _Builder:
    """(row, message, None) or (row, None, the error building it raised) for each row, in
    order; built `ahead` rows in advance in one other thread, or here when `ahead` is 0."""

    def __init__(self, rows, editions, merged, ahead):
        self.rows, self.editions, self.merged, self.ahead = rows, editions, merged, ahead
        self.pool = ThreadPoolExecutor(1, "bulletin-build") if ahead and len(rows) > 1 else None

    def build(self, row):
        try:
            return row, build_message(row, self.editions[row.bulletin_id], merged=self.merged), None
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
        _retry(row, str(error) or _("The mail server went away."))
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
                reason=_("Sending stopped halfway too often."),
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
        transaction.on_commit(lambda pk=bulletin_id: _queue_sending(pk), robust=True)
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
        eligible = {row.shop_id: row for row in _outbox(bulletin)}
        count = 0
        for row in rows:
            fresh = eligible.get(row.shop_id)
            if fresh is None:
                row.state, row.reason = DeliveryState.NOT_SENT, _("The shop no longer takes part")
            elif fresh.state == DeliveryState.NOT_SENT:
                row.state, row.reason = fresh.state, fresh.reason
            else:
                row.state, row.reason, row.email = DeliveryState.QUEUED, "", fresh.email
                row.attempts, row.next_attempt_at = 0, None
                count += 1
            row.save(update_fields=["state", "reason", "email", "attempts", "next_attempt_at"])
        log_action(
            "bans.bulletin.retried",
            actor=actor,
            partnership=bulletin.partnership,
            obj=bulletin,
            data={"rows": count},
        )
        transaction.on_commit(lambda: _queue_sending(bulletin.pk), robust=True)
    return count


# --- Content -------------------------------------------------------------------------------------


def current_entries(bulletin, day) -> list:
    """The edition's people whose measure is still in force: a revoked card is not sent."""
    in_force = Measure.objects.in_force_on(day).values("pk")
    return list(
        bulletin.entries.filter(
            measure__in=in_force,
            person__merged_into__isnull=True,
            person__personal_data_removed_at__isnull=True,
        )
        .select_related("person", "measure")
        .order_by("position")
    )


def link_token(bulletin_id, shop_id, signer=None) -> str:
    """What `signing.dumps` makes, with a signer made once per batch (``_link_signer``). Not
    compressed: zlib took 0.15 ms per shop to make these 40 bytes no shorter (`read_link_token`
    reads either)."""
    return (signer or _link_signer()).sign_object({"b": bulletin_id, "s": shop_id})


def _link_signer():
    return signing.TimestampSigner(salt=LINK_SALT)


def read_link_token(token, bulletin_id):
    """The shop a bulletin link was made for, or None when it is forged, expired or for another
    bulletin."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("b") != bulletin_id:
        return None
    return data.get("s")


class Edition:
    """One bulletin as a batch sends it: the entries still in force, their photos, and the email
    rendered once, with placeholders for what differs per shop (its name, its link, the photos'
    Content-IDs and the photos themselves, watermarked for it); `build_message` fills them in.
    Rendering the templates per shop took more time than sending the message."""

    def __init__(self, bulletin, day, entries):
        self.bulletin, self.day, self.entries = bulletin, day, entries
        self.inline = bulletin.mode == "inline"
        self.photos = _Photos()
        if self.inline:
            self.photos.load(entries)
        self.content = _content(bulletin, entries, self.inline)
        self.photographed = [e for e in self.entries if self.inline and self.photos.has(e)]
        self.link = settings.SITE_URL + reverse("bans:bulletin", args=[bulletin.pk])
        self.signer = _link_signer()
        self.error = None
        try:
            self._render()
        except Exception as error:
            self.error = error

    def _render(self):
        merge = self.merge = MailMerge()
        shop_text, shop_html = merge.field("shop"), merge.field("shop-html")
        if self.inline:
            link_text = link_html = self.link  # not in the email: the photos are
            row = merge.ascii_field("row")
        else:
            link_text, link_html, row = merge.field("link"), merge.field("link-html"), None
        photographed = {entry.person_id for entry in self.photographed}
        people = [
            {
                "name": entry.person.display_name,
                "description": entry.person.description,
                "kind": entry.measure.get_kind_display(),
                "is_ban": entry.measure.kind in BAN_KINDS,
                "ends_on": entry.measure.ends_on,
                "is_new": entry.is_new,
                "cid": _cid(entry, row) if entry.person_id in photographed else None,
            }
            for entry in self.entries
        ]

        def context(shop_name, link):
            return {
                "bulletin": self.bulletin,
                "partnership": self.bulletin.partnership,
                "shop": _Shop(shop_name),
                "people": people,
                "inline": self.inline,
                "link": link,
                "day": self.day,
                "last_day": max((p["ends_on"] for p in people), default=None),
            }

        with translation.override(LANGUAGE):
            text_context = context(shop_text, link_text)
            subject = render_to_string("bans/email/bulletin_subject.txt", text_context)
            self.subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
            self.text = render_to_string("bans/email/bulletin_message.txt", text_context)
            self.html = render_to_string(
                "bans/email/bulletin_message.html", context(shop_html, link_html)
            )
        images = [
            (entry.person_id, _cid(entry, row), merge.binary_field(f"photo-{entry.person_id}"))
            for entry in self.photographed
        ]
        try:
            merge.compile(self.email(None, self.text, self.html, images))
        except MergeUnavailable as error:
            # A person's description with a line over 998 bytes, say: still correct, slower.
            logger.info("bulletins: bulletin %s is built per shop: %s", self.bulletin.pk, error)
            self.merge_ready = False
        else:
            self.merge_ready = True

    def shows(self, bulletin, entries, day) -> bool:
        """Is this what an edition made now would show? (Its photos are decoded already.)"""
        if self.inline:
            prefetch_related_objects(entries, "person__photos")
        return day == self.day and _content(bulletin, entries, self.inline) == self.content

    def values(self, row) -> tuple[dict, dict]:
        """The placeholders' values for this row, and its photos: {person id: JPEG}."""
        shop = row.shop
        values = {"shop": shop.name, "shop-html": escape(shop.name)}
        photos = {}
        if self.inline:
            values["row"] = str(row.pk)
            for entry in self.photographed:
                photos[entry.person_id] = self.photos.for_shop(entry, shop, self.day)
        else:
            link = f"{self.link}?t={link_token(self.bulletin.pk, shop.pk, self.signer)}"
            values.update({"link": link, "link-html": escape(link)})
        return values, photos

    def email(self, to, text, html, images) -> "BulletinEmail":
        """The message built the ordinary way, with Django's MIME classes; ``images`` are
        (person id, Content-ID, JPEG)."""
        related = []
        for person_id, cid, data in images:
            image = MIMEImage(data, "jpeg")
            image.add_header("Content-ID", f"<{cid}>")
            image.add_header("Content-Disposition", "inline", filename=f"{person_id}.jpg")
            related.append(image)
        message = BulletinEmail(
            subject=self.subject,
            body=text,
            to=[to] if to else [],
            headers={
                "Sensitivity": "Company-Confidential",
                "X-KVO-Bulletin": str(self.bulletin.pk),
            },
        )
        message.attach_alternative(html, "text/html")
        message.related = related
        return message


def _content(bulletin, entries, inline) -> tuple:
    """Everything of the bulletin and its entries that the email shows, apart from the shop."""
    return (
        bulletin.partnership.name,
        *(
            (
                entry.pk,
                entry.is_new,
                entry.person.display_name,
                entry.person.description,
                entry.measure.kind,
                entry.measure.ends_on,
                # The newest photo, loaded with the entries (`_Photos.load`).
                next(iter(entry.person.photos.all()), None) if inline else None,
            )
            for entry in entries
        ),
    )


class _Shop:
    """What the templates read of the shop, with a placeholder for its name."""

    def __init__(self, name):
        self.name = name


def _cid(entry, row):
    return f"person-{entry.person_id}-{row}@kvo"


def build_message(row, edition, *, merged=False):
    """The email for one row: the bytes for the wire (`MergedMessage`) when ``merged`` and the
    bulletin allows it, else a `BulletinEmail`. Raises `InvalidRecipient` for an address the
    mail library refuses, and whatever rendering the bulletin raised."""
    if edition.error is not None:
        raise edition.error
    values, photos = edition.values(row)
    if merged and edition.merge_ready:
        binaries = {
            f"photo-{entry.person_id}": photos[entry.person_id] for entry in edition.photographed
        }
        message = edition.merge.render(row.email, values, binaries)
        if message is not None:
            return message
    images = [
        (entry.person_id, _cid(entry, row.pk), photos[entry.person_id])
        for entry in edition.photographed
    ]
    fill = edition.merge.fill
    return edition.email(row.email, fill(edition.text, values), fill(edition.html, values), images)


class BulletinEmail(EmailMultiAlternatives):
    """multipart/alternative of the text and a multipart/related (RFC 2387) of the HTML with its
    photos, so mail clients show the photos in the page, not as attachments."""

    related = ()

    def _create_alternatives(self, msg):
        if not self.related:
            return super()._create_alternatives(msg)
        encoding = self.encoding or settings.DEFAULT_CHARSET
        html = next(a.content for a in self.alternatives if a.mimetype == "text/html")
        page = SafeMIMEMultipart(_subtype="related", encoding=encoding)
        page.set_param("type", "text/html")
        page.attach(SafeMIMEText(html, "html", encoding))
        for image in self.related:
            page.attach(image)
        both = SafeMIMEMultipart(_subtype="alternative", encoding=encoding)
        both.attach(msg)
        both.attach(page)
        return both


# --- Figures for the delivery report --------------------------------------------------------------


def delivery_counts(bulletins) -> dict:
    """{bulletin_id: {state: count}} for a list of bulletins, in one query."""
    counts = {}
    for row in (
        BulletinDelivery.objects.filter(bulletin__in=bulletins)
        .values("bulletin_id", "state")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["bulletin_id"], {})[row["state"]] = row["n"]
    return counts


def last_sent_at(bulletin):
    return bulletin.deliveries.aggregate(at=Max("sent_at"))["at"]
