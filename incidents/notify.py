"""Telling the reporter that its case moved on: one email per step, without personal data."""

from django.conf import settings
from django.utils import timezone

from incidents.models import Incident
from plumbing.mail import send_templated_mail


def tell_reporter(incident, *, status, has_note) -> bool:
    """Email the reporter that `incident` is now `status` (a lazy label: it is rendered in the
    reporter's language). Only while the reporter may still see the case: it logs in to read it."""
    reporter = incident.reporter
    if reporter is None or not reporter.is_active:
        return False
    if not Incident.objects.visible_to(reporter).filter(pk=incident.pk).exists():
        return False
    context = {
        "incident": incident,
        "status": status,
        "has_note": has_note,
        "reporter": reporter,
        "link": settings.SITE_URL + incident.get_absolute_url(),
    }
    send_templated_mail(
        "incidents/email/status", context, to=[reporter.email], language=reporter.language
    )
    return True


def tell_once(rows, pk, status_of) -> bool:
    """Tell the reporter about one history row (`rows`: a StatusChange or PoliceStep queryset),
    once: the row's `notified_at` records it, so a retried task sends nothing twice."""
    row = (
        rows.select_related("incident__shop", "incident__reporter", "incident__partnership")
        .filter(pk=pk, notified_at__isnull=True)
        .first()
    )
    if row is None:
        return False
    told = tell_reporter(row.incident, status=status_of(row), has_note=bool(row.public_note))
    if told:
        rows.filter(pk=row.pk).update(notified_at=timezone.now())
    return told
