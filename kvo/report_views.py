"""Certification reports: the area's report in the browser (with a print stylesheet) and as a PDF
made in the background, with its progress shown while it runs."""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from certification import services as dossier
from kvo import reports
from kvo.models import ReportJob
from merchants import access
from merchants.models import ShoppingArea
from plumbing.files import private_file_response


def _area(request, pk):
    return get_object_or_404(
        ShoppingArea.objects.filter(
            partnership__in=access.partnerships_with(request.user, "view_dossier")
        ).select_related("partnership"),
        pk=pk,
    )


def _quarter(value):
    """ "2026-3", else the last complete quarter; nonsense and the future fall back to it too."""
    match = re.fullmatch(r"(\d{4})-([1-4])", value or "")
    today = timezone.localdate()
    if match and 2000 <= int(match[1]) <= today.year:
        quarter = reports.Quarter(int(match[1]), int(match[2]))
        if quarter.start <= today:
            return quarter
    return reports.Quarter.last_complete(today)


@login_required
def area_report(request, pk):
    area = _area(request, pk)
    quarter = _quarter(request.GET.get("quarter"))
    context = reports.report_context(area, quarter)
    today = timezone.localdate()
    # The other areas of the partnership: on the page, for the coordinator; not in the PDF,
    # which is this area's report.
    context["overview"] = dossier.overview(area.partnership, context["today"])
    choices = []
    option = reports.Quarter.last_complete(today)
    for _step in range(12):
        choices.append(option)
        option = option.previous()
    return render(
        request,
        "reports/area.html",
        {**context, "quarters": choices, "quarter_value": f"{quarter.year}-{quarter.number}"},
    )


@login_required
@require_POST
def area_report_pdf(request, pk):
    """Queue the PDF; the job page shows how far it is and offers it when ready."""
    from kvo.tasks import render_report

    area = _area(request, pk)
    quarter = _quarter(request.POST.get("quarter"))
    job = ReportJob.objects.create(
        partnership=area.partnership,
        area=area,
        quarter=f"{quarter.year}-{quarter.number}",
        requested_by=request.user,
    )
    transaction.on_commit(lambda: render_report.delay(job.pk), robust=True)
    return redirect("reports:job", pk=job.pk)


def _job(request, pk):
    job = get_object_or_404(ReportJob.objects.select_related("area"), pk=pk)
    if job.requested_by_id != request.user.pk or not access.can(
        request.user, job.partnership, "view_dossier"
    ):
        raise Http404
    return job


@login_required
def job(request, pk):
    job = _job(request, pk)
    return render(request, "reports/job.html", {"job": job})


@login_required
def job_pdf(request, pk):
    job = _job(request, pk)
    if job.state != ReportJob.State.DONE or not job.pdf:
        raise Http404
    if not access.can(request.user, job.partnership, "view_dossier"):
        raise PermissionDenied
    return private_file_response(
        default_storage,
        job.pdf.name,
        content_type="application/pdf",
        # The quarter as the page and the report write it ("Q3 2026"), not as the form does.
        filename=f"certificering-{job.area.name}-{job.quarter_label}.pdf".replace(" ", "-"),
    )
