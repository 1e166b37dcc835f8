"""Printable documents of a case: the case file for the police and a pre-filled aangifte form.

Both are rendered in the site's language (Dutch: they are for the Dutch police) through the one
PDF path in ``plumbing.pdf``. Internal notes never appear in a document: the case file is handed
to people outside the partnership. Access checks are the caller's.
"""

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils import timezone

from incidents.models import ContactMoment, Incident
from incidents.selectors import timeline
from plumbing.pdf import render_pdf

PHOTOS_PER_ROW = 2


def case_pdf(incident) -> bytes:
    """The case file: facts, the person, photos, timeline and contact log. Marked confidential."""
    incident = _incident_for_document(incident.pk)
    # A photo whose file is gone (a failed disk, a restore without media) is left out, not fatal.
    photos = [p for p in incident.photos.all() if default_storage.exists(p.original.name)]
    numbered = list(enumerate(photos, start=1))
    context = {
        "incident": incident,
        "photo_rows": [
            numbered[start : start + PHOTOS_PER_ROW]
            for start in range(0, len(numbered), PHOTOS_PER_ROW)
        ],
        "photo_count": len(photos),
        "timeline": timeline(incident),
        "contacts": incident.contacts.all(),
        "printed_at": timezone.now(),
    }
    return render_pdf("incidents/pdf/case.html", context)


def aangifte_pdf(incident) -> bytes:
    """The report to the police, pre-filled so the shop does not have to write it again.

    Follows the sections of the national shoplifting report form (company, declarant, facts,
    goods, suspect, witnesses, signature); what the report does not know is left blank to fill in.
    """
    incident = _incident_for_document(incident.pk)
    context = {"incident": incident, "printed_at": timezone.now()}
    return render_pdf("incidents/pdf/aangifte.html", context)


def _incident_for_document(pk) -> Incident:
    # Fresh from the database with every relation a document shows, each fetched once.
    return (
        Incident.objects.select_related("partnership", "area", "shop", "reporter")
        .prefetch_related(
            "photos",
            Prefetch("contacts", queryset=ContactMoment.objects.select_related("actor")),
        )
        .get(pk=pk)
    )
