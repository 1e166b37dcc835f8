"""Where alerts plug into the register: a sighting raises one, a proposal tells the other
officers, and opening an alert counts as looking at personal data in the access log. Connected
from AlertsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from bans import hooks as register


def connect():
    register.sighting_reported.connect(alert_after_sighting, dispatch_uid="alerts")
    register.measure_proposed.connect(alert_after_proposal, dispatch_uid="alerts")
    register.sighting_withdrawn.connect(withdraw_after_undo, dispatch_uid="alerts")
    register.add_access_actions(
        alerts__alert__opened=_("Opened an alert"),
        alerts__warning__sent=_("Sent a warning to nearby shops"),
    )


def alert_after_sighting(sender, incident, person, **kwargs):
    from alerts.services import alert_sighting

    alert_sighting(incident, person)


def alert_after_proposal(sender, measure, actor, **kwargs):
    from alerts.services import alert_proposal

    alert_proposal(measure, actor)


def withdraw_after_undo(sender, incident, **kwargs):
    from alerts.warnings import withdraw_sighting_alerts

    withdraw_sighting_alerts(incident)
