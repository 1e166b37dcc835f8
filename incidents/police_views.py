"""The report to the police on the case page: the shop records its filing, the officer the
stages after it and downloads the hand-over pack."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import police
from incidents.forms import FilingForm, PoliceStepForm
from incidents.handover import handover_pack
from incidents.selectors import get_incident_for_user
from incidents.views import case_page
from merchants import access


@login_required
@require_POST
def record_filing(request, pk):
    incident = get_incident_for_user(request.user, pk)
    if not police.may_record_filing(request.user, incident):
        raise PermissionDenied
    form = FilingForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, incident, filing_form=form)
    try:
        police.record_filing(incident, actor=request.user, **form.cleaned_data)
    except police.PoliceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The report to the police has been recorded."))
    return redirect(incident)


@login_required
@require_POST
def record_step(request, pk):
    incident = get_incident_for_user(request.user, pk)
    if not access.can(request.user, incident.partnership, "review_incidents"):
        raise PermissionDenied
    form = PoliceStepForm(request.POST, incident=incident)
    if not form.is_valid():
        return _back_with_errors(request, incident, police_form=form)
    try:
        step = police.record_step(incident, actor=request.user, **form.cleaned_data)
    except police.PoliceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The report to the police is now “%(stage)s”; the shop has been told.")
            % {"stage": step.get_stage_display()},
        )
    return redirect(incident)


@login_required
def pack(request, pk):
    """The hand-over pack (ZIP) for the police: officers and administrators."""
    incident = get_incident_for_user(request.user, pk)
    if not access.can(request.user, incident.partnership, "view_incidents"):
        raise PermissionDenied
    data, filename = handover_pack(incident, actor=request.user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _back_with_errors(request, incident, **forms):
    return case_page(request, incident, status=400, **forms)
