"""The demo partnership's alerts: sightings go to the area's shops and shops may warn each
other, so that both can be tried (a real partnership decides this in its protocol)."""

from alerts.models import AlertSettings


def seed_alerts(partnership) -> AlertSettings:
    settings, _created = AlertSettings.objects.update_or_create(
        partnership=partnership,
        defaults={"sightings_to_shops": True, "warnings_from_shops": True},
    )
    return settings


def summary_lines(partnership, settings) -> list[str]:
    return ["Alerts: sightings go to the area's shops, and shops may warn each other."]
