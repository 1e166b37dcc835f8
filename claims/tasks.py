from celery import shared_task

from claims import reminders, retention, services


@shared_task(acks_late=True, ignore_result=True)
def daily_claim_reminders():
    """Daily (Celery beat): reminders for overdue claims, then collection costs on reminded
    claims past their new date. Idempotent: the reminder row and the costs entry are the state."""
    return reminders.send_reminders()


@shared_task(acks_late=True, ignore_result=True)
def daily_claim_retention():
    """Daily (Celery beat): claims closed seven years ago lose their names, address and letters;
    so do bank lines that never became a payment. Idempotent: a stripped claim is marked."""
    return retention.strip_closed_claims()


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8
)
def email_claim_letter(claim_id, kind):
    return services.email_letter(claim_id, kind)
