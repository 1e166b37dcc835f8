from celery import shared_task

from bans import retention, services, sightings


@shared_task(acks_late=True, ignore_result=True)
def daily_register_maintenance():
    """Daily (Celery beat): measures past their last day expire, then people with no measure
    left lose their personal data and files. Every step is idempotent."""
    expired = services.expire_measures()
    stripped = retention.strip_people()
    return {"expired": expired, **stripped}


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8
)
def notify_officers_of_sighting(incident_id):
    return sightings.send_sighting_email(incident_id)


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8
)
def notify_officers_of_withdrawn_sighting(facts):
    """`facts` holds what the email needs (the incident is gone): names, shop, time (ISO)."""
    return sightings.send_withdrawal_email(facts)
