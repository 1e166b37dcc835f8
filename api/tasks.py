from celery import shared_task

from api import webhooks


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id):
    """One attempt; a failed one is tried again by the sweep when its time comes. Idempotent:
    a delivered or claimed row is left alone."""
    return webhooks.deliver(delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_webhooks():
    """Every minute (Celery beat): the deliveries whose next attempt is due."""
    return webhooks.deliver_due()
