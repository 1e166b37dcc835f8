"""Warnings to nearby shops ("let op"): a participant who signed the protocol describes someone
acting suspiciously right now; the shops of the area and the officers hear of it in seconds.

A warning carries a description and at most a link to a gallery card, never a photo of its own.
It is active for the time its sender chose (at most four hours), can be withdrawn by its sender
and by an officer, and its description is removed a day after it was sent (alerts.retention).
A shop sends at most ``AlertSettings.warnings_per_hour`` in any hour, counted in the database, so
the limit holds on every web node and without the cache."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alerts.models import WARNING_DURATIONS, Alert, AlertKind, settings_for
from alerts.services import members, plan, queue_after_commit, signed_participants
from merchants import access
from merchants.devices import notify
from merchants.roles import Role
from merchants.services import has_signed_current_protocol, log_action

MAX_DESCRIPTION = 500


class WarningRefused(Exception):
    """Why a warning cannot be sent or withdrawn, for the user."""


def may_warn(user, partnership) -> bool:
    return (
        settings_for(partnership).warnings_from_shops
        and access.can(user, partnership, "report_incidents")
        and has_signed_current_protocol(user, partnership)
    )


def send_warning(*, sender, shop, description, minutes, person_id=None, now=None) -> Alert:
    """`shop` must be one of the sender's working shops (the form offers only those)."""
    partnership = shop.area.partnership
    now = now or timezone.now()
    if not may_warn(sender, partnership):
        raise WarningRefused(_("Your partnership does not use warnings to nearby shops."))
    if minutes not in WARNING_DURATIONS:
        raise WarningRefused(_("Choose how long the warning lasts."))
    description = description.strip()[:MAX_DESCRIPTION]
    if not description:
        raise WarningRefused(_("Describe the person and what they are doing."))
    limit = settings_for(partnership).warnings_per_hour
    with transaction.atomic():
        # One sender at a time per shop, so that two quick taps cannot both pass the limit.
        type(shop).objects.select_for_update().filter(pk=shop.pk).first()
        recent = Alert.objects.filter(
            kind=AlertKind.WARNING, shop=shop, created_at__gt=now - timedelta(hours=1)
        ).count()
        if recent >= limit:
            raise WarningRefused(
                ngettext(
                    "Your shop sent %(count)d warning in the last hour, the most allowed. "
                    "Call the officer, or 112 when there is danger.",
                    "Your shop sent %(count)d warnings in the last hour, the most allowed. "
                    "Call the officer, or 112 when there is danger.",
                    recent,
                )
                % {"count": recent}
            )
        alert = Alert.objects.create(
            partnership=partnership,
            kind=AlertKind.WARNING,
            area=shop.area,
            shop=shop,
            created_by=sender,
            description=description,
            person_id=person_id,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        officers = members(partnership, Role.OFFICER)
        plan(alert, officers, fallback=False)
        shops = signed_participants(partnership, shop.area).exclude(pk=sender.pk)
        plan(alert, shops.exclude(pk__in=[u.pk for u in officers]), fallback=True)
        log_action(
            "alerts.warning.sent",
            actor=sender,
            partnership=partnership,
            obj=alert,
            data={"shop": shop.pk, "minutes": minutes},
        )
        queue_after_commit(alert)
    return alert


def may_withdraw(user, alert) -> bool:
    return alert.kind == AlertKind.WARNING and (
        alert.created_by_id == user.pk or access.can(user, alert.partnership, "review_incidents")
    )


def withdraw(alert, *, actor, now=None) -> Alert:
    now = now or timezone.now()
    if not may_withdraw(actor, alert):
        raise WarningRefused(_("Only its sender and the officer can withdraw a warning."))
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.withdrawn_at:
            raise WarningRefused(_("This warning has been withdrawn already."))
        if locked.expires_at and locked.expires_at <= now:
            raise WarningRefused(_("This warning has expired already."))
        locked.withdrawn_at, locked.withdrawn_by = now, actor
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        log_action(
            "alerts.warning.withdrawn", actor=actor, partnership=locked.partnership, obj=locked
        )
        transaction.on_commit(lambda: _queue_withdrawn(locked.pk), robust=True)
    return locked


def withdraw_sighting_alerts(incident, now=None):
    """A sighting taken back by its reporter: its alert claimed something false about someone.
    It becomes withdrawn and loses the person it pointed to; the devices that showed it are
    told. Called inside the transaction that deletes the sighting."""
    alerts = list(Alert.objects.filter(incident=incident, kind=AlertKind.SIGHTING))
    Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(
        withdrawn_at=now or timezone.now(), person_id=None
    )
    for alert in alerts:
        transaction.on_commit(lambda pk=alert.pk: _queue_withdrawn(pk), robust=True)


def _queue_withdrawn(alert_id):
    from alerts.tasks import tell_withdrawn

    tell_withdrawn.delay(alert_id)


def tell_withdrawn(alert_id) -> int:
    """Replace the warning on the devices that were sent it (same tag): it no longer holds."""
    alert = Alert.objects.select_related("area").filter(pk=alert_id).first()
    if alert is None or alert.area is None:
        return 0
    recipients = {d.user for d in alert.deliveries.filter(channel="push").select_related("user")}
    for user in recipients:
        with translation.override(user.language):
            notify(
                [user],
                title=_("Alert withdrawn"),
                body=_("The alert from %(area)s no longer holds.") % {"area": alert.area.name},
                url=reverse("alerts:open", kwargs={"pk": alert.pk}),
                tag=f"alert-{alert.pk}",
            )
    return len(recipients)
