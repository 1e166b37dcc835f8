"""Money in and out of a claim: credits (the only correction of an issued claim), payments by
hand, write-off, and bank statements (CAMT.053) matched to claims by their RF reference."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bans.services import RegisterError
from claims.models import (
    BankImport,
    BankTransaction,
    Claim,
    ClaimEntry,
    ClaimPayment,
    settings_for,
)
from claims.services import (
    CENT,
    OPEN,
    S,
    euros,
    locked,
    money,
    require,
    required_reason,
    set_status,
)
from merchants.services import log_action
from plumbing import camt

logger = logging.getLogger(__name__)


# --- Credits, payments, write-off --------------------------------------------------------------


def add_credit(claim, amount, *, actor, reason, submission_key=None) -> ClaimEntry:
    """Lower what is owed, with a reason. A credit of everything still owed closes the claim:
    paid when money came in, cancelled when none did."""
    require(actor, claim.partnership, "manage_claims")
    amount = _positive(amount)
    reason = required_reason(reason)
    with transaction.atomic():
        claim = locked(claim)
        if submission_key:
            earlier = ClaimEntry.objects.filter(submission_key=submission_key).first()
            if earlier is not None:
                if earlier.claim_id != claim.pk:
                    raise RegisterError(_("This form was used already; open the claim again."))
                return earlier
        if claim.status not in OPEN:
            raise RegisterError(_("Only a sent claim that is still open can be credited."))
        if amount > claim.outstanding:
            raise RegisterError(
                _("The credit is more than the %(outstanding)s still owed.")
                % {"outstanding": euros(claim.outstanding)}
            )
        entry = ClaimEntry.objects.create(
            claim=claim,
            kind=ClaimEntry.Kind.CREDIT,
            amount=amount,
            reason=reason,
            submission_key=submission_key,
            created_by=actor,
        )
        claim.total -= amount
        if claim.outstanding == 0:
            set_status(claim, S.PAID if claim.paid else S.CANCELLED, actor=actor, note=reason)
        claim.save(update_fields=["total", "status"])
        log_action(
            "claims.claim.credited",
            actor=actor,
            partnership=claim.partnership,
            obj=claim,
            data={"amount": str(amount)},
        )
    return entry


def write_off(claim, *, actor, reason) -> Claim:
    require(actor, claim.partnership, "manage_claims")
    reason = required_reason(reason)
    with transaction.atomic():
        claim = locked(claim)
        if claim.status not in OPEN:
            raise RegisterError(_("Only an open claim can be written off."))
        set_status(claim, S.WRITTEN_OFF, actor=actor, note=reason)
        claim.save(update_fields=["status"])
        log_action(
            "claims.claim.written_off", actor=actor, partnership=claim.partnership, obj=claim
        )
    return claim


def register_payment(
    claim,
    amount,
    *,
    actor,
    paid_on,
    method,
    note="",
    bank_transaction=None,
    submission_key=None,
) -> ClaimPayment:
    """Book money received. More than is owed is refused: the coordinator decides what happens
    with the rest (a refund) instead of the system keeping it silently. The same submission key
    twice (a double click) books once and returns the first payment."""
    require(actor, claim.partnership, "manage_claims")
    amount = _positive(amount)
    if paid_on > timezone.localdate():
        raise RegisterError(_("A payment cannot be dated in the future."))
    if method not in ClaimPayment.Method.values:
        raise RegisterError(_("Choose how it was paid."))
    with transaction.atomic():
        claim = locked(claim)
        if submission_key:
            earlier = ClaimPayment.objects.filter(submission_key=submission_key).first()
            if earlier is not None:
                if earlier.claim_id != claim.pk:
                    raise RegisterError(_("This form was used already; open the claim again."))
                return earlier
        if claim.status not in OPEN:
            raise RegisterError(
                _("Claim %(number)s is %(status)s: it takes no payments.")
                % {"number": claim.number, "status": claim.get_status_display().lower()}
            )
        if claim.sent_on and paid_on < claim.sent_on - timedelta(days=1):
            raise RegisterError(_("The payment date is before the claim was sent."))
        if amount > claim.outstanding:
            raise RegisterError(
                _("%(amount)s is more than the %(outstanding)s still owed.")
                % {"amount": euros(amount), "outstanding": euros(claim.outstanding)}
            )
        parts = _split(claim, amount)
        payment = ClaimPayment.objects.create(
            claim=claim,
            amount=amount,
            paid_on=paid_on,
            method=method,
            bank_transaction=bank_transaction,
            note=(note or "").strip()[:300],
            submission_key=submission_key,
            created_by=actor,
            **parts,
        )
        claim.paid += amount
        if claim.outstanding == 0:
            set_status(claim, S.PAID, actor=actor)
        elif claim.status == S.SENT:
            set_status(claim, S.PARTIALLY_PAID, actor=actor)
        claim.save(update_fields=["paid", "status"])
        log_action(
            "claims.claim.paid",
            actor=actor,
            partnership=claim.partnership,
            obj=claim,
            data={"amount": str(amount), "payment": payment.pk},
        )
    return payment


def _split(claim, amount) -> dict:
    """Which part of the debt a payment pays off, and who receives it.

    Payments go first to the collection costs (art. 6:44 BW), then to the direct damage, then to
    the fixed amount; credits are taken off in the opposite order (fixed amount first). The
    fixed part is shared per the partnership's policy; the area fund receives the rounding.
    """
    costs = _sum(claim.entries.filter(kind=ClaimEntry.Kind.COLLECTION_COSTS))
    damage = _sum(claim.lines.all())
    fixed = claim.fixed_amount
    credited = _sum(claim.entries.filter(kind=ClaimEntry.Kind.CREDIT))
    paid = claim.payments.aggregate(
        costs=Sum("costs_part"), damage=Sum("damage_part"), fixed=Sum("fixed_part")
    )
    open_costs = costs - (paid["costs"] or 0)
    open_damage = damage - (paid["damage"] or 0)
    open_fixed = fixed - (paid["fixed"] or 0)
    # Credits lower the fixed amount first, then the damage, then the costs.
    take = min(credited, open_fixed)
    open_fixed, credited = open_fixed - take, credited - take
    take = min(credited, open_damage)
    open_damage, credited = open_damage - take, credited - take
    open_costs -= min(credited, open_costs)
    costs_part = min(amount, max(open_costs, Decimal("0"))).quantize(CENT)
    damage_part = min(amount - costs_part, max(open_damage, Decimal("0"))).quantize(CENT)
    fixed_part = (amount - costs_part - damage_part).quantize(CENT)
    rules = settings_for(claim.partnership)
    shop_of_fixed = _percent(fixed_part, rules.shop_percent)
    # Both shares round half up: cap the fee so the area fund never goes below zero.
    admin_of_fixed = min(_percent(fixed_part, rules.admin_percent), fixed_part - shop_of_fixed)
    parts = {
        "costs_part": costs_part,
        "damage_part": damage_part,
        "fixed_part": fixed_part,
        "shop_amount": damage_part + shop_of_fixed,
        "admin_amount": costs_part + admin_of_fixed,
        "fund_amount": fixed_part - shop_of_fixed - admin_of_fixed,
    }
    if (
        parts["shop_amount"] + parts["admin_amount"] + parts["fund_amount"] != amount
        or min(parts.values()) < 0
    ):
        raise AssertionError(f"payment split does not add up: {parts} for {amount}")
    return parts


def _percent(amount, percent) -> Decimal:
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _sum(queryset) -> Decimal:
    return queryset.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _positive(amount) -> Decimal:
    amount = money(amount)
    if amount <= 0:
        raise RegisterError(_("Enter an amount above zero."))
    return amount


# --- Bank statements ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    bank_import: BankImport | None
    duplicate_of: BankImport | None = None


def import_statement(partnership, data: bytes, *, filename, actor) -> ImportResult:
    """Read a CAMT.053 statement of the account claims are paid to, and book each credit whose
    reference and amount match an open claim exactly. Anything else (unknown reference, partial
    payment, overpayment, a closed claim, a reversal, another currency) waits for the
    coordinator. The same file, or the same transaction in another file, is taken in once."""
    require(actor, partnership, "manage_claims")
    account = settings_for(partnership).iban
    if not account:
        raise RegisterError(_("First enter the IBAN claims are paid to, in the claim settings."))
    digest = hashlib.sha256(data).hexdigest()
    earlier = BankImport.objects.filter(partnership=partnership, sha256=digest).first()
    if earlier is not None:
        return ImportResult(bank_import=None, duplicate_of=earlier)
    try:
        entries = camt.parse_statement(data)
    except camt.StatementError as error:
        raise RegisterError(str(error)) from None
    for entry in entries:
        if entry.account_iban.upper() != account:
            raise RegisterError(
                _(
                    "This statement is for account %(account)s, not for %(iban)s that claims "
                    "are paid to. Nothing was imported."
                )
                % {"account": entry.account_iban, "iban": account}
            )
    # Money in, and any reversal (money back either way); other money going out is not ours.
    relevant = [e for e in entries if (e.credit or e.reversal) and e.amount > 0]
    with transaction.atomic():
        try:
            with transaction.atomic():
                bank_import = BankImport.objects.create(
                    partnership=partnership,
                    filename=(filename or "")[:200],
                    sha256=digest,
                    entries=len(relevant),
                    imported_by=actor,
                )
        except IntegrityError:  # the same file, uploaded twice at once
            earlier = BankImport.objects.get(partnership=partnership, sha256=digest)
            return ImportResult(bank_import=None, duplicate_of=earlier)
        for entry in relevant:
            outcome = _take_in(partnership, bank_import, entry, actor=actor)
            if outcome == "known":
                bank_import.known += 1
            elif outcome == BankTransaction.State.BOOKED:
                bank_import.booked += 1
            else:
                bank_import.queued += 1
        bank_import.save(update_fields=["booked", "queued", "known"])
        log_action(
            "claims.bank.imported",
            actor=actor,
            partnership=partnership,
            obj=bank_import,
            data={"booked": bank_import.booked, "queued": bank_import.queued},
        )
    return ImportResult(bank_import=bank_import)


def _match(partnership, entry):
    reference = entry.reference or camt.find_rf_reference(entry.remittance)
    if reference:
        claim = Claim.objects.filter(partnership=partnership, payment_reference=reference).first()
        if claim:
            return claim
    # People also type the claim number in the description instead of the reference.
    text = entry.remittance.upper()
    for word in text.replace(",", " ").split():
        if word.startswith(f"{partnership.code}-"):
            claim = Claim.objects.filter(partnership=partnership, number=word).first()
            if claim:
                return claim
    return None


def _take_in(partnership, bank_import, entry, *, actor):
    # A bank's own references are unique per account only.
    key = f"{entry.account_iban}:{entry.key}"[:120]
    if BankTransaction.objects.filter(partnership=partnership, key=key).exists():
        return "known"
    claim = _match(partnership, entry)
    tx = BankTransaction(
        partnership=partnership,
        bank_import=bank_import,
        key=key,
        booked_on=entry.booked_on,
        amount=entry.amount,
        reference=(entry.reference or camt.find_rf_reference(entry.remittance))[:140],
        remittance=entry.remittance[:500],
        counterparty_name=entry.counterparty_name[:140],
        counterparty_iban=entry.counterparty_iban[:34],
        claim=claim,
        state=BankTransaction.State.WAITING,
    )
    if entry.reversal or not entry.credit:
        tx.reason = BankTransaction.Reason.REVERSAL
        tx.note = _("Money out") if not entry.credit else _("Money in")
    elif entry.currency != "EUR":
        tx.reason = BankTransaction.Reason.CURRENCY
        tx.note = f"{entry.currency} {entry.amount}"
    elif claim is None:
        tx.reason = BankTransaction.Reason.UNKNOWN
    elif claim.status not in OPEN:
        tx.reason = BankTransaction.Reason.CLOSED
    elif entry.amount < claim.outstanding:
        tx.reason = BankTransaction.Reason.PARTIAL
    elif entry.amount > claim.outstanding:
        tx.reason = BankTransaction.Reason.OVERPAID
    try:
        with transaction.atomic():
            tx.save()
    except IntegrityError:  # taken in by an import running at the same time
        return "known"
    if tx.reason:
        return tx.state
    try:
        with transaction.atomic():
            register_payment(
                claim,
                entry.amount,
                actor=actor,
                paid_on=min(entry.booked_on, timezone.localdate()),
                method=ClaimPayment.Method.BANK,
                bank_transaction=tx,
            )
    except RegisterError as error:  # e.g. paid before the claim was sent: a person decides
        tx.reason, tx.note = BankTransaction.Reason.REFUSED, str(error)[:300]
        tx.save(update_fields=["reason", "note"])
        return tx.state
    tx.state = BankTransaction.State.BOOKED
    tx.save(update_fields=["state"])
    return tx.state


def book_transaction(tx, *, actor, claim_number="", note="") -> ClaimPayment:
    """The coordinator books a waiting transaction on a claim (the matched one, or the number
    given). Of an overpayment only what is owed is booked; the note says what happens to the
    rest."""
    require(actor, tx.partnership, "manage_claims")
    with transaction.atomic():
        tx = BankTransaction.objects.select_for_update().get(pk=tx.pk)
        if tx.state != BankTransaction.State.WAITING:
            raise RegisterError(_("This transaction has been dealt with already."))
        if tx.reason in (BankTransaction.Reason.REVERSAL, BankTransaction.Reason.CURRENCY):
            raise RegisterError(
                _(
                    "This cannot be booked as a payment: set it aside with a note, and correct "
                    "the claim by hand if needed."
                )
            )
        claim = tx.claim
        if claim_number:
            claim = Claim.objects.filter(
                partnership=tx.partnership, number=claim_number.strip().upper()
            ).first()
            if claim is None:
                raise RegisterError(
                    _("No claim has the number %(number)s.") % {"number": claim_number}
                )
        if claim is None:
            raise RegisterError(_("Enter the number of the claim this money is for."))
        outstanding = Claim.objects.get(pk=claim.pk).outstanding
        amount = min(tx.amount, outstanding)
        if amount <= 0:
            raise RegisterError(
                _("Claim %(number)s has nothing left to pay.") % {"number": claim.number}
            )
        rest = tx.amount - amount
        payment = register_payment(
            claim,
            amount,
            actor=actor,
            paid_on=min(tx.booked_on, timezone.localdate()),
            method=ClaimPayment.Method.BANK,
            bank_transaction=tx,
            note=note,
        )
        tx.claim = claim
        tx.state = BankTransaction.State.BOOKED
        tx.note = (note or "").strip()[:300]
        if rest:
            tx.note = (
                _("%(rest)s more than owed: to be refunded.") % {"rest": euros(rest)}
                + (" " + tx.note if tx.note else "")
            )[:300]
        tx.decided_by, tx.decided_at = actor, timezone.now()
        tx.save(update_fields=["claim", "state", "note", "decided_by", "decided_at"])
    return payment


def set_aside(tx, *, actor, note) -> BankTransaction:
    """Not money for a claim (or refunded): kept with the reason, never booked."""
    require(actor, tx.partnership, "manage_claims")
    note = required_reason(note)
    with transaction.atomic():
        tx = BankTransaction.objects.select_for_update().get(pk=tx.pk)
        if tx.state != BankTransaction.State.WAITING:
            raise RegisterError(_("This transaction has been dealt with already."))
        tx.state = BankTransaction.State.SET_ASIDE
        tx.note = note
        tx.decided_by, tx.decided_at = actor, timezone.now()
        tx.save(update_fields=["state", "note", "decided_by", "decided_at"])
        log_action(
            "claims.bank.set_aside",
            actor=actor,
            partnership=tx.partnership,
            obj=tx,
            data={"note": note},
        )
    return tx
