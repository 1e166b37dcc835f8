import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bans import gallery_copies, notices, services
from bans.forms import AccessLogFilterForm, OverrideForm, PersonForm, ReasonForm, SubjectRequestForm
from bans.models import (
    COLLECTIVE_KINDS,
    MeasureKind,
    MeasureStatus,
    NoticeLetter,
    Person,
    PersonPhoto,
    SubjectRequest,
)
from bans.selectors import (
    GALLERY_CARDS,
    access_log,
    gallery_people,
    gallery_photo,
    get_measure_for_user,
    get_person_for_user,
    labelled,
    working_shops,
)
from bans.tasks import issue_notices_for_decision
from incidents.selectors import get_incident_for_user
from merchants import access
from merchants.access import require_capability
from merchants.purpose import Purpose, PurposeForm, purpose_page, stated_purpose
from merchants.services import has_signed_current_protocol
from plumbing.files import StorageUnavailable, private_file_response
from plumbing.http import client_ip
from plumbing.images import GALLERY_BOXES, ImageRejected, process_upload

# Why someone opens a person's identity or a letter naming them; why a shop prints the gallery.
IDENTITY_PURPOSES = [
    Purpose.CASE,
    Purpose.MEASURE,
    Purpose.CLAIM,
    Purpose.POLICE,
    Purpose.REQUEST,
    Purpose.OTHER,
]
PRINT_PURPOSES = [Purpose.COUNTER, Purpose.OTHER]


def _review(request, incident_pk):
    incident = get_incident_for_user(request.user, incident_pk)
    if not access.can(request.user, incident.partnership, "review_incidents"):
        raise PermissionDenied
    return incident


@login_required
def link_person(request, incident_pk):
    """From a case: find the person in the register, or add a new one, and link the case."""
    incident = _review(request, incident_pk)
    query = request.GET.get("q", "").strip()[:100]
    found = services.find_people(incident.partnership, query) if query else []
    if query:
        services.log_action(
            "bans.register.searched",
            actor=request.user,
            partnership=incident.partnership,
            obj=incident,
            data={"results": len(found)},
            ip_address=client_ip(request),
        )
    form = PersonForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("person"):
            if not request.POST["person"].isdigit():
                raise Http404
            person = get_person_for_user(request.user, request.POST["person"])
        elif form.is_valid():
            person = services.create_person(
                partnership=incident.partnership, actor=request.user, **form.cleaned_data
            )
        else:
            return render(
                request,
                "bans/link_person.html",
                {"incident": incident, "form": form, "found": found, "query": query},
                status=400,
            )
        try:
            services.link_incident(person, incident, actor=request.user)
        except services.RegisterError as error:
            messages.error(request, str(error))
            return redirect(incident)
        messages.success(
            request,
            _("%(person)s is linked to report %(reference)s.")
            % {"person": person.display_name, "reference": incident.reference},
        )
        return redirect("bans:person", pk=person.pk)
    return render(
        request,
        "bans/link_person.html",
        {"incident": incident, "form": form, "found": found, "query": query},
    )


@login_required
def person(request, pk):
    subject = get_person_for_user(request.user, pk)
    services.log_person_view(subject, actor=request.user, request=request)
    # The identity fields open for a stated purpose, logged with it (merchants.purpose).
    identity_purpose = stated_purpose(request, choices=IDENTITY_PURPOSES)
    if identity_purpose:
        services.log_action(
            "bans.person.identity_opened",
            actor=request.user,
            partnership=subject.partnership,
            obj=subject,
            data=identity_purpose,
            ip_address=client_ip(request),
        )
    links = subject.links.select_related("incident__shop", "incident__partnership").order_by(
        "-incident__occurred_at"
    )
    # Collective measures first (the decision the officer makes), then individual bans.
    measures = (
        subject.measures.select_related("incident", "issuing_shop", "decided_by", "notice")
        .prefetch_related("history")
        .annotate(
            individual=Case(
                When(kind=MeasureKind.INDIVIDUAL, then=1), default=0, output_field=IntegerField()
            )
        )
        .order_by("individual", "-starts_on", "-pk")
    )
    decided_incidents = {
        m.incident_id for m in measures if m.status != MeasureStatus.REVOKED and m.incident_id
    }
    # Cards whose revoke also withdraws the shop ban proposed for the same offence (services).
    proposed_shop_ban_incidents = {
        m.incident_id
        for m in measures
        if m.kind == MeasureKind.INDIVIDUAL and m.status == MeasureStatus.PROPOSED
    }
    return render(
        request,
        "bans/person.html",
        {
            "person": subject,
            "show_identity": identity_purpose is not None,
            "purpose_form": PurposeForm(
                request.GET if "purpose" in request.GET else None, choices=IDENTITY_PURPOSES
            ),
            "links": links,
            "measures": measures,
            "undecided": [
                link.incident for link in links if link.incident_id not in decided_incidents
            ],
            "may_decide": access.can(request.user, subject.partnership, "review_incidents"),
            "override_form": OverrideForm(),
            "withdraws_shop_ban": {
                m.pk
                for m in measures
                if m.kind in COLLECTIVE_KINDS and m.incident_id in proposed_shop_ban_incidents
            },
        },
    )


@login_required
@require_POST
def propose(request, pk, incident_pk):
    subject = get_person_for_user(request.user, pk)
    incident = _review(request, incident_pk)
    try:
        services.propose_measures(subject, incident, actor=request.user)
    except services.RegisterError as error:
        messages.error(request, str(error))
    return redirect("bans:person", pk=subject.pk)


@login_required
@require_POST
def decide(request, pk, action):
    measure = get_measure_for_user(request.user, pk)
    try:
        if action == "confirm":
            form = ReasonForm(request.POST)
            measure = services.confirm(
                measure, actor=request.user, reason=form.data.get("reason", "")[:2000]
            )
            _notices_after_response(request, measure)
        elif action == "override":
            form = OverrideForm(request.POST)
            if not form.is_valid():
                raise services.RegisterError(
                    _("Choose a measure and a term of 1 to 24 months, and give the reason.")
                )
            measure = services.override(measure, actor=request.user, **form.cleaned_data)
            _notices_after_response(request, measure)
        else:
            services.revoke(
                measure, actor=request.user, reason=request.POST.get("reason", "")[:2000]
            )
            messages.success(request, _("The measure has been revoked."))
    except services.RegisterError as error:
        messages.error(request, str(error))
    return redirect("bans:person", pk=measure.person_id)


def _notices_after_response(request, measure):
    """The letters are made by a worker (a PDF each takes a second): the decision answers at
    once, and the person page shows the letter when it is there."""
    issue_notices_for_decision.delay(measure.pk, request.user.pk)
    messages.success(
        request,
        _("The measure is in force. The notice letter is being made and appears here shortly."),
    )


# --- photos (officer) -------------------------------------------------------------------------


@login_required
@require_POST
def add_photo(request, pk):
    subject = get_person_for_user(request.user, pk)
    if not access.can(request.user, subject.partnership, "review_incidents"):
        raise PermissionDenied
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("Choose a photo."))
        return redirect("bans:person", pk=subject.pk)
    try:
        services.add_photo(subject, process_upload(upload, name=upload.name), actor=request.user)
    except ImageRejected as rejection:
        messages.error(request, str(rejection))
    except StorageUnavailable:
        messages.error(
            request,
            _(
                "The photo could not be stored just now, so nothing was saved. Try again in a "
                "moment."
            ),
        )
    else:
        messages.success(request, _("The photo has been added."))
    return redirect("bans:person", pk=subject.pk)


@login_required
def photo(request, pk, photo_pk):
    """For officers and administrators: the photo as stored, never cached."""
    subject = get_person_for_user(request.user, pk)
    picture = get_object_or_404(PersonPhoto, person=subject, pk=photo_pk)
    return private_file_response(default_storage, picture.thumbnail.name, content_type="image/jpeg")


# --- gallery (participants) -------------------------------------------------------------------


def gallery_viewer(request):
    """(shops, viewer, refusal) for a participant: the active shops where they work in this
    partnership (read once per request), the watermark naming them, and None; or a redirect to
    sign the protocol first as the refusal."""
    if not access.can(request.user, request.partnership, "report_incidents"):
        raise PermissionDenied
    if not has_signed_current_protocol(request.user, request.partnership):
        return (
            [],
            "",
            redirect(f"{reverse('merchants:protocol')}?{urlencode({'next': request.path})}"),
        )
    shops = list(working_shops(request.user, request.partnership).order_by("name", "pk"))
    if not shops:
        # No active shop: no gallery (and no watermark that could not name a shop).
        raise PermissionDenied
    return shops, ", ".join(sorted({shop.name for shop in shops})), None


@login_required
def gallery(request):
    shops, viewer, refusal = gallery_viewer(request)
    if refusal:
        return refusal
    query = request.GET.get("q", "").strip()[:100]
    card = request.GET.get("card", "")
    card = card if card in GALLERY_CARDS else ""
    today = timezone.localdate()
    people = gallery_people(
        request.partnership, day=today, query=query, card=card, viewer_shops=shops
    )
    # The photos come from copies watermarked for these shops, by signed links (no request of
    # theirs reaches Python); bans/gallery_copies.py.
    copies_viewer = gallery_copies.viewer_for(request.partnership, shops, viewer, day=today)
    gallery_copies.links(copies_viewer, people, day=today)
    services.log_gallery_view(request.partnership, actor=request.user, request=request, query=query)
    response = render(
        request,
        "bans/gallery.html",
        {
            "people": people,
            "query": query,
            "card": card,
            "viewer": viewer,
            "shops": shops,
            "sighting_key": uuid.uuid4(),
            "compact": request.GET.get("view") == "list",
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def gallery_image(request, pk, photo_pk):
    """A gallery photo, watermarked on the server with the viewer's shop and today's date."""
    shops, viewer, refusal = gallery_viewer(request)
    if refusal:
        raise PermissionDenied
    picture = gallery_photo(
        request.partnership, pk, photo_pk, day=timezone.localdate(), viewer_shops=shops
    )
    if picture is None:
        raise Http404
    # The rendition the page asked for (srcset: the screen's pixel density); anything else, "m".
    size = request.GET.get("size")
    size = size if size in GALLERY_BOXES else "m"
    # The page found no copy for this size: make it (and keep it for the next request), or send
    # the browser to the one made meanwhile.
    today = timezone.localdate()
    copies_viewer = gallery_copies.viewer_for(request.partnership, shops, viewer, day=today)
    marked, url = gallery_copies.copy_for(copies_viewer, picture, size, day=today)
    response = HttpResponse(marked, content_type="image/jpeg") if marked else redirect(url)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def issue_notice(request, pk):
    """For a measure in force whose letter could not be made at the time of the decision."""
    measure = get_measure_for_user(request.user, pk)
    try:
        notices.issue_notice(measure, actor=request.user)
    except services.RegisterError as error:
        messages.error(request, str(error))
    return redirect("bans:person", pk=measure.person_id)


@login_required
def notice(request, pk):
    """The notice letter as issued: the stored PDF, never rendered again."""
    measure = get_measure_for_user(request.user, pk)
    letter = get_object_or_404(NoticeLetter, measure=measure)
    purpose = stated_purpose(request, choices=IDENTITY_PURPOSES)
    if purpose is None:
        return purpose_page(
            request,
            title=_("Open the notice letter"),
            what=_("The letter names the person and gives the address."),
            choices=IDENTITY_PURPOSES,
        )
    services.log_action(
        "bans.notice.printed",
        actor=request.user,
        partnership=measure.partnership,
        obj=measure.person,
        data={"measure": measure.pk, **purpose},
        ip_address=client_ip(request),
    )
    return private_file_response(
        default_storage,
        letter.pdf.name,
        content_type="application/pdf",
        filename=f"kennisgeving-{letter.snapshot.get('reference', measure.pk)}.pdf",
    )


@require_capability("keep_register")
def access_log_page(request):
    form = AccessLogFilterForm(request.GET or None, partnership=request.partnership)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            filters["person"] = Person.objects.filter(
                partnership=request.partnership, pk=data["person"]
            ).first() or Person(pk=0)
        filters.update(user=data["user"], since=data["since"], until=data["until"])
    events = access_log(request.partnership, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "events": labelled(page),
        "querystring": query.urlencode(),
    }
    response = render(request, "bans/access_log.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_capability("keep_register")
def subject_requests(request):
    form = SubjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = None
        if data["person"]:
            person = Person.objects.filter(
                partnership=request.partnership, pk=data["person"]
            ).first()
            if person is None:
                form.add_error("person", _("There is nobody with that number in your register."))
        if form.is_valid():
            try:
                services.record_subject_request(
                    partnership=request.partnership,
                    actor=request.user,
                    kind=data["kind"],
                    requester=data["requester"],
                    received_on=data["received_on"],
                    person=person,
                    notes=data["notes"],
                )
            except services.RegisterError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The request has been recorded."))
                return redirect("bans:subject_requests")
    items = SubjectRequest.objects.filter(partnership=request.partnership).select_related("person")
    return render(
        request,
        "bans/subject_requests.html",
        {"requests": items, "form": form, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


@require_capability("keep_register")
@require_POST
def close_request(request, pk):
    item = get_object_or_404(SubjectRequest, partnership=request.partnership, pk=pk)
    try:
        services.close_subject_request(
            item, actor=request.user, status=request.POST.get("status", "")
        )
    except services.RegisterError as error:
        messages.error(request, str(error))
    return redirect("bans:subject_requests")


@require_capability("keep_register")
def access_report(request, pk):
    subject = get_person_for_user(request.user, pk)
    pdf = services.access_report_pdf(subject, actor=request.user, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inzage-{subject.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_capability("keep_register")
@require_POST
def merge(request, pk):
    keep = get_person_for_user(request.user, pk)
    try:
        other_pk = int(request.POST.get("duplicate", "").strip())
    except ValueError:
        other_pk = 0
    duplicate = Person.objects.visible_to(request.user).filter(pk=other_pk).first()
    if duplicate is None:
        messages.error(request, _("There is nobody with that number in your register."))
        return redirect("bans:person", pk=keep.pk)
    try:
        services.merge_people(keep, duplicate, actor=request.user)
    except services.RegisterError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Person %(number)s has been merged into this one.") % {"number": other_pk}
        )
    return redirect("bans:person", pk=keep.pk)


@login_required
def gallery_print(request):
    """The gallery on A4 for behind the counter: same people, same watermarks, logged."""
    shops, viewer, refusal = gallery_viewer(request)
    if refusal:
        return refusal
    purpose = stated_purpose(request, choices=PRINT_PURPOSES)
    if purpose is None:
        return purpose_page(
            request,
            title=_("Print the gallery"),
            what=_("The printout shows every person with a collective measure, with photos."),
            choices=PRINT_PURPOSES,
        )
    people = gallery_people(request.partnership, day=timezone.localdate(), viewer_shops=shops)
    services.log_action(
        "bans.gallery.printed",
        actor=request.user,
        partnership=request.partnership,
        data=purpose,
        ip_address=client_ip(request),
    )
    response = render(
        request,
        "bans/gallery_print.html",
        {"people": people, "viewer": viewer, "today": timezone.localdate()},
    )
    response["Cache-Control"] = "private, no-store"
    return response
