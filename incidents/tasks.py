from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from incidents import alerts, police, retention, services
from incidents.models import Incident, IncidentType, PoliceStep, StatusChange


@shared_task(acks_late=True, ignore_result=True)
def strip_expired_personal_data():
    """Daily (Celery beat). Idempotent: a rerun or a duplicate delivery finds nothing to do."""
    result = retention.strip_personal_data()
    result["abandoned_photos"] = retention.drop_abandoned_photos()
    return result


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_status_email_task(change_id):
    """Idempotent: the StatusChange row records when its email went out."""
    return services.send_status_email(change_id)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_police_step_email_task(step_id):
    """Idempotent: the PoliceStep row records when its email went out."""
    return police.send_step_email(step_id)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,
    max_retries=8,
)
def notify_officers_of_report(incident_id):
    """Idempotent: the incident records when its officers were told."""
    return alerts.send_new_report_email(incident_id)


@shared_task(acks_late=True, ignore_result=True)
def daily_report_digests():
    """Each morning (Celery beat): yesterday's new reports to the officers who chose a digest.
    Idempotent: one ReportDigest row per officer and day."""
    return alerts.send_daily_digests()


# Emails that were to go out after a commit, but whose task never reached the queue (the broker
# was away): they are queued again, from their rows, once they are this old, for two days.
UNSENT_AFTER = timedelta(minutes=5)
UNSENT_FOR = timedelta(days=2)


@shared_task(acks_late=True, ignore_result=True)
def sweep_unsent_emails():
    """Every five minutes (Celery beat): the outbox sweep of the reporters' status and police
    emails and the officers' new-report emails. Idempotent: each row records when it was told,
    so an email already sent is never sent again."""
    now = timezone.now()
    window = {"created_at__lte": now - UNSENT_AFTER, "created_at__gte": now - UNSENT_FOR}
    queued = 0
    # Not the first row of a report ("reported"): its reporter made it, nobody is told.
    changes = StatusChange.objects.filter(notified_at__isnull=True, **window).exclude(
        from_status=""
    )
    for pk in changes.values_list("pk", flat=True):
        send_status_email_task.delay(pk)
        queued += 1
    for pk in PoliceStep.objects.filter(notified_at__isnull=True, **window).values_list(
        "pk", flat=True
    ):
        send_police_step_email_task.delay(pk)
        queued += 1
    reports = Incident.objects.filter(officers_alerted_at__isnull=True, **window).exclude(
        kind=IncidentType.BAN_VIOLATION
    )
    for pk in reports.values_list("pk", flat=True):
        notify_officers_of_report.delay(pk)
        queued += 1
    return queued
