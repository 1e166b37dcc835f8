"""The certification pages: the partnership's overview ("13 of 16 certified") and an area's
dossier, kept by the coordinator and read by the auditor (thin views over
certification.services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification import services as dossier
from certification.forms import (
    CertificateForm,
    DossierItemForm,
    SafetyMeasureForm,
    SafetyMeasureStatusForm,
)
from certification.models import Certificate, DossierItem, SafetyMeasure
from merchants import access
from merchants.access import require_capability
from merchants.models import ShoppingArea
from plumbing.files import private_file_response


def _area(request, pk, capability="view_dossier") -> ShoppingArea:
    """Another partnership's area is a 404; a role that may not do this gets 403."""
    area = get_object_or_404(
        ShoppingArea.objects.filter(
            partnership__in=access.partnerships_with(request.user, "view_dossier")
        ).select_related("partnership"),
        pk=pk,
    )
    if not access.can(request.user, area.partnership, capability):
        raise PermissionDenied
    return area


@require_capability("view_dossier")
def overview(request):
    today = timezone.localdate()
    return render(
        request,
        "certification/overview.html",
        {"overview": dossier.overview(request.partnership, today), "today": today},
    )


@login_required
def area_dossier(request, pk, forms=None):
    area = _area(request, pk)
    today = timezone.localdate()
    may_manage = access.can(request.user, area.partnership, "manage_dossier")
    forms = forms or {}
    return render(
        request,
        "certification/area.html",
        {
            "area": area,
            "today": today,
            "may_manage": may_manage,
            "certificates": area.certificates.all(),
            "current": dossier.current_certificate(area, today),
            "checklist": dossier.checklist(area, today),
            "items": area.dossier_items.all(),
            "matrix": area.safety_measures.select_related("meeting"),
            "statuses": SafetyMeasure.Status.choices,
            "certificate_form": forms.get("certificate") or CertificateForm(),
            "item_form": forms.get("item") or DossierItemForm(),
            "matrix_form": forms.get("matrix") or SafetyMeasureForm(area=area),
        },
        status=400 if forms else 200,
    )


def _save(request, area, name, form, action, success):
    """Run `action` with the valid form's data; on an error show the page with the form again."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except dossier.DossierError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success)
            return redirect("certification:area_dossier", pk=area.pk)
    messages.error(request, _("Please correct the fields marked below."))
    return area_dossier(request, area.pk, forms={name: form})


@login_required
@require_POST
def add_certificate(request, pk):
    area = _area(request, pk, "manage_dossier")
    form = CertificateForm(request.POST, request.FILES)
    return _save(
        request,
        area,
        "certificate",
        form,
        lambda data: dossier.add_certificate(area, actor=request.user, **data),
        _("The certificate is recorded."),
    )


@login_required
@require_POST
def add_item(request, pk):
    area = _area(request, pk, "manage_dossier")
    form = DossierItemForm(request.POST, request.FILES)
    return _save(
        request,
        area,
        "item",
        form,
        lambda data: dossier.add_item(area, actor=request.user, **data),
        _("The step is recorded in the dossier."),
    )


@login_required
@require_POST
def add_safety_measure(request, pk):
    area = _area(request, pk, "manage_dossier")
    form = SafetyMeasureForm(request.POST, area=area)
    return _save(
        request,
        area,
        "matrix",
        form,
        lambda data: dossier.save_safety_measure(area, actor=request.user, **data),
        _("The measure is added to the matrix."),
    )


@login_required
@require_POST
def safety_measure_status(request, pk):
    item = get_object_or_404(
        SafetyMeasure.objects.filter(
            area__partnership__in=access.partnerships_with(request.user, "view_dossier")
        ).select_related("area__partnership"),
        pk=pk,
    )
    area = _area(request, item.area_id, "manage_dossier")
    form = SafetyMeasureStatusForm(request.POST)
    if form.is_valid():
        dossier.save_safety_measure(area, actor=request.user, item=item, **form.cleaned_data)
        messages.success(request, _("The status is saved."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("certification:area_dossier", pk=area.pk)


@login_required
def document(request, kind, pk):
    """A dossier document, for the coordinator and the auditor of its partnership."""
    model = {"certificate": Certificate, "item": DossierItem}.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(
        model.objects.filter(
            area__partnership__in=access.partnerships_with(request.user, "view_dossier")
        ),
        pk=pk,
    )
    if not record.document:
        raise Http404
    # Dossier PDFs are kept byte for byte (a certificate may carry the certifying body's
    # signature), so one may hold JavaScript or anything after its signature: hand it over as a
    # download, typed as PDF with nosniff, never rendered inside our pages' origin.
    return private_file_response(
        default_storage,
        record.document.name,
        content_type="application/pdf",
        filename=f"{kind}-{record.pk}.pdf",
        inline=False,
    )
