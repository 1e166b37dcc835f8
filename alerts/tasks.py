from celery import shared_task

from alerts import services


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), max_retries=5)
def send_alert(alert_id):
    """Idempotent: only queued deliveries are sent, each under a lock."""
    return services.deliver(alert_id)
