"""Dossier reminders (Celery beat, daily): what the coordinators of a partnership must act on
before the next audit, by email, each reminder once.

When a reminder is due, for every active area of an active partnership:

- **Certificate**: the area's current certificate reaches 6, 3 and 1 months before its last valid
  day (from ``valid_until`` minus that many months). Only the tightest threshold reached is sent:
  a certificate entered with 20 days left gets the 1-month reminder, not all three. A certificate
  with a successor already recorded gets none; a new certificate starts over.
- **Schouw**: from 1 October, when no site inspection is dated in this calendar year. Once a year.
- **Annual report**: from 1 April, when no annual report over last year is recorded (the
  dossier checklist's rule: one dated last year or this year). Once a year.
- **Survey**: when the last shop-owner survey is more than three years old, or there is none.
  Once per survey that went stale (once, if there never was one).

A coordinator gets one email a day at most, listing all of the partnership's reminders they have
not had. The `DossierReminder` rows are the state: running the job twice sends nothing more; a
coordinator whose email failed gets it on the next run; a partnership that fails is logged and the
others go on. A reminder whose partnership has no active coordinator waits for one while it is
still due.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certification.models import Certificate, DossierItemKind, DossierReminder
from certification.services import CERTIFICATE_MONTHS
from merchants.models import Membership, Partnership, ShoppingArea, User
from merchants.roles import Role
from plumbing.dates import add_months
from plumbing.mail import send_templated_mail

logger = logging.getLogger(__name__)

Topic = DossierReminder.Topic

# Tightest first: the first one reached is the one sent.
CERTIFICATE_THRESHOLDS = (
    (1, Topic.CERTIFICATE_1),
    (3, Topic.CERTIFICATE_3),
    (6, Topic.CERTIFICATE_6),
)
INSPECTION_DUE = (10, 1)  # month, day: the schouw of the year is due from 1 October
ANNUAL_REPORT_DUE = (4, 1)  # the report over last year is due from 1 April
NO_SURVEY = "none"
TOPIC_ORDER = {topic: index for index, topic in enumerate(Topic.values)}


@dataclass(frozen=True)
class Due:
    topic: str
    period: str
    certificate: Certificate | None = None


def due_reminders(area, today) -> list[Due]:
    """What is due for this area today (whether or not it was sent already). Reads the area's
    prefetched ``certificates`` and ``dossier_items``."""
    due = []
    certificates = [c for c in area.certificates.all() if c.withdrawn_on is None]
    current = max(
        (c for c in certificates if c.issued_on <= today <= c.valid_until),
        key=lambda c: c.issued_on,
        default=None,
    )
    if current and not any(c.issued_on > current.issued_on for c in certificates):
        for months, topic in CERTIFICATE_THRESHOLDS:
            if today >= add_months(current.valid_until, -months):
                due.append(Due(topic, str(current.pk), current))
                break

    def dates(kind):
        return [i.held_on for i in area.dossier_items.all() if i.kind == kind]

    if today >= date(today.year, *INSPECTION_DUE) and not any(
        d.year == today.year for d in dates(DossierItemKind.INSPECTION)
    ):
        due.append(Due(Topic.INSPECTION, str(today.year)))
    if today >= date(today.year, *ANNUAL_REPORT_DUE) and not any(
        d.year >= today.year - 1 for d in dates(DossierItemKind.ANNUAL_REPORT)
    ):
        due.append(Due(Topic.ANNUAL_REPORT, str(today.year - 1)))
    last_survey = max(dates(DossierItemKind.SURVEY), default=None)
    if last_survey is None:
        due.append(Due(Topic.SURVEY, NO_SURVEY))
    elif last_survey < add_months(today, -CERTIFICATE_MONTHS):
        due.append(Due(Topic.SURVEY, last_survey.isoformat()))
    return due


def send_dossier_reminders(today=None) -> dict:
    """The daily job: every active partnership in turn; one that fails does not stop the rest."""
    today = today or timezone.localdate()
    counts = {"due": 0, "emails": 0, "failed": 0}
    for partnership in Partnership.objects.filter(active=True).order_by("pk"):
        try:
            due, emails, failed = remind_partnership(partnership, today)
        except Exception:
            logger.exception("dossier reminders: partnership %s failed", partnership.pk)
            counts["failed"] += 1
            continue
        counts["due"] += due
        counts["emails"] += emails
        counts["failed"] += failed
    return counts


def remind_partnership(partnership, today) -> tuple[int, int, int]:
    """Record what is due in the partnership's areas and email the coordinators what they have
    not had. Returns (reminders pending, emails sent, emails failed)."""
    areas = ShoppingArea.objects.filter(partnership=partnership, active=True).prefetch_related(
        "certificates", "dossier_items"
    )
    pending = []
    for area in areas:
        for due in due_reminders(area, today):
            reminder, _ = DossierReminder.objects.get_or_create(
                area=area,
                topic=due.topic,
                period=due.period,
                defaults={"certificate": due.certificate, "due_on": today},
            )
            if reminder.sent_at is None:
                pending.append(reminder.pk)
    if not pending:
        return 0, 0, 0
    coordinators = list(
        User.objects.filter(
            pk__in=Membership.objects.active()
            .filter(partnership=partnership, role=Role.COORDINATOR)
            .values("user")
        ).order_by("pk")
    )
    if not coordinators:
        logger.warning(
            "dossier reminders: partnership %s has no active coordinator; %s reminders wait",
            partnership.pk,
            len(pending),
        )
        return len(pending), 0, 0
    emails = failed = 0
    for user in coordinators:
        try:
            emails += _email_coordinator(user, partnership, pending)
        except Exception:
            logger.exception(
                "dossier reminders: emailing user %s of partnership %s failed",
                user.pk,
                partnership.pk,
            )
            failed += 1
    _mark_sent(pending, {user.pk for user in coordinators})
    return len(pending), emails, failed


def _email_coordinator(user, partnership, pending) -> int:
    """One email with every pending reminder this coordinator has not had. The rows stay locked
    until the email is out and recorded, so a second run at the same time waits and then finds
    them sent; a failed send records nothing."""
    with transaction.atomic():
        rows = [
            row
            for row in DossierReminder.objects.select_for_update(of=("self",))
            .filter(pk__in=pending, sent_at__isnull=True)
            .select_related("area", "certificate")
            .order_by("pk")
            if user.pk not in row.sent_to
        ]
        if not rows:
            return 0
        send_templated_mail(
            "certification/email/dossier_reminder",
            {"user": user, "partnership": partnership, "areas": _grouped(rows)},
            to=[user.email],
            language=user.language,
        )
        for row in rows:
            row.sent_to = [*row.sent_to, user.pk]
            row.save(update_fields=["sent_to"])
    return 1


def _mark_sent(pending, coordinator_ids):
    with transaction.atomic():
        rows = DossierReminder.objects.select_for_update().filter(
            pk__in=pending, sent_at__isnull=True
        )
        done = [row.pk for row in rows if coordinator_ids <= set(row.sent_to)]
        DossierReminder.objects.filter(pk__in=done).update(sent_at=timezone.now())


def _grouped(rows) -> list[dict]:
    """The email's content: per area (by name), its reminders in a fixed order, with the link to
    the area's dossier."""
    by_area = {}
    for row in sorted(rows, key=lambda r: (r.area.name, r.area_id, TOPIC_ORDER[r.topic])):
        group = by_area.setdefault(
            row.area_id,
            {
                "area": row.area,
                "link": settings.SITE_URL
                + reverse("certification:area_dossier", args=[row.area_id]),
                "reminders": [],
            },
        )
        group["reminders"].append(_describe(row))
    return list(by_area.values())


def _describe(row) -> dict:
    if row.certificate_id:
        return {
            "kind": "certificate",
            "stars": row.certificate.stars,
            "ends_on": row.certificate.valid_until,
        }
    if row.topic == Topic.SURVEY:
        last = None if row.period == NO_SURVEY else date.fromisoformat(row.period)
        return {"kind": "survey", "last": last}
    return {"kind": row.topic, "year": row.period}
