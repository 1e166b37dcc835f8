"""Officers hear of new reports: an email for each, or one each morning with the day's new
reports, as each officer chose (User.report_alerts); those who want each report also get an alert
on their devices (Web Push). No personal data in any: reference, type, shop, area and time, and a
link to the case behind the login. A sighting of a banned person
(a ban violation) is not among them: the register alerts every officer of it at once.

Both are idempotent: a report records when its officers were told, and a digest is a row per
officer and day (ReportDigest), so a retried or duplicated task never sends twice."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incidents.models import Incident, IncidentType, ReportDigest
from merchants.devices import notify
from merchants.models import Membership, ReportAlerts
from merchants.roles import Role
from plumbing.mail import send_templated_mail


def officers(partnership, alerts):
    return [
        membership.user
        for membership in Membership.objects.active()
        .filter(partnership=partnership, role=Role.OFFICER, user__report_alerts=alerts)
        .select_related("user")
    ]


def send_new_report_email(incident_id) -> int:
    """Tell the officers who want an email for each report; returns the number of emails."""
    incident = (
        Incident.objects.select_related("shop", "area", "partnership")
        .filter(pk=incident_id, officers_alerted_at__isnull=True)
        .exclude(kind=IncidentType.BAN_VIOLATION)
        .first()
    )
    if incident is None:
        return 0
    recipients = officers(incident.partnership, ReportAlerts.EACH)
    for officer in recipients:
        send_templated_mail(
            "incidents/email/new_report",
            {
                "incident": incident,
                "officer": officer,
                "link": settings.SITE_URL + incident.get_absolute_url(),
            },
            to=[officer.email],
            language=officer.language,
        )
        # And at once on the officer's devices: what and where, no one's name.
        with translation.override(officer.language):
            notify(
                [officer],
                title=_("New report"),
                body=_("%(kind)s at %(shop)s")
                % {"kind": incident.get_kind_display(), "shop": incident.shop.name},
                url=incident.get_absolute_url(),
                tag=f"incident-{incident.pk}",
            )
    Incident.objects.filter(pk=incident.pk).update(officers_alerted_at=timezone.now())
    return len(recipients)


def send_daily_digests(today=None) -> int:
    """Each morning: every officer who chose the digest gets yesterday's new reports of their
    partnerships, once (no email on a day without reports)."""
    today = today or timezone.localdate()
    day = today - timedelta(days=1)
    zone = timezone.get_current_timezone()
    since = datetime.combine(day, time.min, tzinfo=zone)
    until = datetime.combine(today, time.min, tzinfo=zone)
    sent = 0
    memberships = (
        Membership.objects.active()
        .filter(role=Role.OFFICER, user__report_alerts=ReportAlerts.DAILY)
        .select_related("user", "partnership")
        .order_by("user_id", "partnership_id")
    )
    by_officer = {}
    for membership in memberships:
        by_officer.setdefault(membership.user, []).append(membership.partnership)
    for officer, partnerships in by_officer.items():
        reports = list(
            Incident.objects.filter(
                partnership__in=partnerships, created_at__gte=since, created_at__lt=until
            )
            .exclude(kind=IncidentType.BAN_VIOLATION)
            .select_related("shop", "area", "partnership")
            .order_by("created_at")
        )
        if not reports:
            continue
        try:
            with transaction.atomic():
                ReportDigest.objects.create(user=officer, day=day)
                send_templated_mail(
                    "incidents/email/report_digest",
                    {
                        "officer": officer,
                        "day": day,
                        "reports": reports,
                        "site_url": settings.SITE_URL,
                    },
                    to=[officer.email],
                    language=officer.language,
                )
        except IntegrityError:
            continue  # sent already (a rerun or a second worker)
        sent += 1
    return sent
