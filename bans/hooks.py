"""What the register offers the floors above it (claims, bulletins), so that it never imports them.

- ``person_merging``: sent inside the transaction that merges a duplicate person into the one kept,
  after the register's own rows moved and before the duplicate is emptied. A receiver moves its
  own rows; it stops the merge by raising ``RegisterError`` with a message for the administrator.
- ``collective_measure_in_force``: sent after commit when a red card or an extension comes into
  force (the bulletins listen: the shops must learn of it).
- ``ACCESS_ACTIONS``: the audit actions that count as someone looking at personal data, shown in
  the access log and the subject's access report. Apps add theirs with ``add_access_actions``.
"""

from django.dispatch import Signal

from bans.models import PersonIncident

person_merging = Signal()  # sender=Person, keep=Person, duplicate=Person
collective_measure_in_force = Signal()  # sender=Measure, partnership=Partnership

ACCESS_ACTIONS = {
    "bans.person.viewed",
    "bans.gallery.viewed",
    "bans.gallery.printed",
    "bans.notice.printed",
    "bans.notice.issued",
    "bans.subject_request.access_report",
    "bans.register.searched",
    "bans.sighting.reported",
    "incidents.pdf.case_printed",
    "incidents.pdf.aangifte_printed",
    "incidents.export.full",
}


def add_access_actions(*actions):
    ACCESS_ACTIONS.update(actions)


def register_panel(request, incident):
    """The case page's register panel (incidents.panels): the people linked to the report."""
    links = PersonIncident.objects.filter(incident=incident).select_related("person")
    return "bans/partials/register_panel.html", {"incident": incident, "links": links}
