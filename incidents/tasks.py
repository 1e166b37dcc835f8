from celery import shared_task

from incidents import retention


@shared_task(acks_late=True, ignore_result=True)
def strip_expired_personal_data():
    """Daily (Celery beat). Idempotent: a rerun or a duplicate delivery finds nothing to do."""
    return retention.strip_personal_data()
