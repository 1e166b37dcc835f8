"""The civil claims pages: making a claim from a case, the claim with its letters and ledger,
payments, bank statements, the distribution report and the exports (thin views over
bans.claims)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bans import identity
from bans.models import PersonIncident
from bans.services import RegisterError
from claims import payments, reminders, services
from claims.forms import (
    ClaimCreditForm,
    ClaimPaymentForm,
    DamageLineFormSet,
    RequiredReasonForm,
    SendClaimForm,
)
from claims.models import (
    BankTransaction,
    Claim,
    ClaimReminder,
    ClaimStatus,
    settings_for,
)
from claims.selectors import (
    filtered_claims,
    get_claim_for_user,
    may_see_identity,
    partnership_claims,
)
from incidents.models import Incident
from merchants import access
from merchants.access import require_capability
from merchants.purpose import Purpose, purpose_of
from merchants.services import log_action
from plumbing.files import private_file_response
from plumbing.http import client_ip


@require_capability("view_claims")
def claim_list(request):
    form, queryset = filtered_claims(request)
    # Drafts and cancelled claims claim nothing; only open claims are still owed.
    issued = ~Q(status__in=(ClaimStatus.DRAFT, ClaimStatus.CANCELLED))
    open_ = Q(status__in=services.OPEN)
    sums = queryset.aggregate(
        count=Count("pk"),
        claimed_sum=Sum("total", filter=issued),
        paid_sum=Sum("paid"),
        open_total=Sum("total", filter=open_),
        open_paid=Sum("paid", filter=open_),
        off_total=Sum("total", filter=Q(status=ClaimStatus.WRITTEN_OFF)),
        off_paid=Sum("paid", filter=Q(status=ClaimStatus.WRITTEN_OFF)),
    )
    totals = {
        "count": sums["count"],
        "claimed": sums["claimed_sum"] or 0,
        "paid": sums["paid_sum"] or 0,
        "outstanding": (sums["open_total"] or 0) - (sums["open_paid"] or 0),
        "written_off": (sums["off_total"] or 0) - (sums["off_paid"] or 0),
    }

    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/list.html",
        {
            "form": form,
            "page": page,
            "totals": totals,
            "querystring": query.urlencode(),
            "may_manage": access.can(request.user, request.partnership, "manage_claims"),
            "show_identity": may_see_identity(request.user, request.partnership),
            "ready": (
                services.ready_for_claim(request.partnership)[:20]
                if access.can(request.user, request.partnership, "make_claims")
                else []
            ),
            "to_post": partnership_claims(request.partnership).filter(
                status=ClaimStatus.REMINDED, reminder__posted_on__isnull=True
            )
            if may_see_identity(request.user, request.partnership)
            else [],
            "for_agency": partnership_claims(request.partnership)
            .filter(status=ClaimStatus.COLLECTION, handed_over_on__isnull=True)
            .count(),
            "waiting": BankTransaction.objects.filter(
                partnership=request.partnership, state=BankTransaction.State.WAITING
            ).count(),
        },
    )


@login_required
def claim_new(request, incident_pk):
    """From an eligible case: the fixed amount plus direct damage lines, as a draft."""
    # The coordinator makes claims without reading the whole case: scope on make_claims.
    incident = get_object_or_404(
        Incident.objects.filter(
            partnership__in=access.partnerships_with(request.user, "view_claims")
        ).select_related("shop", "partnership"),
        pk=incident_pk,
    )
    if not access.can(request.user, incident.partnership, "make_claims"):
        raise PermissionDenied
    links = list(PersonIncident.objects.filter(incident=incident).select_related("person"))
    people = [link.person for link in links]
    chosen = people[0] if people else None
    wanted = request.POST.get("person") or request.GET.get("person")
    if wanted:
        chosen = next((p for p in people if str(p.pk) == wanted), None)
        if chosen is None:
            raise Http404
    verdict = services.eligibility(incident, chosen)
    formset = DamageLineFormSet(request.POST or None, prefix="line")
    if request.method == "POST" and verdict.ok and formset.is_valid():
        lines = [
            (form.cleaned_data["description"], form.cleaned_data["amount"])
            for form in formset
            if form.cleaned_data.get("description")
        ]
        try:
            claim = services.create_claim(incident, chosen, actor=request.user, lines=lines)
        except RegisterError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Claim %(number)s is ready as a draft: check it, then send it.")
                % {"number": claim.number},
            )
            return redirect("claims:detail", pk=claim.pk)
    return render(
        request,
        "claims/new.html",
        {
            "show_identity": may_see_identity(request.user, incident.partnership),
            "incident": incident,
            "people": people,
            "person": chosen,
            "verdict": verdict,
            "formset": formset,
            "fixed_amount": settings_for(incident.partnership).fixed_amount,
            "existing": Claim.objects.filter(incident=incident).exclude(
                status=ClaimStatus.CANCELLED
            ),
        },
    )


@login_required
def claim_detail(request, pk):
    claim = get_claim_for_user(request.user, pk)
    may_manage = access.can(request.user, claim.partnership, "manage_claims")
    show_identity = may_see_identity(request.user, claim.partnership)
    if show_identity:
        log_identity_access(request, claim, "claims.claim.viewed")
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "show_identity": show_identity,
            "may_make": access.can(request.user, claim.partnership, "make_claims"),
            "lines": claim.lines.order_by("pk"),
            "entries": claim.entries.all(),
            "payments": claim.payments.select_related("bank_transaction"),
            "history": claim.history.select_related("changed_by"),
            "reminder": getattr(claim, "reminder", None),
            "is_open": claim.status in services.OPEN,
            "identity_request": identity.waiting_for(claim.incident),
            "may_manage": may_manage,
            "send_form": SendClaimForm(),
            "payment_form": ClaimPaymentForm(
                initial={"paid_on": timezone.localdate(), "amount": claim.outstanding}
            ),
            "credit_form": ClaimCreditForm(),
            "reason_form": RequiredReasonForm(),
        },
    )


def log_identity_access(request, claim, action, data=None):
    """A view of a claim's names and address goes to the register's access log, under the
    person when the claim still has one."""
    log_action(
        action,
        actor=request.user,
        partnership=claim.partnership,
        obj=claim.person if claim.person_id else claim,
        # A claim's names and address are opened for the claim: that is the purpose.
        data={"claim": claim.number, **purpose_of(Purpose.CLAIM), **(data or {})},
        ip_address=client_ip(request),
    )


def first_error(form):
    for errors in form.errors.values():
        return errors[0]
    return _("Please check what you entered.")


def _act(request, claim, action, success):
    try:
        action()
    except RegisterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("claims:detail", pk=claim.pk)


@login_required
@require_POST
def claim_send(request, pk):
    claim = get_claim_for_user(request.user, pk, "make_claims")
    form = SendClaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("claims:detail", pk=claim.pk)
    email = form.cleaned_data["email"]
    return _act(
        request,
        claim,
        lambda: services.send_claim(claim, actor=request.user, email=email),
        _("The claim is sent: print the letter to hand it over.")
        if not email
        else _("The claim is sent; the letter is emailed as well."),
    )


@login_required
@require_POST
def claim_cancel(request, pk):
    claim = get_claim_for_user(request.user, pk, "make_claims")
    form = RequiredReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: it stays with the claim."))
        return redirect("claims:detail", pk=claim.pk)
    return _act(
        request,
        claim,
        lambda: services.cancel_draft(
            claim, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The draft is cancelled; its number stays in the books."),
    )


def _letter(request, claim, name, filename, what):
    if not name:
        raise Http404
    log_identity_access(request, claim, "claims.claim.letter_printed", {"letter": what})
    return private_file_response(
        default_storage, name, content_type="application/pdf", filename=filename
    )


@login_required
def claim_letter(request, pk):
    claim = get_claim_for_user(request.user, pk, "claim_identity")
    return _letter(request, claim, claim.letter.name, f"schadeclaim-{claim.number}.pdf", "claim")


@login_required
def claim_reminder_letter(request, pk):
    claim = get_claim_for_user(request.user, pk, "claim_identity")
    reminder = ClaimReminder.objects.filter(claim=claim).first()
    return _letter(
        request,
        claim,
        reminder.pdf.name if reminder and reminder.pdf else "",
        f"herinnering-{claim.number}.pdf",
        "reminder",
    )


@login_required
@require_POST
def claim_post_reminder(request, pk):
    """Print a reminder that waits to be posted: dated today, its term starts today."""
    claim = get_claim_for_user(request.user, pk, "claim_identity")
    try:
        reminders.post_reminder(claim, actor=request.user)
    except RegisterError as error:
        messages.error(request, str(error))
        return redirect("claims:detail", pk=claim.pk)
    messages.success(request, _("The reminder is dated today: print it and post it today."))
    return redirect("claims:detail", pk=claim.pk)


@login_required
@require_POST
def claim_payment(request, pk):
    claim = get_claim_for_user(request.user, pk, "manage_claims")
    form = ClaimPaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("claims:detail", pk=claim.pk)
    data = form.cleaned_data
    return _act(
        request,
        claim,
        lambda: payments.register_payment(
            claim,
            data["amount"],
            actor=request.user,
            paid_on=data["paid_on"],
            method=data["method"],
            note=data["note"],
            submission_key=data["submission_key"],
        ),
        _("The payment of %(amount)s is booked.") % {"amount": services.euros(data["amount"])},
    )


@login_required
@require_POST
def claim_credit(request, pk):
    claim = get_claim_for_user(request.user, pk, "manage_claims")
    form = ClaimCreditForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("claims:detail", pk=claim.pk)
    data = form.cleaned_data
    return _act(
        request,
        claim,
        lambda: payments.add_credit(
            claim,
            data["amount"],
            actor=request.user,
            reason=data["reason"],
            submission_key=data["submission_key"],
        ),
        _("The credit entry is added."),
    )


@login_required
@require_POST
def claim_write_off(request, pk):
    claim = get_claim_for_user(request.user, pk, "manage_claims")
    form = RequiredReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: it stays with the claim."))
        return redirect("claims:detail", pk=claim.pk)
    return _act(
        request,
        claim,
        lambda: payments.write_off(claim, actor=request.user, reason=form.cleaned_data["reason"]),
        _("The claim is written off."),
    )
