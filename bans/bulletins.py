"""Photo bulletins: the people with a collective measure in force, pushed to every participating
shop by email (DESIGN.md sections 3 and 4; ADR 0007).

Making: `make_bulletin` fixes the edition's list and writes one outbox row per active shop (queued,
or not sent with the reason). Red cards decided within `BULLETIN_DELAY_SECONDS` of each other make
one bulletin (`request_bulletin` → `make_due_bulletins`); Celery beat makes a weekly digest; an
officer can make one by hand.

Sending: `send_deliveries` claims queued rows in batches (SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL), sends a batch over one SMTP connection and marks each row sent, or schedules a retry
with exponential backoff, or fails it with the reason. A row is marked sent right after its
message is accepted, so a second run sends nothing twice; only a worker killed between the SMTP
server accepting a message and that update can send it again, once the sweeper has put the stuck
row back (`requeue_stuck`). A measure revoked after the bulletin was made is left out of every
email sent after the revocation.
"""

import logging
import math
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.mime.image import MIMEImage

from celery import current_app
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart, SafeMIMEText
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
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
from kvo.lib.images import decode_for_watermark, watermark
from merchants import access
from merchants.models import ProtocolDeclaration, Shop
from merchants.services import current_protocol, log_action

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
    shops = Shop.objects.in_partnership(bulletin.partnership).filter(active=True, area__active=True)
    for shop in shops.order_by("pk"):
        row = BulletinDelivery(bulletin=bulletin, shop=shop, email=shop.bulletin_email)
        if shop.pk not in signed:
            row.state, row.reason = DeliveryState.NOT_SENT, _("No signed protocol declaration")
        elif not shop.bulletin_email:
            row.state, row.reason = DeliveryState.NOT_SENT, _("No bulletin address")
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
    while result.batches < max_batches:
        rows = _claim(bulletin_id, batch_size, now or timezone.now())
        if not rows:
            break
        result.batches += 1
        _send_batch(rows, result)
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


def _claim(bulletin_id, batch_size, now) -> list:
    """Take a batch of due rows for this worker: queued → sending, skipping rows another worker
    holds (PostgreSQL; SQLite has one writer at a time anyway)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    with transaction.atomic():
        queryset = BulletinDelivery.objects.select_for_update(skip_locked=True).filter(
            due, state=DeliveryState.QUEUED
        )
        if bulletin_id:
            queryset = queryset.filter(bulletin_id=bulletin_id)
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return []
        BulletinDelivery.objects.filter(pk__in=ids, state=DeliveryState.QUEUED).update(
            state=DeliveryState.SENDING, claimed_at=now
        )
    return list(
        BulletinDelivery.objects.filter(pk__in=ids, state=DeliveryState.SENDING)
        .select_related("bulletin__partnership", "shop")
        .order_by("pk")
    )


class _Photos:
    """Each person's thumbnail (at most 320 px: enough to recognise a face, too small to print a
    poster) read and decoded once per batch, and watermarked per recipient."""

    def __init__(self):
        self._decoded = {}

    def for_shop(self, entry, shop, day) -> bytes | None:
        if entry.person_id not in self._decoded:
            photo = entry.person.photos.order_by("-created_at").first()
            self._decoded[entry.person_id] = decoded_photo(photo) if photo else None
        image = self._decoded[entry.person_id]
        if image is None:
            return None
        return watermark(image, f"{shop.name} · {day:%d-%m-%Y}", opacity=0.35, fast=True)


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


def _send_batch(rows, result):
    day = timezone.localdate()
    photos = _Photos()
    entries_of = {}
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        # Nobody's fault but the server's: no attempt is counted.
        for row in rows:
            _pause(row, _("The mail server could not be reached: %(error)s") % {"error": error})
            result.retried += 1
        return
    try:
        for index, row in enumerate(rows):
            if row.bulletin_id not in entries_of:
                entries_of[row.bulletin_id] = current_entries(row.bulletin, day)
            try:
                message = build_message(row, entries_of[row.bulletin_id], photos, day)
                message.connection = connection
            except Exception:  # a content fault fails this row only, and is not retried
                logger.exception("bulletins: could not build the email for delivery %s", row.pk)
                _finish(row, DeliveryState.FAILED, _("The email could not be made."))
                result.failed += 1
                continue
            outcome = _deliver(message, row)
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
    finally:
        connection.close()


def _deliver(message, row) -> str:
    """Send one message: "sent", "failed" (permanent), "retry" or "reconnect" (the connection
    is gone; the row is retried)."""
    try:
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
    BulletinDelivery.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), reason=""
    )
    return "sent"


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


def link_token(bulletin_id, shop_id) -> str:
    return signing.dumps({"b": bulletin_id, "s": shop_id}, salt=LINK_SALT, compress=True)


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


def build_message(row, entries, photos, day) -> EmailMultiAlternatives:
    bulletin, shop = row.bulletin, row.shop
    inline = bulletin.mode == "inline"
    people = []
    images = []
    for entry in entries:
        cid = None
        if inline:
            data = photos.for_shop(entry, shop, day)
            if data is not None:
                cid = f"person-{entry.person_id}-{row.pk}@kvo"
                image = MIMEImage(data, "jpeg")
                image.add_header("Content-ID", f"<{cid}>")
                image.add_header("Content-Disposition", "inline", filename=f"{entry.person_id}.jpg")
                images.append(image)
        people.append(
            {
                "name": entry.person.display_name,
                "description": entry.person.description,
                "kind": entry.measure.get_kind_display(),
                "is_ban": entry.measure.kind in BAN_KINDS,
                "ends_on": entry.measure.ends_on,
                "is_new": entry.is_new,
                "cid": cid,
            }
        )
    link = settings.SITE_URL + reverse("bans:bulletin", args=[bulletin.pk])
    if not inline:
        link += "?t=" + link_token(bulletin.pk, shop.pk)
    context = {
        "bulletin": bulletin,
        "partnership": bulletin.partnership,
        "shop": shop,
        "people": people,
        "inline": inline,
        "link": link,
        "day": day,
        "last_day": max((p["ends_on"] for p in people), default=None),
    }
    with translation.override(LANGUAGE):
        subject = " ".join(render_to_string("bans/email/bulletin_subject.txt", context).split())
        text = render_to_string("bans/email/bulletin_message.txt", context)
        html = render_to_string("bans/email/bulletin_message.html", context)
    message = BulletinEmail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=[row.email],
        headers={"Sensitivity": "Company-Confidential", "X-KVO-Bulletin": str(bulletin.pk)},
    )
    message.attach_alternative(html, "text/html")
    message.related = images
    return message


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
