from celery import shared_task

from bans import services


@shared_task(acks_late=True, ignore_result=True)
def expire_measures():
    """Daily (Celery beat): measures past their last day become expired. Idempotent."""
    return services.expire_measures()
