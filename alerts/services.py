"""Raising an alert and delivering it: who gets it, on which device or by email, and what each
delivery became. Payloads carry no name, description or photo (ADR 0011)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alerts.models import (
    Alert,
    AlertDelivery,
    AlertKind,
    Channel,
    DeliveryState,
    settings_for,
)
from merchants.devices import PushDevice, push_to
from merchants.models import Membership, ProtocolDeclaration, ProtocolVersion
from merchants.roles import Role
from plumbing import push
from plumbing.mail import send_templated_mail


def alert_sighting(incident, person) -> Alert:
    """A banned person seen in a shop: the officers' devices at once, and where the partnership
    chose so, the devices (or else the email) of the area's shops that signed the protocol."""
    partnership = incident.partnership
    with transaction.atomic():
        alert = Alert.objects.create(
            partnership=partnership,
            kind=AlertKind.SIGHTING,
            area=incident.area,
            shop=incident.shop,
            incident=incident,
            person_id=person.pk,
        )
        officers = _members(partnership, Role.OFFICER)
        # Officers have the register's email already: their devices only.
        _plan(alert, officers, email_without_device=False)
        if settings_for(partnership).sightings_to_shops:
            shops = _signed_participants(partnership, incident.area).exclude(
                pk=incident.reporter_id
            )
            _plan(alert, shops.exclude(pk__in=[u.pk for u in officers]), email_without_device=True)
        transaction.on_commit(lambda: _queue(alert.pk), robust=True)
    return alert


def _queue(alert_id):
    from alerts.tasks import send_alert

    send_alert.delay(alert_id)


def _members(partnership, role):
    return [
        m.user
        for m in Membership.objects.active()
        .filter(partnership=partnership, role=role, user__is_active=True)
        .select_related("user")
    ]


def _signed_participants(partnership, area):
    """Participants working in an active shop of `area` who signed the current protocol."""
    from django.contrib.auth import get_user_model

    latest = (
        ProtocolVersion.objects.filter(partnership=partnership, published_at__isnull=False)
        .order_by("-published_at")
        .values("pk")[:1]
    )
    signed = ProtocolDeclaration.objects.filter(version__in=latest, shop=None).values("user")
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=signed,
            memberships__partnership=partnership,
            memberships__role=Role.PARTICIPANT,
            memberships__active=True,
            memberships__assignments__shop__area=area,
            memberships__assignments__shop__active=True,
        )
        .distinct()
    )


def _plan(alert, users, *, email_without_device):
    users = list(users)
    devices = {}
    for device in PushDevice.objects.filter(user__in=users):
        devices.setdefault(device.user_id, []).append(device)
    rows = []
    for user in users:
        for device in devices.get(user.pk, []):
            rows.append(
                AlertDelivery(alert=alert, user=user, channel=Channel.PUSH, target=str(device.pk))
            )
        if email_without_device and user.pk not in devices:
            rows.append(
                AlertDelivery(alert=alert, user=user, channel=Channel.EMAIL, target=user.email)
            )
    AlertDelivery.objects.bulk_create(rows, ignore_conflicts=True)


def deliver(alert_id) -> dict:
    """Send every queued delivery of the alert once; safe to run again (a retried task, or two
    workers): a row is claimed under a lock and only a queued row is sent."""
    alert = Alert.objects.select_related("shop", "area", "incident").filter(pk=alert_id).first()
    counts = dict.fromkeys(DeliveryState.values, 0)
    if alert is None:
        return counts
    pending = AlertDelivery.objects.filter(alert=alert, state=DeliveryState.QUEUED)
    for row_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            row = (
                AlertDelivery.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=row_id, state=DeliveryState.QUEUED)
                .first()
            )
            if row is None:
                continue
            state, status = _send(alert, row)
            row.state, row.status = state, status
            row.sent_at = timezone.now() if state == DeliveryState.SENT else None
            row.save(update_fields=["state", "status", "sent_at"])
            counts[state] += 1
    return counts


def _send(alert, row):
    with translation.override(row.user.language):
        if row.channel == Channel.EMAIL:
            send_templated_mail(
                "alerts/email/sighting",
                {
                    "alert": alert,
                    "user": row.user,
                    "link": _link(alert, row.user),
                    "site_url": settings.SITE_URL,
                },
                to=[row.target],
                language=row.user.language,
            )
            return DeliveryState.SENT, None
        device = PushDevice.objects.filter(pk=row.target, user=row.user).first()
        if device is None:
            return DeliveryState.GONE, None
        outcome = push_to(device, message(alert, row.user))
    states = {push.SENT: DeliveryState.SENT, push.GONE: DeliveryState.GONE}
    return states.get(outcome.state, DeliveryState.FAILED), outcome.status


def _is_officer(alert, user):
    """Officers open the case, others the gallery; asked once per alert, not per delivery."""
    if not hasattr(alert, "officer_ids"):
        alert.officer_ids = set(
            Membership.objects.active()
            .filter(partnership=alert.partnership_id, role=Role.OFFICER)
            .values_list("user_id", flat=True)
        )
    return user.pk in alert.officer_ids


def _link(alert, user) -> str:
    if alert.incident_id and _is_officer(alert, user):
        return alert.incident.get_absolute_url()
    return reverse("bans:gallery") + (f"#person-{alert.person_id}" if alert.person_id else "")


def message(alert, user) -> dict:
    """The push payload for `user`, in the active language: what, where, when; no one's name."""
    at = date_format(timezone.localtime(alert.created_at), "H:i")
    if _is_officer(alert, user):
        title = _("Person with a shop ban seen")
        body = _("In %(shop)s at %(time)s") % {"shop": alert.shop.name, "time": at}
    else:
        title = _("Warning: person with a shop ban seen")
        body = _("In %(area)s at %(time)s") % {"area": alert.area.name, "time": at}
    return {"title": title, "body": body, "url": _link(alert, user), "tag": f"alert-{alert.pk}"}
