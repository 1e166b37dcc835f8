"""Raising an alert and delivering it: who gets it, on which device or by email (and text
message), and what each delivery became. Payloads carry no name, description or photo (ADR 0011).

Delivering is at most once per row: a worker claims the queued rows of an alert (SENDING) in one
transaction, sends them, many pushes at a time, then records each outcome. A retried task or a
second worker finds nothing queued; a row left SENDING by a worker that died becomes FAILED after
STALE_AFTER (we cannot know whether it reached the push service, and sending twice is worse)."""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alerts.models import (
    SIGHTING_ACTIVE,
    Alert,
    AlertDelivery,
    AlertKind,
    AlertState,
    Channel,
    DeliveryState,
    settings_for,
)
from merchants.devices import PushDevice
from merchants.models import Membership, ProtocolDeclaration, ProtocolVersion, ShopAssignment
from merchants.roles import Role
from plumbing import push, sms
from plumbing.mail import send_templated_mail

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)
REQUEUE_AFTER = timedelta(minutes=1)
RETRY_STATUSES = {429, 500, 502, 503, 504}
RETRY_AFTER_SECONDS = 0.5


def alert_sighting(incident, person) -> Alert:
    """A banned person seen in a shop: the officers' devices at once, and where the partnership
    chose so, the devices (or else the email) of the area's shops that signed the protocol."""
    partnership = incident.partnership
    now = timezone.now()
    with transaction.atomic():
        alert = Alert.objects.create(
            partnership=partnership,
            kind=AlertKind.SIGHTING,
            area=incident.area,
            shop=incident.shop,
            incident=incident,
            person_id=person.pk,
            created_at=now,
            expires_at=now + SIGHTING_ACTIVE,
        )
        officers = members(partnership, Role.OFFICER)
        # Officers have the register's email already: their devices only.
        plan(alert, officers, fallback=False)
        if settings_for(partnership).sightings_to_shops:
            shops = signed_participants(partnership, incident.area).exclude(pk=incident.reporter_id)
            plan(alert, shops.exclude(pk__in=[u.pk for u in officers]), fallback=True)
        queue_after_commit(alert)
    return alert


def alert_proposal(measure, actor) -> Alert | None:
    """A measure proposed and waiting for a decision: the partnership's other officers hear of it
    on their devices (the one who proposed it knows)."""
    others = [u for u in members(measure.partnership, Role.OFFICER) if u.pk != actor.pk]
    if not others:
        return None
    with transaction.atomic():
        alert = Alert.objects.create(
            partnership=measure.partnership,
            kind=AlertKind.PROPOSAL,
            shop=measure.incident.shop if measure.incident_id else None,
            area=measure.incident.area if measure.incident_id else None,
            incident=measure.incident,
            created_by=actor,
            path=reverse("bans:person", kwargs={"pk": measure.person_id}),
        )
        plan(alert, others, fallback=False)
        queue_after_commit(alert)
    return alert


def queue_after_commit(alert):
    def queue():
        from alerts.tasks import send_alert

        send_alert.delay(alert.pk)

    transaction.on_commit(queue, robust=True)


def members(partnership, role):
    return [
        m.user
        for m in Membership.objects.active()
        .filter(partnership=partnership, role=role, user__is_active=True)
        .select_related("user")
    ]


def signed_participants(partnership, area):
    """Participants working in an active shop of `area` who signed the current protocol.

    Three plain queries meet in Python: as one query (a join with the declarations as a
    subquery), PostgreSQL without fresh statistics chose a nested loop that took 0.5 s for 300
    shops, inside the shop's request."""
    from django.contrib.auth import get_user_model

    latest = (
        ProtocolVersion.objects.filter(partnership=partnership, published_at__isnull=False)
        .order_by("-published_at")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is None:
        return get_user_model().objects.none()
    signed = set(
        ProtocolDeclaration.objects.filter(version=latest, shop=None).values_list("user", flat=True)
    )
    working = set(
        ShopAssignment.objects.filter(
            shop__area=area,
            shop__active=True,
            membership__active=True,
            membership__role=Role.PARTICIPANT,
            membership__partnership=partnership,
        ).values_list("membership__user", flat=True)
    )
    return get_user_model().objects.filter(is_active=True, pk__in=signed & working)


def plan(alert, users, *, fallback):
    """One delivery per device of each user; with `fallback`, a user without a device gets the
    email, and a text message where the partnership sends them and the user gave a number."""
    users = list(users)
    devices = {}
    for device in PushDevice.objects.filter(user__in=users):
        devices.setdefault(device.user_id, []).append(device)
    texts = fallback and settings_for(alert.partnership).sms_fallback
    rows = []
    for user in users:
        for device in devices.get(user.pk, []):
            rows.append(
                AlertDelivery(alert=alert, user=user, channel=Channel.PUSH, target=str(device.pk))
            )
        if fallback and user.pk not in devices:
            rows.append(
                AlertDelivery(alert=alert, user=user, channel=Channel.EMAIL, target=user.email)
            )
            if texts and user.mobile:
                rows.append(
                    AlertDelivery(alert=alert, user=user, channel=Channel.SMS, target=user.mobile)
                )
    AlertDelivery.objects.bulk_create(rows, ignore_conflicts=True)


# --- delivering ------------------------------------------------------------------------------


def deliver(alert_id) -> dict:
    """Send every queued delivery of the alert once; safe to run again (see the module's text)."""
    counts = dict.fromkeys(DeliveryState.values, 0)
    alert = (
        Alert.objects.select_related("shop", "area", "incident", "partnership")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return counts
    with transaction.atomic():
        # Lock the deliveries only (of=self): locking their users too would make a second
        # alert to the same people skip its rows, and leave them queued.
        claimed = list(
            AlertDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(alert=alert, state=DeliveryState.QUEUED)
            .values_list("pk", flat=True)
        )
        AlertDelivery.objects.filter(pk__in=claimed).update(state=DeliveryState.SENDING)
    rows = list(AlertDelivery.objects.select_related("user").filter(pk__in=claimed))
    if not rows:
        return counts
    results = {}
    try:
        if alert.state != AlertState.ACTIVE:
            # Withdrawn or expired before its turn: a late alert would undo the correction.
            results = {row.pk: (DeliveryState.CANCELLED, None) for row in rows}
        else:
            _send_all(alert, rows, results)
    finally:
        # Whatever went wrong half-way, what was sent is recorded, and what was not is failed.
        for row in rows:
            results.setdefault(row.pk, (DeliveryState.FAILED, None))
        _record(rows, results)
    for state, _status in results.values():
        counts[state] += 1
    return counts


def _send_all(alert, rows, results):
    pushes = [row for row in rows if row.channel == Channel.PUSH]
    devices = PushDevice.objects.in_bulk([int(row.target) for row in pushes])
    jobs = []
    for row in pushes:
        device = devices.get(int(row.target))
        if device is None:
            results[row.pk] = (DeliveryState.GONE, None)
            continue
        if device.user_id != row.user_id:
            # The browser has since been logged into by someone else: not this user's any more.
            results[row.pk] = (DeliveryState.FAILED, None)
            continue
        with translation.override(row.user.language):
            jobs.append((row, device, message(alert, row.user)))
    threads = max(1, min(settings.ALERT_PUSH_THREADS, len(jobs)))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = pool.map(lambda job: _push(job[1].subscription(), job[2]), jobs)
        # Email and text messages meanwhile, here: they render templates in the user's language.
        for row in rows:
            if row.channel != Channel.PUSH:
                results[row.pk] = _send_other(alert, row)
        states = {push.SENT: DeliveryState.SENT, push.GONE: DeliveryState.GONE}
        for (row, _device, _message), outcome in zip(jobs, outcomes, strict=True):
            results[row.pk] = (states.get(outcome.state, DeliveryState.FAILED), outcome.status)


def _push(subscription, message):
    """One push, tried a second time after a moment when the service was unreachable, busy or
    failing (no answer, 429, 5xx): it did not take the message, so trying again sends nothing
    twice."""
    outcome = push.send(subscription, message)
    if outcome.state == push.FAILED and (
        outcome.status is None or outcome.status in RETRY_STATUSES
    ):
        time.sleep(RETRY_AFTER_SECONDS)
        outcome = push.send(subscription, message)
    return outcome


def _record(rows, results):
    now = timezone.now()
    for row in rows:
        row.state, row.status = results[row.pk]
        row.sent_at = now if row.state == DeliveryState.SENT else None
    AlertDelivery.objects.bulk_update(rows, ["state", "status", "sent_at"])
    pushed = [row for row in rows if row.channel == Channel.PUSH]
    # A device the push service no longer knows is deleted; one that took the alert is used.
    PushDevice.objects.filter(
        pk__in=[int(r.target) for r in pushed if r.state == DeliveryState.GONE and r.status]
    ).delete()
    PushDevice.objects.filter(
        pk__in=[int(r.target) for r in pushed if r.state == DeliveryState.SENT]
    ).update(last_used_at=now)


def _send_other(alert, row):
    try:
        return _send_message(alert, row)
    except Exception:  # a refused address or an unreachable mail server: this row only
        logger.warning("alert %s: %s delivery %s failed", alert.pk, row.channel, row.pk)
        return DeliveryState.FAILED, None


def _send_message(alert, row):
    with translation.override(row.user.language):
        text = message(alert, row.user)
        if row.channel == Channel.SMS:
            try:
                sms.send(
                    row.target,
                    f"KVO: {text['title']}. {text['body']}. {settings.SITE_URL}{text['url']}",
                    reference=f"alert-{alert.pk}-{row.pk}",
                )
            except sms.SmsError:
                return DeliveryState.FAILED, None
            return DeliveryState.SENT, None
        send_templated_mail(
            f"alerts/email/{alert.kind}",
            {"alert": alert, "user": row.user, "link": text["url"], "site_url": settings.SITE_URL},
            to=[row.target],
            language=row.user.language,
        )
        return DeliveryState.SENT, None


def settle_stale(now=None) -> int:
    """Rows a worker claimed and never recorded (it died): failed, not sent again."""
    now = now or timezone.now()
    return AlertDelivery.objects.filter(
        state=DeliveryState.SENDING, alert__created_at__lte=now - STALE_AFTER
    ).update(state=DeliveryState.FAILED)


def requeue_waiting(now=None) -> int:
    """Alerts with deliveries still queued a minute on (the broker was down when they were
    queued, or a task was lost): their task again. Claiming makes a duplicate harmless."""
    now = now or timezone.now()
    waiting = (
        AlertDelivery.objects.filter(
            state=DeliveryState.QUEUED, alert__created_at__lte=now - REQUEUE_AFTER
        )
        .values_list("alert_id", flat=True)
        .distinct()
    )
    from alerts.tasks import send_alert

    alert_ids = list(waiting)
    for alert_id in alert_ids:
        send_alert.delay(alert_id)
    return len(alert_ids)


# --- what a message says ---------------------------------------------------------------------


def _is_officer(alert, user):
    """Officers open the case, others the gallery; asked once per alert, not per delivery."""
    if not hasattr(alert, "officer_ids"):
        alert.officer_ids = set(
            Membership.objects.active()
            .filter(partnership=alert.partnership_id, role=Role.OFFICER)
            .values_list("user_id", flat=True)
        )
    return user.pk in alert.officer_ids


def destination(alert, user) -> str:
    """The page an alert leads to once opened (alerts.views.open_alert writes the access log
    line first): the case for an officer, the gallery card for a shop, the person's page for a
    proposal, the alert itself for a warning."""
    if alert.kind == AlertKind.PROPOSAL:
        return alert.path or reverse("alerts:feed")
    if alert.kind == AlertKind.WARNING:
        return reverse("alerts:detail", kwargs={"pk": alert.pk})
    if alert.incident_id and _is_officer(alert, user):
        return alert.incident.get_absolute_url()
    return reverse("bans:gallery") + (f"#person-{alert.person_id}" if alert.person_id else "")


def message(alert, user) -> dict:
    """The push payload for `user`, in the active language: what, where, when; no one's name and
    no description. Its link opens the alert through the access log."""
    at = date_format(timezone.localtime(alert.created_at), "H:i")
    area = alert.area.name if alert.area_id else ""
    if alert.kind == AlertKind.WARNING:
        title = _("Heads-up from a shop nearby")
        body = _("In %(area)s at %(time)s: open it for the description") % {
            "area": area,
            "time": at,
        }
    elif alert.kind == AlertKind.PROPOSAL:
        title = _("Proposal waiting for your decision")
        body = _("Proposed at %(time)s") % {"time": at}
    elif _is_officer(alert, user):
        title = _("Person with a shop ban seen")
        body = _("In %(shop)s at %(time)s") % {"shop": alert.shop.name, "time": at}
    else:
        title = _("Warning: person with a shop ban seen")
        body = _("In %(area)s at %(time)s") % {"area": area, "time": at}
    url = reverse("alerts:open", kwargs={"pk": alert.pk})
    return {"title": title, "body": body, "url": url, "tag": f"alert-{alert.pk}"}
