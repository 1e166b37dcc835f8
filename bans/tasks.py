from celery import shared_task

from bans import retention, services


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
    return services.send_sighting_email(incident_id)


# --- Bulletins -----------------------------------------------------------------------------------


@shared_task(acks_late=True, ignore_result=True)
def make_due_bulletins_task():
    """At the due time of a red-card bulletin (and every few minutes by beat, in case)."""
    from bans import bulletins

    return bulletins.make_due_bulletins()


@shared_task(acks_late=True, ignore_result=True)
def weekly_bulletins():
    """Monday 08:00 (beat): one task per partnership, so one failure stops no other."""
    from merchants.models import Partnership

    for pk in Partnership.objects.filter(active=True).values_list("pk", flat=True):
        weekly_bulletin.delay(pk)


@shared_task(acks_late=True, ignore_result=True)
def weekly_bulletin(partnership_id):
    from bans import bulletins
    from merchants.models import Partnership

    partnership = Partnership.objects.filter(pk=partnership_id, active=True).first()
    made = bulletins.weekly_bulletin(partnership) if partnership else None
    return made.pk if made else None


@shared_task(acks_late=True, ignore_result=True)
def send_bulletin_deliveries(bulletin_id):
    """Send a bulletin's queued rows; a second run finds them sent and sends nothing."""
    from bans import bulletins

    result = bulletins.send_deliveries(bulletin_id)
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}


@shared_task(acks_late=True, ignore_result=True)
def sweep_bulletin_outbox():
    """Every few minutes (beat): rows stuck in `sending` by a dead worker go back to the queue,
    and due bulletin requests are made."""
    from bans import bulletins

    return {"requeued": bulletins.requeue_stuck(), "made": bulletins.make_due_bulletins()}
