from celery import shared_task

from bans import services


@shared_task(acks_late=True, ignore_result=True)
def expire_measures():
    """Daily (Celery beat): measures past their last day become expired. Idempotent."""
    return services.expire_measures()


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8
)
def notify_officers_of_sighting(incident_id):
    return services.send_sighting_email(incident_id)
