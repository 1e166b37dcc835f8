from celery import shared_task

from alerts import retention, services, warnings


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), max_retries=5)
def send_alert(alert_id):
    """Idempotent: a worker claims the queued deliveries before sending them."""
    return services.deliver(alert_id)


@shared_task(ignore_result=True)
def tell_withdrawn(alert_id):
    return warnings.tell_withdrawn(alert_id)


@shared_task(ignore_result=True)
def sweep_alerts():
    """Every minute: deliveries still queued get their task again; deliveries a dead worker left
    half-done become failed."""
    return {"requeued": services.requeue_waiting(), "stale": services.settle_stale()}


@shared_task(ignore_result=True)
def alert_retention():
    """Hourly: a warning's description goes a day after it was sent, an alert after thirty days
    (each with a ledger line)."""
    return retention.apply()
