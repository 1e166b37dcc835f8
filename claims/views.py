"""The civil claims pages: making a claim from a case, the claim with its letters and ledger,
payments, bank statements, the distribution report and the exports (thin views over
bans.claims)."""

from datetime import date

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

from bans.models import PersonIncident
from bans.services import RegisterError
from claims import distribution, payments, reminders, services
from claims.forms import (
    BankImportForm,
    BookTransactionForm,
    ClaimCreditForm,
    ClaimFilterForm,
    ClaimPaymentForm,
    ClaimSettingsForm,
    DamageLineFormSet,
    PeriodForm,
    RequiredReasonForm,
    SendClaimForm,
)
from claims.models import (
    BankImport,
    BankTransaction,
    Claim,
    ClaimPayment,
    ClaimReminder,
    ClaimStatus,
    settings_for,
)
from incidents.models import Incident
from merchants import access
from merchants.access import require_capability
from merchants.services import log_action
from plumbing.csvexport import csv_response
from plumbing.files import private_file_response
from plumbing.http import client_ip


def get_claim_for_user(user, pk, capability="view_claims") -> Claim:
    """Another partnership's claim is a 404; a role without the capability gets 403."""
    claim = get_object_or_404(
        Claim.objects.visible_to(user, "view_claims").select_related(
            "partnership", "incident__shop", "person"
        ),
        pk=pk,
    )
    if not access.can(user, claim.partnership, capability):
        raise PermissionDenied
    return claim


def _claims(request):
    return Claim.objects.filter(partnership=request.partnership).select_related("incident__shop")


def _identity(request, partnership=None):
    """Names and addresses on claims: the officer and the administrator, not the coordinator
    (who keeps the books with aggregates only, DESIGN.md section 2)."""
    return access.can(request.user, partnership or request.partnership, "claim_identity")


def _filtered(request):
    form = ClaimFilterForm(request.GET or None)
    queryset = _claims(request)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            match = Q(number__icontains=term) | Q(
                payment_reference__icontains=term.replace(" ", "")
            )
            if _identity(request):
                match |= Q(snapshot__full_name__icontains=term)
            queryset = queryset.filter(match)
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["year"]:
            queryset = queryset.filter(year=data["year"])
        if data["overdue"]:
            queryset = queryset.filter(status__in=services.OPEN, due_on__lt=timezone.localdate())
    return form, queryset


@require_capability("view_claims")
def claim_list(request):
    form, queryset = _filtered(request)
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
            "show_identity": _identity(request),
            "ready": (
                services.ready_for_claim(request.partnership)[:20]
                if access.can(request.user, request.partnership, "make_claims")
                else []
            ),
            "to_post": _claims(request).filter(
                status=ClaimStatus.REMINDED, reminder__posted_on__isnull=True
            )
            if _identity(request)
            else [],
            "for_agency": _claims(request)
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
            "show_identity": _identity(request, incident.partnership),
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


def _log_identity_access(request, claim, action, data=None):
    """A view of a claim's names and address goes to the register's access log, under the
    person when the claim still has one."""
    log_action(
        action,
        actor=request.user,
        partnership=claim.partnership,
        obj=claim.person if claim.person_id else claim,
        data={"claim": claim.number, **(data or {})},
        ip_address=client_ip(request),
    )


@login_required
def claim_detail(request, pk):
    claim = get_claim_for_user(request.user, pk)
    may_manage = access.can(request.user, claim.partnership, "manage_claims")
    show_identity = _identity(request, claim.partnership)
    if show_identity:
        _log_identity_access(request, claim, "claims.claim.viewed")
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
            "may_manage": may_manage,
            "send_form": SendClaimForm(),
            "payment_form": ClaimPaymentForm(
                initial={"paid_on": timezone.localdate(), "amount": claim.outstanding}
            ),
            "credit_form": ClaimCreditForm(),
            "reason_form": RequiredReasonForm(),
        },
    )


def _act(request, claim, action, success):
    try:
        action()
    except RegisterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("claims:detail", pk=claim.pk)


def _first_error(form):
    for errors in form.errors.values():
        return errors[0]
    return _("Please check what you entered.")


@login_required
@require_POST
def claim_send(request, pk):
    claim = get_claim_for_user(request.user, pk, "make_claims")
    form = SendClaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
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
    _log_identity_access(request, claim, "claims.claim.letter_printed", {"letter": what})
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
        messages.error(request, _first_error(form))
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
        messages.error(request, _first_error(form))
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


# --- Bank statements ----------------------------------------------------------------------------


@require_capability("manage_claims")
def bank(request):
    form = BankImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["statement"]
        try:
            result = payments.import_statement(
                request.partnership, upload.read(), filename=upload.name, actor=request.user
            )
        except RegisterError as error:
            form.add_error("statement", str(error))
        else:
            if result.duplicate_of is not None:
                messages.warning(
                    request,
                    _("This file was imported already on %(day)s; nothing was booked again.")
                    % {"day": timezone.localtime(result.duplicate_of.imported_at).date()},
                )
            else:
                done = result.bank_import
                messages.success(
                    request,
                    _(
                        "%(entries)s payments read: %(booked)s booked, %(queued)s waiting for "
                        "your decision, %(known)s already taken in from an earlier file."
                    )
                    % {
                        "entries": done.entries,
                        "booked": done.booked,
                        "queued": done.queued,
                        "known": done.known,
                    },
                )
            return redirect("claims:bank")
    waiting = BankTransaction.objects.filter(
        partnership=request.partnership, state=BankTransaction.State.WAITING
    ).select_related("claim")
    return render(
        request,
        "claims/bank.html",
        {
            "form": form,
            "waiting": waiting,
            "imports": BankImport.objects.filter(partnership=request.partnership)[:10],
            "book_form": BookTransactionForm(),
            "reason_form": RequiredReasonForm(),
        },
    )


def _transaction(request, pk):
    tx = get_object_or_404(
        BankTransaction.objects.filter(
            partnership__in=access.partnerships_with(request.user, "manage_claims")
        ),
        pk=pk,
    )
    return tx


@login_required
@require_POST
def bank_book(request, pk):
    tx = _transaction(request, pk)
    form = BookTransactionForm(request.POST)
    if form.is_valid():
        try:
            payment = payments.book_transaction(
                tx,
                actor=request.user,
                claim_number=form.cleaned_data["claim_number"],
                note=form.cleaned_data["note"],
            )
        except RegisterError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(amount)s booked on claim %(number)s.")
                % {"amount": services.euros(payment.amount), "number": payment.claim.number},
            )
    else:
        messages.error(request, _first_error(form))
    return redirect("claims:bank")


@login_required
@require_POST
def bank_set_aside(request, pk):
    tx = _transaction(request, pk)
    form = RequiredReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: it stays with the transaction."))
        return redirect("claims:bank")
    try:
        payments.set_aside(tx, actor=request.user, note=form.cleaned_data["reason"])
    except RegisterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The transaction is set aside; nothing was booked."))
    return redirect("claims:bank")


# --- Reports and exports ------------------------------------------------------------------------


def _period(request):
    today = timezone.localdate()
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    form = PeriodForm(request.GET or {"start": quarter_start, "end": today})
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, quarter_start, today


@require_capability("manage_claims")
def distribution_report(request):
    form, start, end = _period(request)
    report = distribution.distribution(request.partnership, start, end)
    return render(
        request,
        "claims/distribution.html",
        {
            "form": form,
            "report": report,
            "partnership": request.partnership,
            "rules": settings_for(request.partnership),
        },
    )


def _money(value):
    return f"{value:.2f}".replace(".", ",") if value is not None else ""


@require_capability("manage_claims")
def distribution_csv(request):
    _form, start, end = _period(request)
    payments = (
        ClaimPayment.objects.filter(
            claim__partnership=request.partnership, paid_on__gte=start, paid_on__lte=end
        )
        .select_related("claim__incident__shop")
        .order_by("paid_on", "pk")
    )
    header = [
        _("Paid on"),
        _("Claim number"),
        _("Shop"),
        _("Paid by"),
        _("Amount"),
        _("Collection costs"),
        _("Direct damage"),
        _("Fixed amount"),
        _("To the shop"),
        _("Administration fee"),
        _("Area fund"),
    ]
    rows = (
        [
            p.paid_on.isoformat(),
            p.claim.number,
            p.claim.incident.shop.name,
            p.get_method_display(),
            _money(p.amount),
            _money(p.costs_part),
            _money(p.damage_part),
            _money(p.fixed_part),
            _money(p.shop_amount),
            _money(p.admin_amount),
            _money(p.fund_amount),
        ]
        for p in payments.iterator(chunk_size=500)
    )
    log_action(
        "claims.books.exported",
        actor=request.user,
        partnership=request.partnership,
        data={"export": "distribution", "start": start.isoformat(), "end": end.isoformat()},
        ip_address=client_ip(request),
    )
    return csv_response(
        f"claims-verdeling-{request.partnership.slug}-{start}-{end}.csv", header, rows
    )


@require_capability("manage_claims")
def claims_csv(request):
    """The claims list as filtered, for the bookkeeping: amounts, no address."""
    _form, queryset = _filtered(request)
    header = [
        _("Claim number"),
        _("Payment reference"),
        _("Status"),
        _("Sent on"),
        _("Due on"),
        _("Shop"),
        _("Incident"),
        _("Amount claimed"),
        _("Amount paid"),
        _("Outstanding"),
    ]
    rows = (
        [
            c.number,
            c.payment_reference,
            c.get_status_display(),
            c.sent_on.isoformat() if c.sent_on else "",
            c.due_on.isoformat() if c.due_on else "",
            c.incident.shop.name,
            c.incident.reference,
            _money(c.total),
            _money(c.paid),
            _money(c.outstanding),
        ]
        # The incident's reference names its partnership: joined, not fetched per claim.
        for c in queryset.select_related("incident__partnership").iterator(chunk_size=500)
    )
    log_action(
        "claims.books.exported",
        actor=request.user,
        partnership=request.partnership,
        data={"export": "claims"},
        ip_address=client_ip(request),
    )
    return csv_response(f"claims-{request.partnership.slug}.csv", header, rows)


@require_POST
@require_capability("claim_identity")
def collection_csv(request):
    """The hand-over file for the collection agency: claims with the costs added and not handed
    over yet, with the name, address and date of birth the agency needs. Marks them handed
    over, and logs each person's data leaving the system."""
    queryset = (
        _claims(request)
        .filter(status=ClaimStatus.COLLECTION, handed_over_on__isnull=True)
        .order_by("sequence")
    )
    rows = list(queryset)
    header = [
        _("Claim number"),
        _("Payment reference"),
        _("Name"),
        _("Address"),
        _("Residence"),
        _("Date of birth"),
        _("Incident date"),
        _("Sent on"),
        _("Amount claimed"),
        _("Amount paid"),
        _("Outstanding"),
        _("Handed over on"),
    ]
    today = timezone.localdate()
    Claim.objects.filter(pk__in=[c.pk for c in rows], handed_over_on__isnull=True).update(
        handed_over_on=today
    )
    for claim in rows:
        _log_identity_access(request, claim, "claims.books.collection_exported")
    return csv_response(
        f"incasso-{request.partnership.slug}-{today}.csv",
        header,
        (
            [
                c.number,
                c.payment_reference,
                c.snapshot.get("full_name", ""),
                c.snapshot.get("address", ""),
                c.snapshot.get("residence", ""),
                c.snapshot.get("birth_date", ""),
                c.snapshot.get("letter", {}).get("incident", {}).get("date", ""),
                c.sent_on.isoformat() if c.sent_on else "",
                _money(c.total),
                _money(c.paid),
                _money(c.outstanding),
                today.isoformat(),
            ]
            for c in rows
        ),
    )


@require_capability("manage_claims")
def claim_settings(request):
    form = ClaimSettingsForm(request.POST or None, instance=settings_for(request.partnership))
    before = {name: str(form.initial.get(name, "")) for name in form.fields}
    if request.method == "POST" and form.is_valid():
        form.save()
        log_action(
            "claims.settings.changed",
            actor=request.user,
            partnership=request.partnership,
            # Old and new values: a changed payout IBAN must be traceable.
            data={
                name: {"old": before[name], "new": str(form.cleaned_data[name])}
                for name in form.changed_data
            },
            ip_address=client_ip(request),
        )
        messages.success(request, _("The claim settings are saved."))
        return redirect("claims:settings")
    return render(request, "claims/settings.html", {"form": form})
