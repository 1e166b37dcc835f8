"""Which alerts a user sees: an officer every alert of the partnership; a participant who signed
the protocol the warnings of the areas of their shops, and their sightings where the partnership
sends those to shops; nobody else any."""

from datetime import timedelta

from django.utils import timezone

from alerts.models import Alert, AlertKind, settings_for
from bans.selectors import working_shops
from merchants import access
from merchants.services import has_signed_current_protocol

FEED_DAYS = 7


def visible_alerts(user, partnership):
    alerts = Alert.objects.filter(partnership=partnership)
    if access.can(user, partnership, "review_incidents"):
        return alerts
    if not (
        access.can(user, partnership, "report_incidents")
        and has_signed_current_protocol(user, partnership)
    ):
        return alerts.none()
    kinds = [AlertKind.WARNING]
    if settings_for(partnership).sightings_to_shops:
        kinds.append(AlertKind.SIGHTING)
    areas = working_shops(user, partnership).values("area")
    return alerts.filter(kind__in=kinds, area__in=areas)


def feed(user, partnership, *, now=None):
    now = now or timezone.now()
    return (
        visible_alerts(user, partnership)
        .filter(created_at__gte=now - timedelta(days=FEED_DAYS))
        .select_related("area", "shop")
        .order_by("-created_at", "-pk")
    )
