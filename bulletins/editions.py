"""Bulletin editions (DESIGN.md sections 3 and 4; ADR 0007): the people with a collective measure
in force, fixed per edition, with one outbox row per active participating shop (queued, or not
sent with the reason). Red cards decided within `BULLETIN_DELAY_SECONDS` of each other make one
bulletin (`request_bulletin` → `make_due_bulletins`); Celery beat makes a weekly digest; an
officer can make one by hand. Sending is bulletins.outbox; what a bulletin shows is
bulletins.content.
"""

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bans.models import BAN_KINDS, Measure
from bans.selectors import gallery_people
from bans.services import RegisterError
from bulletins.models import (
    Bulletin,
    BulletinCorrection,
    BulletinDelivery,
    BulletinEntry,
    BulletinRequest,
    BulletinTrigger,
    DeliveryState,
    settings_for,
)
from merchants import access
from merchants.models import ProtocolDeclaration, Shop
from merchants.services import current_protocol, log_action

logger = logging.getLogger(__name__)

BATCH_SIZE = 50


# One task sends at most this many batches, then hands over to a fresh task (time limits).
BATCHES_PER_TASK = 10


def make_bulletin(partnership, *, trigger, actor=None, now=None) -> Bulletin | None:
    """A new edition with the people in force today, the corrections waiting, and its outbox.
    None when there is neither (no empty bulletins go out)."""
    if trigger == BulletinTrigger.MANUAL and not access.can(actor, partnership, "review_incidents"):
        raise RegisterError(_("Only the community police officer makes a bulletin by hand."))
    now = now or timezone.now()
    people = gallery_people(partnership, day=timezone.localdate(now))
    corrections = BulletinCorrection.objects.filter(partnership=partnership, bulletin__isnull=True)
    if not people and not corrections.exists():
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
            mode=settings_for(partnership).mode,
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
        # Corrections waiting for an edition go with this one (even one with nobody in it).
        corrected = corrections.update(bulletin=bulletin)
        rows = BulletinDelivery.objects.bulk_create(outbox_rows(bulletin))
        queued = sum(1 for row in rows if row.state == DeliveryState.QUEUED)
        log_action(
            "bulletins.bulletin.made",
            actor=actor,
            partnership=partnership,
            obj=bulletin,
            data={"trigger": trigger, "people": len(people), "corrections": corrected},
        )
        # One task per BATCHES_PER_TASK batches (up to four): idle workers share the outbox,
        # each claiming its own rows with SKIP LOCKED.
        tasks = min(4, max(1, math.ceil(queued / (BATCH_SIZE * BATCHES_PER_TASK))))
        for _task in range(tasks):
            transaction.on_commit(lambda: queue_sending(bulletin.pk), robust=True)
    return bulletin


def outbox_rows(bulletin):
    """One row per active participating shop: queued, or not sent with the reason."""
    version = current_protocol(bulletin.partnership)
    signed = set(
        ProtocolDeclaration.objects.filter(version=version, shop__isnull=False).values_list(
            "shop_id", flat=True
        )
        if version
        else []
    )
    # Stored in English and translated when shown (the delivery report): the reader's language.
    unsigned = gettext_noop("No signed protocol declaration")
    no_address = gettext_noop("No bulletin address")
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
    """Is a ban in force that the last edition did not have, or a correction waiting? (A red
    card revoked before its bulletin was due makes no bulletin.)"""
    if BulletinCorrection.objects.filter(partnership=partnership, bulletin__isnull=True).exists():
        return True
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


def queue_sending(bulletin_id, countdown=0):
    from bulletins.tasks import send_bulletin_deliveries

    send_bulletin_deliveries.apply_async((bulletin_id,), countdown=countdown)


def _queue_due(due_at):
    from bulletins.tasks import make_due_bulletins_task

    eta_seconds = max(0, (due_at - timezone.now()).total_seconds())
    make_due_bulletins_task.apply_async(countdown=eta_seconds)
