from celery import shared_task

from certification import reminders


@shared_task(acks_late=True, ignore_result=True)
def daily_dossier_reminders():
    """Daily (Celery beat): certificates ending, schouw, annual report and survey due, to the
    coordinators. Idempotent: the `DossierReminder` rows are the state."""
    return reminders.send_dossier_reminders()
