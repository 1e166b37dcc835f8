import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from incidents import documents, police, services
from incidents.export_views import between
from incidents.forms import (
    ALL_CASES,
    THEFTS,
    ContactForm,
    FilingForm,
    InternalNoteForm,
    PoliceStepForm,
    QueueFilterForm,
    ReportForm,
    TransitionForm,
)
from incidents.models import Incident, IncidentPhoto, KeptPhoto, PoliceStage
from incidents.selectors import get_incident_for_user, queue_for, reports_for_shops, timeline
from incidents.services import MAX_PHOTOS
from incidents.statistics import THEFT_TYPES
from incidents.workflow import OPEN_STATUSES
from merchants import access
from merchants.access import require_capability
from merchants.models import Membership, Shop
from merchants.roles import Role
from merchants.services import log_action
from plumbing.files import StorageUnavailable, private_file_response

PER_PAGE = 25


def _reporting_shops(user):
    return (
        Shop.objects.visible_to(user)
        .filter(
            active=True, assignments__membership__user=user, assignments__membership__active=True
        )
        .select_related("area__partnership")
        .distinct()
    )


@require_capability("report_incidents")
def report(request):
    shops = _reporting_shops(request.user)
    if not shops:
        raise PermissionDenied
    initial = {
        "submission_key": uuid.uuid4(),
        "occurred_at": _now(),
        "shop": shops[0] if len(shops) == 1 else None,
    }
    if request.method != "POST":
        form = ReportForm(shops=shops, initial=initial)
        context = {"form": form, "max_photos": MAX_PHOTOS}
        return render(request, "incidents/report_form.html", context)
    key = _posted_key(request.POST)
    kept = KeptPhoto.objects.filter(uploaded_by=request.user, submission_key=key) if key else ()
    form = ReportForm(request.POST, request.FILES, shops=shops, initial=initial, kept=kept)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.drop_kept_photos(form.kept_removed())
                incident, created = services.report_incident(
                    shop=form.cleaned_data["shop"],
                    reporter=request.user,
                    fields=form.incident_fields(),
                    photos=form.cleaned_data["photos"],
                    kept=form.kept_to_use(),
                    submission_key=form.cleaned_data["submission_key"],
                )
        except StorageUnavailable:
            # The photos' storage is away: nothing was saved. The form comes back filled in.
            form.add_error(
                None,
                _(
                    "The photos could not be stored just now, so the report was not sent. "
                    "Try again in a moment; choose the photos again."
                ),
            )
            context = {"form": form, "photos_lost": True, "max_photos": MAX_PHOTOS}
            return render(request, "incidents/report_form.html", context, status=503)
        if created:
            messages.success(
                request,
                _(
                    "Thank you. Your report %(reference)s has been received; "
                    "the officer will contact you."
                )
                % {"reference": incident.reference},
            )
        else:
            messages.info(request, _("This report had been received already."))
        if request.htmx:
            # Sent in the background by the photo picker: the page goes to the case itself.
            return HttpResponseClientRedirect(incident.get_absolute_url())
        return redirect(incident)
    # Back with an error: the photos chosen so far stay, under the form's key, unless they were
    # too many; the ones marked for removal go.
    photos_lost = False
    with transaction.atomic():
        services.drop_kept_photos(form.kept_removed())
        new = form.fields["photos"].accepted
        if new and (key is None or "too_many" in _photo_error_codes(form)):
            photos_lost = True
        elif new:
            services.keep_photos(new, submission_key=key, reporter=request.user)
    form.show_kept(KeptPhoto.objects.filter(uploaded_by=request.user, submission_key=key))
    context = {"form": form, "photos_lost": photos_lost, "max_photos": MAX_PHOTOS}
    return render(request, "incidents/report_form.html", context)


@require_capability("report_incidents")
def kept_photo(request, key, pk):
    """The thumbnail of a photo kept from an earlier attempt, for the one who chose it."""
    picture = get_object_or_404(KeptPhoto, submission_key=key, uploaded_by=request.user, pk=pk)
    return private_file_response(default_storage, picture.thumbnail.name, content_type="image/jpeg")


def _posted_key(data):
    try:
        return uuid.UUID(data.get("submission_key") or "")
    except ValueError:
        return None


def _photo_error_codes(form):
    return {error.code for error in form.errors.as_data().get("photos", ())}


@require_capability("report_incidents")
def my_reports(request):
    shops = _reporting_shops(request.user)
    incidents = reports_for_shops(shops)
    page = Paginator(incidents, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "incidents/my_reports.html", {"page": page, "shops": shops})


@login_required
def detail(request, pk):
    return case_page(request, get_incident_for_user(request.user, pk))


def case_page(request, incident, *, status=200, **forms):
    """The officer's or the shop's page of a case; `forms` bring back a form with its errors."""
    if access.can(request.user, incident.partnership, "view_incidents"):
        return _officer_detail(request, incident, status=status, **forms)
    context = {
        "incident": incident,
        "timeline": timeline(incident),
        "photos": incident.photos.all(),
        **_police_forms(request, incident, forms),
    }
    return render(request, "incidents/detail_reporter.html", context, status=status)


def _police_forms(request, incident, forms):
    may_file = police.may_record_filing(request.user, incident) and incident.police_stage in (
        "",
        PoliceStage.FILED,
    )
    return {
        "filing_form": (forms.get("filing_form") or FilingForm()) if may_file else None,
        "police_form": forms.get("police_form") or PoliceStepForm(incident=incident),
    }


def _officer_detail(request, incident, *, status=200, **forms):
    may_review = access.can(request.user, incident.partnership, "review_incidents")
    context = {
        "incident": incident,
        "timeline": timeline(incident),
        "photos": incident.photos.all(),
        "contacts": incident.contacts.select_related("actor"),
        "notes": incident.internal_notes.select_related("author"),
        "duplicates": incident.duplicates.all(),
        "may_review": may_review,
        "may_pack": True,
        "transition_form": forms.get("transition_form") or TransitionForm(incident=incident),
        "contact_form": forms.get("contact_form")
        or ContactForm(
            initial={"contacted_at": timezone.localtime().replace(second=0, microsecond=0)}
        ),
        "note_form": forms.get("note_form") or InternalNoteForm(),
        "officers": _officers(incident.partnership),
        **_police_forms(request, incident, forms),
    }
    if forms:
        status = 400
    return render(request, "incidents/detail_officer.html", context, status=status)


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


def _officers(partnership):
    return [
        m.user
        for m in Membership.objects.active()
        .filter(partnership=partnership, role=Role.OFFICER)
        .select_related("user")
    ]


def _review_target(request, pk):
    incident = get_incident_for_user(request.user, pk)
    if not access.can(request.user, incident.partnership, "review_incidents"):
        raise PermissionDenied
    return incident


@login_required
@require_POST
def move(request, pk):
    incident = _review_target(request, pk)
    form = TransitionForm(request.POST, incident=incident)
    if not form.is_valid():
        return _officer_detail(request, incident, transition_form=form)
    try:
        services.transition(
            incident,
            to=form.cleaned_data["to"],
            actor=request.user,
            public_note=form.cleaned_data["public_note"],
        )
    except services.IncidentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The case is now “%(status)s”; the shop has been told.")
            % {"status": incident.get_status_display()},
        )
    return redirect(incident)


@login_required
@require_POST
def add_contact(request, pk):
    incident = _review_target(request, pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _officer_detail(request, incident, contact_form=form)
    try:
        services.record_contact(incident, actor=request.user, **form.cleaned_data)
    except services.IncidentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The contact moment has been recorded."))
    return redirect(incident)


@login_required
@require_POST
def add_note(request, pk):
    incident = _review_target(request, pk)
    form = InternalNoteForm(request.POST)
    if not form.is_valid():
        return _officer_detail(request, incident, note_form=form)
    services.add_internal_note(incident, text=form.cleaned_data["text"], actor=request.user)
    messages.success(request, _("The internal note has been added."))
    return redirect(incident)


@login_required
@require_POST
def assign(request, pk):
    incident = _review_target(request, pk)
    officer = None
    if request.POST.get("officer"):
        officer = next(
            (u for u in _officers(incident.partnership) if str(u.pk) == request.POST["officer"]),
            None,
        )
        if officer is None:
            messages.error(request, _("Only an officer of this partnership can take a case."))
            return redirect(incident)
    services.assign(incident, officer=officer, actor=request.user)
    messages.success(request, _("The assignment has been saved."))
    return redirect(incident)


@login_required
@require_POST
def link_duplicate(request, pk):
    incident = _review_target(request, pk)
    # Accept what the pages show ("DEV-000123") as well as the bare number.
    digits = request.POST.get("original", "").strip().rsplit("-", 1)[-1]
    original_pk = int(digits) if digits.isdigit() and len(digits) < 12 else None
    original = Incident.objects.visible_to(request.user).filter(pk=original_pk).first()
    if original is None:
        messages.error(request, _("There is no report with that number in your partnership."))
        return redirect(incident)
    try:
        services.mark_duplicate(incident, original=original, actor=request.user)
    except services.IncidentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Linked as a duplicate of report %(reference)s.") % {"reference": original.reference},
        )
    return redirect(incident)


@login_required
def photo(request, pk, photo_pk, size="original"):
    incident = get_incident_for_user(request.user, pk)
    picture = get_object_or_404(IncidentPhoto, incident=incident, pk=photo_pk)
    name = picture.original.name if size == "original" else picture.thumbnail.name
    return private_file_response(
        default_storage,
        name,
        content_type="image/jpeg",
        filename=f"{incident.reference}-{picture.pk}.jpg",
    )


CASE_NUMBER = re.compile(r"(?:[A-Za-z]{2,6}-)?0*(\d{1,18})")


def _search(incidents, text):
    """A case number ("DEV-000123", "123") finds that case; other words find a shop by name."""
    text = text.strip()
    number = CASE_NUMBER.fullmatch(text)
    if number:
        return incidents.filter(pk=int(number[1]))
    return incidents.filter(shop__name__icontains=text)


@require_capability("review_incidents")
def queue(request):
    form = QueueFilterForm(request.GET or None, partnership=request.partnership)
    incidents = queue_for(request.partnership)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            incidents = _search(incidents, data["q"])
        if data["area"]:
            incidents = incidents.filter(area=data["area"])
        if data["shop"]:
            incidents = incidents.filter(shop=data["shop"])
        if data["kind"] == THEFTS:
            incidents = incidents.filter(kind__in=THEFT_TYPES)
        elif data["kind"]:
            incidents = incidents.filter(kind=data["kind"])
        if data["status"] == ALL_CASES:
            pass
        elif data["status"]:
            incidents = incidents.filter(status=data["status"])
        else:
            incidents = incidents.filter(status__in=OPEN_STATUSES)
        if data["aangifte"] == "yes":
            incidents = incidents.filter(police_report="yes")
        elif data["aangifte"] == "no":
            incidents = incidents.exclude(police_report="yes")
        incidents = between(incidents, data["since"], data["until"])
    else:
        incidents = incidents.filter(status__in=OPEN_STATUSES)
    page = Paginator(incidents, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "querystring": query.urlencode(),
        "now": timezone.now(),
        "active_filters": _active_filters(form),
    }
    # Filters change in the page (htmx): only the list is sent back.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "incidents/partials/queue_results.html" if partial else "incidents/queue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _active_filters(form):
    if not form.is_bound or not form.is_valid():
        return 0
    return sum(1 for value in form.cleaned_data.values() if value not in (None, ""))


def _pdf_response(pdf, filename):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_pdf(request, pk):
    """The case file for the police: officers and administrators only."""
    incident = get_incident_for_user(request.user, pk)
    if not access.can(request.user, incident.partnership, "view_incidents"):
        raise PermissionDenied
    log_action(
        "incidents.pdf.case_printed",
        actor=request.user,
        partnership=incident.partnership,
        obj=incident,
    )
    return _pdf_response(documents.case_pdf(incident), f"zaak-{incident.reference}.pdf")


@login_required
def aangifte_pdf(request, pk):
    """The pre-filled police report form, for the shop to hand to the police."""
    incident = get_incident_for_user(request.user, pk)
    log_action(
        "incidents.pdf.aangifte_printed",
        actor=request.user,
        partnership=incident.partnership,
        obj=incident,
    )
    return _pdf_response(documents.aangifte_pdf(incident), f"aangifte-{incident.reference}.pdf")
