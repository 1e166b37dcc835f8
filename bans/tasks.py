from celery import shared_task

from bans import claims, retention, services


@shared_task(acks_late=True, ignore_result=True)
def daily_register_maintenance():
    """Daily (Celery beat): measures past their last day expire, then people with no measure
    left lose their personal data and files, and claims closed seven years ago lose theirs.
    Every step is idempotent."""
    expired = services.expire_measures()
    stripped = retention.strip_people()
    claims_stripped = retention.strip_closed_claims()
    return {"expired": expired, **stripped, "claims": claims_stripped["claims"]}


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8
)
def notify_officers_of_sighting(incident_id):
    return services.send_sighting_email(incident_id)


@shared_task(acks_late=True, ignore_result=True)
def daily_claim_reminders():
    """Daily (Celery beat): reminders for overdue claims, then collection costs on reminded
    claims past their new date. Idempotent: the reminder row and the costs entry are the state."""
    return claims.send_reminders()


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8
)
def email_claim_letter(claim_id, kind):
    return claims.email_letter(claim_id, kind)
