from smtplib import SMTPException

from celery import shared_task

from incidents import alerts, police, retention, services


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
