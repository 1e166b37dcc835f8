import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def render_report(job_id):
    """Make the area's certification report as a PDF, telling the page how far it is."""
    from kvo import reports
    from kvo.models import ReportJob
    from plumbing.files import random_name
    from plumbing.pdf import render_pdf

    # Claim the job: a duplicate delivery of the task finds it taken and stops.
    if not ReportJob.objects.filter(pk=job_id, state=ReportJob.State.QUEUED).update(
        state=ReportJob.State.RUNNING, progress=10
    ):
        return None
    job = ReportJob.objects.select_related("area__partnership").get(pk=job_id)
    try:
        year, number = (int(part) for part in job.quarter.split("-"))
        context = reports.report_context(job.area, reports.Quarter(year, number), pdf=True)
        ReportJob.objects.filter(pk=job.pk).update(progress=40)
        pdf = render_pdf("reports/area_pdf.html", context)
        ReportJob.objects.filter(pk=job.pk).update(progress=90)
        stored = default_storage.save(random_name("reports", "pdf"), ContentFile(pdf))
    except Exception as error:  # shown on the page; the details go to the log
        logger.exception("report %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED, error=error.__class__.__name__[:300]
        )
        return None
    ReportJob.objects.filter(pk=job.pk).update(
        state=ReportJob.State.DONE, progress=100, pdf=stored, finished_at=timezone.now()
    )
    return job.pk
