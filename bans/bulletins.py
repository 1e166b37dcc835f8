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
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.mime.image import MIMEImage

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
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
from kvo.lib.images import watermark
from merchants import access
from merchants.models import ProtocolDeclaration, Shop
from merchants.services import current_protocol, log_action

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)
STUCK_AFTER = timedelta(minutes=10)
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
        BulletinDelivery.objects.bulk_create(_outbox(bulletin))
        log_action(
            "bans.bulletin.made",
            actor=actor,
            partnership=partnership,
            obj=bulletin,
            data={"trigger": trigger, "people": len(people)},
        )
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
    cards decided in the meantime."""
    now = now or timezone.now()
    delay = timedelta(seconds=settings.BULLETIN_DELAY_SECONDS)
    try:
        with transaction.atomic():
            request, _created = BulletinRequest.objects.get_or_create(
                partnership=partnership, bulletin=None, defaults={"due_at": now + delay}
            )
    except IntegrityError:  # opened by a decision at the same moment
        request = BulletinRequest.objects.get(partnership=partnership, bulletin=None)
    _queue_due(request.due_at)
    return request


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
            bulletin = make_bulletin(request.partnership, trigger=BulletinTrigger.DECISION, now=now)
            if bulletin is None:
                request.delete()  # the card was revoked before the bulletin was due
                continue
            request.bulletin = bulletin
            request.save(update_fields=["bulletin"])
            made += 1
    return made


def weekly_bulletins(now=None) -> int:
    from merchants.models import Partnership

    made = 0
    for partnership in Partnership.objects.filter(active=True):
        if make_bulletin(partnership, trigger=BulletinTrigger.WEEKLY, now=now):
            made += 1
    return made


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


def send_deliveries(bulletin_id=None, *, batch_size=BATCH_SIZE, now=None) -> SendResult:
    """Send every queued row that is due, batch by batch; schedule the next retry if rows wait."""
    result = SendResult()
    while True:
        rows = _claim(bulletin_id, batch_size, now or timezone.now())
        if not rows:
            break
        result.batches += 1
        _send_batch(rows, result)
    waiting = BulletinDelivery.objects.filter(state=DeliveryState.QUEUED)
    if bulletin_id:
        waiting = waiting.filter(bulletin_id=bulletin_id)
    next_at = waiting.aggregate(at=Min("next_attempt_at"))["at"]
    if next_at and bulletin_id:
        _queue_sending(bulletin_id, countdown=max(1, (next_at - timezone.now()).total_seconds()))
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
    poster) read once per batch, and watermarked per recipient."""

    def __init__(self):
        self._small = {}

    def for_shop(self, entry, shop, day) -> bytes | None:
        if entry.person_id not in self._small:
            photo = entry.person.photos.order_by("-created_at").first()
            small = None
            if photo is not None:
                with default_storage.open(photo.thumbnail.name, "rb") as handle:
                    small = handle.read()
            self._small[entry.person_id] = small
        small = self._small[entry.person_id]
        if small is None:
            return None
        return watermark(small, f"{shop.name} · {day:%d-%m-%Y}", opacity=0.35)


def _send_batch(rows, result):
    day = timezone.localdate()
    photos = _Photos()
    entries_of = {}
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        for row in rows:
            _retry(row, _("The mail server could not be reached: %(error)s") % {"error": error})
            result.retried += 1
        return
    try:
        for row in rows:
            if row.bulletin_id not in entries_of:
                entries_of[row.bulletin_id] = current_entries(row.bulletin, day)
            try:
                message = build_message(row, entries_of[row.bulletin_id], photos, day)
                message.connection = connection
                message.send()
            except smtplib.SMTPRecipientsRefused as error:
                code, text = next(iter(error.recipients.values()), (0, b""))
                reason = f"{code} {_text(text)}".strip()
                if 500 <= code < 600:
                    _finish(row, DeliveryState.BOUNCED, reason)
                    result.failed += 1
                else:
                    result.retried += _retry(row, reason)
            except (ValueError, UnicodeError) as error:  # a malformed address
                _finish(
                    row, DeliveryState.FAILED, _("Invalid address: %(error)s") % {"error": error}
                )
                result.failed += 1
            except (OSError, smtplib.SMTPException) as error:
                result.retried += _retry(row, str(error)[:300] or error.__class__.__name__)
                # The connection may be gone: start a new one for the rest of the batch.
                connection.close()
                try:
                    connection.open()
                except (OSError, smtplib.SMTPException):
                    for rest in rows[rows.index(row) + 1 :]:
                        result.retried += _retry(rest, _("The mail server went away."))
                    return
            else:
                BulletinDelivery.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
                    state=DeliveryState.SENT, sent_at=timezone.now(), reason=""
                )
                result.sent += 1
    finally:
        connection.close()


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
    """Rows left in `sending` by a worker that died are queued again (the sweeper, every few
    minutes). Their message may have gone out just before the crash: see the module docstring."""
    now = now or timezone.now()
    stuck = BulletinDelivery.objects.filter(
        state=DeliveryState.SENDING, claimed_at__lt=now - STUCK_AFTER
    )
    bulletins = set(stuck.values_list("bulletin_id", flat=True))
    count = stuck.update(state=DeliveryState.QUEUED, next_attempt_at=None)
    for bulletin_id in bulletins:
        transaction.on_commit(lambda pk=bulletin_id: _queue_sending(pk), robust=True)
    return count


def retry_failed(bulletin, *, actor) -> int:
    """The officer sends the failed and bounced rows of a bulletin once more."""
    if not access.can(actor, bulletin.partnership, "review_incidents"):
        raise RegisterError(_("Only the community police officer manages the bulletins."))
    with transaction.atomic():
        count = BulletinDelivery.objects.filter(
            bulletin=bulletin, state__in=(DeliveryState.FAILED, DeliveryState.BOUNCED)
        ).update(state=DeliveryState.QUEUED, attempts=0, next_attempt_at=None)
        # The address may have been corrected since.
        for row in BulletinDelivery.objects.filter(
            bulletin=bulletin, state=DeliveryState.QUEUED
        ).select_related("shop"):
            if row.email != row.shop.bulletin_email and row.shop.bulletin_email:
                BulletinDelivery.objects.filter(pk=row.pk).update(email=row.shop.bulletin_email)
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
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=[row.email],
        headers={"Sensitivity": "Company-Confidential", "X-KVO-Bulletin": str(bulletin.pk)},
    )
    message.attach_alternative(html, "text/html")
    if images:
        message.mixed_subtype = "related"
        for image in images:
            message.attach(image)
    return message


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
