"""Pages of the name-and-address requests: the list with its figures, a new request for a case,
a request with its PDF, and the answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bans import identity
from bans.forms import IdentityAnswerForm, IdentityRequestForm
from bans.models import IdentityRequest
from incidents.models import Incident
from merchants import access
from merchants.access import require_capability
from merchants.services import log_action

PER_PAGE = 25


def get_request_for_user(user, pk) -> IdentityRequest:
    return get_object_or_404(
        IdentityRequest.objects.visible_to(user).select_related(
            "partnership",
            "incident__shop",
            "incident__partnership",
            "person",
            "requested_by",
            "closed_by",
        ),
        pk=pk,
    )


@require_capability("identity_requests")
def request_list(request):
    requests = IdentityRequest.objects.filter(partnership=request.partnership).select_related(
        "partnership", "incident__shop", "incident__partnership"
    )
    show_all = request.GET.get("all") == "1"
    if not show_all:
        requests = requests.open()
    page = Paginator(requests, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for item in page:
        item.days_open = identity.days_open(item, today)
    context = {
        "page": page,
        "show_all": show_all,
        "figures": identity.figures(request.partnership),
        "querystring": "all=1" if show_all else "",
    }
    return render(request, "bans/identity_requests.html", context)


@login_required
def new_request(request, incident_pk):
    incident = get_object_or_404(
        Incident.objects.filter(
            partnership__in=access.partnerships_with(request.user, "request_identity")
        ).select_related("partnership", "shop"),
        pk=incident_pk,
    )
    waiting = identity.waiting_for(incident)
    if waiting is not None:
        messages.info(
            request,
            _("This case is waiting for request %(number)s already.") % {"number": waiting.number},
        )
        return redirect("bans:identity_request", waiting.pk)
    last = IdentityRequest.objects.filter(partnership=incident.partnership).first()
    initial = {"mailbox": last.mailbox if last else "", "legal_ground": "civil_claim"}
    form = IdentityRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            made = identity.file_request(incident, actor=request.user, **form.cleaned_data)
        except identity.IdentityError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Request %(number)s goes to %(mailbox)s now.")
                % {"number": made.number, "mailbox": made.mailbox},
            )
            return redirect("bans:identity_request", made.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "incident": incident}
    return render(request, "bans/identity_request_new.html", context, status=status)


@login_required
def request_detail(request, pk, answer_form=None):
    found = get_request_for_user(request.user, pk)
    may_record = access.can(request.user, found.partnership, "record_identity")
    if may_record and found.status == IdentityRequest.Status.OPEN and answer_form is None:
        answer_form = IdentityAnswerForm(
            request=found,
            people=identity.people_of(found),
            initial={"answered_on": timezone.localdate()},
        )
    context = {
        "found": found,
        "may_record": may_record,
        "answer_form": answer_form,
        "days_open": identity.days_open(found),
    }
    status = 400 if answer_form is not None and answer_form.is_bound else 200
    return render(request, "bans/identity_request.html", context, status=status)


@login_required
def request_pdf(request, pk):
    found = get_request_for_user(request.user, pk)
    log_action(
        "bans.identity.printed", actor=request.user, partnership=found.partnership, obj=found
    )
    response = HttpResponse(identity.request_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def record_answer(request, pk):
    found = get_request_for_user(request.user, pk)
    if not access.can(request.user, found.partnership, "record_identity"):
        raise PermissionDenied
    form = IdentityAnswerForm(request.POST, request=found, people=identity.people_of(found))
    if not form.is_valid():
        return request_detail(request, pk, answer_form=form)
    try:
        closed = identity.record_answer(
            found,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            answered_on=form.cleaned_data["answered_on"],
            identity=form.identity(),
            person=form.cleaned_data.get("person"),
        )
    except identity.IdentityError as error:
        messages.error(request, str(error))
        return redirect("bans:identity_request", found.pk)
    if closed.person_id and closed.status == IdentityRequest.Status.ANSWERED:
        messages.success(request, _("The answer is in the person's identity fields."))
        return redirect("bans:person", closed.person_id)
    messages.success(request, _("The request has been closed."))
    return redirect("bans:identity_request", found.pk)
