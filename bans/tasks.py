from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model

from bans import access_review, gallery_copies, identity, notices, retention, services, sightings
from bans.gallery_models import GalleryViewer
from bans.models import Measure
from merchants.models import Partnership
from plumbing.files import STORAGE_FAILURES


@shared_task(acks_late=True, ignore_result=True)
def daily_register_maintenance():
    """Daily (Celery beat): measures past their last day expire, then people with no measure
    left lose their personal data and files. Every step is idempotent."""
    expired = services.expire_measures()
    stripped = retention.strip_people()
    return {"expired": expired, **stripped}


@shared_task(acks_late=True, ignore_result=True)
def daily_gallery_copies():
    """Daily (Celery beat), after the register's maintenance: yesterday's copies go (the sweep
    finishes what one run leaves), and each viewer who opened the gallery lately gets today's
    before they ask, in a task of its own (a few seconds each, however many viewers)."""
    pruned = gallery_copies.prune()
    viewers = list(gallery_copies.active_viewers().values_list("pk", flat=True))
    for viewer_id in viewers:
        warm_viewer_copies.delay(viewer_id)
    return {"pruned": pruned, "viewers": len(viewers)}


@shared_task(acks_late=True, ignore_result=True)
def sweep_gallery_copies():
    """Every few minutes (Celery beat): the copies of people who left a gallery without a
    decision (a measure's last day passed), and what is left of past days' copies, go;
    idempotent."""
    return gallery_copies.prune()


@shared_task(acks_late=True, ignore_result=True)
def warm_gallery_copies(partnership_id):
    """After a measure came into force: the copies for the viewers who opened this partnership's
    gallery lately, a task each."""
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is None:
        return 0
    viewers = list(gallery_copies.active_viewers(partnership).values_list("pk", flat=True))
    for viewer_id in viewers:
        warm_viewer_copies.delay(viewer_id)
    return len(viewers)


@shared_task(acks_late=True, ignore_result=True)
def warm_viewer_copies(viewer_id):
    """One viewer's copies for today. Idempotent: a copy that exists is not made again."""
    viewer = GalleryViewer.objects.filter(pk=viewer_id).select_related("partnership").first()
    return gallery_copies.warm(viewer) if viewer is not None else 0


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


@shared_task(
    acks_late=True,
    ignore_result=True,
    # OSError: the disk; STORAGE_FAILURES: the object store away. The letter waits, not lost.
    autoretry_for=STORAGE_FAILURES,
    retry_backoff=10,
    max_retries=8,
)
def issue_notices_for_decision(measure_id, actor_id):
    """After a decision: its notice letters. Idempotent (one letter per measure); a measure
    revoked meanwhile gets none."""
    measure = Measure.objects.filter(pk=measure_id, status="active").first()
    actor = get_user_model().objects.filter(pk=actor_id).first()
    if measure is None or actor is None:
        return 0
    # The decided measure's letter, and the shop ban's decided with it (same offence, in force,
    # no letter yet).
    decided = [measure]
    if measure.incident_id:
        decided += list(
            measure.person.measures.filter(
                incident_id=measure.incident_id, status="active", notice__isnull=True
            ).exclude(pk=measure.pk)
        )
    try:
        return len([notices.issue_notice(item, actor=actor) for item in decided])
    except services.RegisterError:
        return 0


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_identity_request(request_id, reminder=False):
    """Idempotent: a request is sent once (its row records when); a reminder is claimed on the
    row by identity.send_reminders before this runs."""
    return identity.send_request(request_id, reminder=reminder)


@shared_task(acks_late=True, ignore_result=True)
def remind_identity_requests():
    """Daily (Celery beat): the requests whose term passed get one reminder each."""
    return identity.send_reminders()


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=300,
    max_retries=6,
)
def weekly_access_reviews():
    """Mondays (Celery beat): a task per partnership for last week's access review."""
    for partnership_id in access_review.partnerships_to_review():
        send_access_review.delay(partnership_id)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=300,
    max_retries=6,
)
def send_access_review(partnership_id):
    """Idempotent: one AccessReview row per partnership and week."""
    partnership = Partnership.objects.filter(pk=partnership_id, active=True).first()
    review = access_review.send_review(partnership) if partnership else None
    return bool(review and review.sent_at)
