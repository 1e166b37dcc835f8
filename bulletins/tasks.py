from celery import shared_task

from bulletins import editions, outbox
from merchants.models import Partnership


@shared_task(acks_late=True, ignore_result=True)
def make_due_bulletins_task():
    """At the due time of a red-card bulletin (and every few minutes by beat, in case)."""
    return editions.make_due_bulletins()


@shared_task(acks_late=True, ignore_result=True)
def weekly_bulletins():
    """Monday 08:00 (beat): one task per partnership, so one failure stops no other."""
    for pk in Partnership.objects.filter(active=True).values_list("pk", flat=True):
        weekly_bulletin.delay(pk)


@shared_task(acks_late=True, ignore_result=True)
def weekly_bulletin(partnership_id):
    partnership = Partnership.objects.filter(pk=partnership_id, active=True).first()
    made = editions.weekly_bulletin(partnership) if partnership else None
    return made.pk if made else None


@shared_task(acks_late=True, ignore_result=True)
def send_bulletin_deliveries(bulletin_id):
    """Send a bulletin's queued rows; a second run finds them sent and sends nothing."""
    result = outbox.send_deliveries(bulletin_id)
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}


@shared_task(acks_late=True, ignore_result=True)
def sweep_bulletin_outbox():
    """Every few minutes (beat): rows stuck in `sending` by a dead worker go back to the queue,
    and due bulletin requests are made."""
    return {"requeued": outbox.requeue_stuck(), "made": editions.make_due_bulletins()}
