"""Where alerts plug into the register: a sighting raises one. Connected from
AlertsConfig.ready()."""

from bans import hooks as register


def connect():
    register.sighting_reported.connect(alert_after_sighting, dispatch_uid="alerts")


def alert_after_sighting(sender, incident, person, **kwargs):
    from alerts.services import alert_sighting

    alert_sighting(incident, person)
