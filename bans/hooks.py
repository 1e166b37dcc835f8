"""What the register offers the floors above it (claims, bulletins, alerts), so that it never
imports them.

- ``person_merging``: sent inside the transaction that merges a duplicate person into the one kept,
  after the register's own rows moved and before the duplicate is emptied. A receiver moves its
  own rows; it stops the merge by raising ``RegisterError`` with a message for the administrator.
- ``collective_measure_in_force``: sent after commit when a red card or an extension comes into
  force (the bulletins listen: the shops must learn of it).
- ``sighting_reported``: sent after commit when a shop reported a banned person in the shop (the
  alerts listen: officers, and where chosen the area's shops, hear of it in seconds).
- ``sighting_withdrawn``: sent inside the transaction that deletes a sighting its reporter took
  back (the alerts listen: the alert about it is withdrawn and stripped, the devices are told).
- ``measure_proposed``: sent after commit when an officer wrote a proposal that waits for a
  decision (the alerts listen: the partnership's other officers hear of it).
- ``mistaken_identity``: sent inside the transaction of an objection decided as mistaken identity
  (the bulletins listen: the next edition carries a correction).
- ``identity_recorded``: sent inside the transaction that wrote a name-and-address answer of the
  police into a person (the claims listen: draft claims take the address).
- ``ACCESS_ACTIONS``: the audit actions that count as someone looking at personal data, shown in
  the access log and the subject's access report. Apps add theirs with ``add_access_actions``.
"""

from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from bans.models import IdentityRequest, PersonIncident
from merchants import access

person_merging = Signal()  # sender=Person, keep=Person, duplicate=Person
collective_measure_in_force = Signal()  # sender=Measure, partnership=Partnership
# After commit, when a shop reported a banned person in the shop: alerts raise an alert.
sighting_reported = Signal()  # sender=Incident, incident=Incident, person=Person
sighting_withdrawn = Signal()  # sender=Incident, incident=Incident (still there)
measure_proposed = Signal()  # sender=Measure, measure=Measure (the card), actor=User
# Inside the transaction of a "mistaken identity" decision on an objection: the person is out of
# the register's measures and photos; the bulletins tell the shops with the next edition.
mistaken_identity = Signal()  # sender=Person, person=Person, actor=User
# Inside the transaction that wrote what the police answered into a person's identity fields.
identity_recorded = Signal()  # sender=Person, person=Person, actor=User

# Each action with what it says in the access log and in a person's access report.
ACCESS_ACTIONS = {
    "bans.person.viewed": _("Opened the person's page"),
    "bans.person.identity_opened": _("Opened the identity"),
    "bans.gallery.viewed": _("Looked at the gallery"),
    "bans.gallery.printed": _("Printed the gallery"),
    "bans.notice.printed": _("Opened a notice letter"),
    "bans.notice.issued": _("Made a notice letter"),
    "bans.subject_request.access_report": _("Made an access report"),
    "bans.register.searched": _("Searched the register"),
    "bans.sighting.reported": _("Reported a sighting"),
    "incidents.pdf.case_printed": _("Printed a case file"),
    "incidents.pdf.aangifte_printed": _("Printed a police report form"),
    "incidents.export.full": _("Exported cases (CSV)"),
    "incidents.pack.made": _("Made a hand-over pack for the police"),
    "bans.person.identity_recorded": _("Recorded the name and address given by the police"),
    "bans.objection.printed": _("Opened an objection's decision letter"),
}


def add_access_actions(**labels):
    """`action=label` pairs; the action's dots as double underscores in the keyword:
    add_access_actions(claims__claim__viewed=_("Opened a claim"))."""
    ACCESS_ACTIONS.update({name.replace("__", "."): label for name, label in labels.items()})


def access_label(action: str) -> str:
    return str(ACCESS_ACTIONS.get(action, action))


def register_panel(request, incident):
    """The case page's register panel (incidents.panels): the people linked to the report."""
    links = PersonIncident.objects.filter(incident=incident).select_related("person")
    context = {
        "incident": incident,
        "links": links,
        "identity_request": IdentityRequest.objects.open().filter(incident=incident).first(),
        "may_ask_identity": access.can(request.user, incident.partnership, "request_identity"),
    }
    return "bans/partials/register_panel.html", context
