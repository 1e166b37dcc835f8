"""The coordinator's bookkeeping pages of civil claims: bank statements and their booking, the
distribution report, the CSV exports (claims, distribution, hand-over to the collection agency)
and the claim settings."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bans.services import RegisterError
from claims import distribution, payments, services
from claims.forms import (
    BankImportForm,
    BookTransactionForm,
    ClaimSettingsForm,
    PeriodForm,
    RequiredReasonForm,
)
from claims.models import (
    BankImport,
    BankTransaction,
    Claim,
    ClaimPayment,
    ClaimStatus,
    settings_for,
)
from claims.selectors import filtered_claims, may_see_identity, partnership_claims
from claims.views import first_error, log_identity_access
from merchants import access
from merchants.access import require_capability
from merchants.services import log_action, save_and_log_changes
from plumbing.csvexport import csv_response
from plumbing.http import client_ip

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
            # A payer's name (a parent, the person) tells who is in the register.
            "show_identity": may_see_identity(request.user, request.partnership),
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
        messages.error(request, first_error(form))
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
    _form, queryset = filtered_claims(request)
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
        partnership_claims(request.partnership)
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
        log_identity_access(request, claim, "claims.books.collection_exported")
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
    if request.method == "POST" and form.is_valid():
        save_and_log_changes(form, "claims.settings.changed", request=request)
        messages.success(request, _("The claim settings are saved."))
        return redirect("claims:settings")
    return render(request, "claims/settings.html", {"form": form})
