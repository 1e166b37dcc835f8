"""Objections: the register's list and pages for the administrator and the officers, and the
public page a person reaches from the notice letter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bans import objections
from bans.forms import ObjectionDecisionForm, ObjectionEntryForm, PublicObjectionForm
from bans.models import Measure, MeasureStatus, Objection
from merchants import access
from merchants.access import require_capability
from merchants.services import log_action
from plumbing.files import private_file_response
from plumbing.http import client_ip
from plumbing.throttle import allow, spent

PER_PAGE = 25
# The public page: a person mistyping their code or date a few times is fine; guessing is not.
TRIES_PER_ADDRESS = 10  # an hour, from one IP address
TRIES_PER_CODE = 5  # a day, wrong answers for one code
HOUR, DAY = 3600, 86400
NOT_FOUND = gettext_lazy(
    "We could not find a letter with this code and date of birth. Check both, or object by post "
    "or email as the letter says."
)


def get_objection_for_user(user, pk) -> Objection:
    return get_object_or_404(
        Objection.objects.visible_to(user).select_related(
            "partnership", "measure__person", "measure__decided_by", "decided_by", "entered_by"
        ),
        pk=pk,
    )


@require_capability("view_objections")
def objection_list(request, form=None):
    found = Objection.objects.filter(partnership=request.partnership).select_related(
        "partnership", "measure__person"
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for item in page:
        item.age = (today - item.received_on).days
        item.overdue = item.status == Objection.Status.OPEN and item.due_on < today
    may_record = access.can(request.user, request.partnership, "record_objections")
    if may_record and form is None:
        form = ObjectionEntryForm(initial={"received_on": today})
    context = {
        "page": page,
        "figures": objections.figures(request.partnership, today),
        "form": form if may_record else None,
    }
    return render(
        request, "bans/objections.html", context, status=400 if form and form.is_bound else 200
    )


@require_capability("record_objections")
@require_POST
def record_objection(request):
    form = ObjectionEntryForm(request.POST)
    if not form.is_valid():
        return objection_list(request, form=form)
    data = form.cleaned_data
    measure = (
        Measure.objects.filter(partnership=request.partnership, pk=data["measure_number"])
        .select_related("partnership")
        .first()
    )
    if measure is None:
        form.add_error("measure", _("There is no measure with this reference in your register."))
        return objection_list(request, form=form)
    try:
        made = objections.record_objection(
            measure,
            actor=request.user,
            channel=data["channel"],
            objector=data["objector"],
            contact=data["contact"],
            grounds=data["grounds"],
            received_on=data["received_on"],
        )
    except objections.ObjectionError as error:
        form.add_error(None, str(error))
        return objection_list(request, form=form)
    messages.success(
        request,
        _("Objection %(reference)s is recorded; the decision is due on %(date)s.")
        % {"reference": made.reference, "date": made.due_on.strftime("%d-%m-%Y")},
    )
    return redirect("bans:objection", made.pk)


@login_required
def objection_detail(request, pk, decision_form=None):
    objection = get_objection_for_user(request.user, pk)
    may_decide = objections.may_decide(request.user, objection)
    is_open = objection.status == Objection.Status.OPEN
    if may_decide and is_open and decision_form is None:
        decision_form = ObjectionDecisionForm()
    context = {
        "objection": objection,
        "measure": objection.measure,
        "is_open": is_open,
        "may_decide": may_decide,
        "issued_it": objection.measure.decided_by_id == request.user.pk,
        "may_suspend": may_decide and is_open and objection.measure.status == MeasureStatus.ACTIVE,
        "may_withdraw": is_open
        and access.can(request.user, objection.partnership, "record_objections"),
        "decision_form": decision_form if is_open and may_decide else None,
        "today": timezone.localdate(),
    }
    status = 400 if decision_form is not None and decision_form.is_bound else 200
    return render(request, "bans/objection.html", context, status=status)


def _act(request, pk, action, done):
    objection = get_objection_for_user(request.user, pk)
    try:
        action(objection)
    except objections.ObjectionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("bans:objection", objection.pk)


@login_required
@require_POST
def suspend(request, pk):
    if not objections.may_decide(request.user, get_objection_for_user(request.user, pk)):
        raise PermissionDenied
    return _act(
        request,
        pk,
        lambda o: objections.suspend(o, actor=request.user),
        _("The measure is suspended until the decision."),
    )


@login_required
@require_POST
def withdraw(request, pk):
    objection = get_objection_for_user(request.user, pk)
    if not access.can(request.user, objection.partnership, "record_objections"):
        raise PermissionDenied
    return _act(
        request,
        pk,
        lambda o: objections.withdraw(o, actor=request.user),
        _("The objection is recorded as withdrawn."),
    )


@login_required
@require_POST
def decide(request, pk):
    objection = get_objection_for_user(request.user, pk)
    if not objections.may_decide(request.user, objection):
        raise PermissionDenied
    form = ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        return objection_detail(request, pk, decision_form=form)
    try:
        objections.decide(objection, actor=request.user, **form.cleaned_data)
    except objections.ObjectionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The decision is made; the letter is ready to send."))
    return redirect("bans:objection", objection.pk)


@login_required
def decision_letter(request, pk):
    objection = get_objection_for_user(request.user, pk)
    if not objection.letter or not default_storage.exists(objection.letter.name):
        raise Http404
    log_action(
        "bans.objection.printed",
        actor=request.user,
        partnership=objection.partnership,
        obj=objection.measure.person,
        data={"objection": objection.pk},
    )
    return private_file_response(
        default_storage,
        objection.letter.name,
        content_type="application/pdf",
        filename=f"{objection.reference}.pdf",
    )


def public_objection(request):
    """No account: the code from the notice and the date of birth. A wrong pair is refused
    without saying which part was wrong, and tries are counted per address and per code."""
    form = PublicObjectionForm(request.POST or None)
    if request.method != "POST":
        return render(request, "bans/objection_public.html", {"form": form})
    address = client_ip(request) or "unknown"
    code = objections.normalise_code(request.POST.get("code", ""))
    if not allow(f"objection:ip:{address}", limit=TRIES_PER_ADDRESS, period=HOUR) or (
        code and spent(f"objection:code:{code}", limit=TRIES_PER_CODE)
    ):
        context = {"form": form, "throttled": True}
        return render(request, "bans/objection_public.html", context, status=429)
    if not form.is_valid():
        return render(request, "bans/objection_public.html", {"form": form}, status=400)
    data = form.cleaned_data
    notice = objections.find_notice(data["code"], data["birth_date"])
    if notice is None:
        allow(f"objection:code:{code}", limit=TRIES_PER_CODE, period=DAY)
        form.add_error(None, NOT_FOUND)
        return render(request, "bans/objection_public.html", {"form": form}, status=400)
    try:
        objection, created = objections.submit_online(
            notice, objector=data["objector"], contact=data["contact"], grounds=data["grounds"]
        )
    except objections.ObjectionError:
        # The measure ended or another submission won the race a moment ago: the same neutral
        # answer as for a wrong code, nothing about the person.
        form.add_error(None, NOT_FOUND)
        return render(request, "bans/objection_public.html", {"form": form}, status=400)
    context = {"reference": objection.reference, "due_on": objection.due_on, "created": created}
    return render(request, "bans/objection_received.html", context)
