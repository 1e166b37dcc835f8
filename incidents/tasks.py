from smtplib import SMTPException

from celery import shared_task

from incidents import retention, services


@shared_task(acks_late=True, ignore_result=True)
def strip_expired_personal_data():
    """Daily (Celery beat). Idempotent: a rerun or a duplicate delivery finds nothing to do."""
    return retention.strip_personal_data()


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
