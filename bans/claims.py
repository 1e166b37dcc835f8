"""Civil claims (schadeclaim / overlastdonatie), DESIGN.md section 3, from incident to payment.

Who may be claimed from; numbers without gaps or duplicates per partnership and year; the letter
as an immutable snapshot; the status history; credits; the reminder with statutory collection
costs; payments by hand and from bank statements; and how paid money is shared out.

Every change of a claim happens here, under a row lock on the claim, and keeps `Claim.total` and
`Claim.paid` equal to what its ledger (fixed amount, lines, entries, payments) says.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bans.models import (
    BankImport,
    BankTransaction,
    Claim,
    ClaimCounter,
    ClaimEntry,
    ClaimLine,
    ClaimPayment,
    ClaimReminder,
    ClaimStatus,
    ClaimStatusChange,
    PersonIncident,
)
from bans.services import RegisterError
from incidents.models import Incident, PoliceReport
from merchants import access
from merchants.services import log_action
from plumbing import camt
from plumbing.files import random_name

logger = logging.getLogger(__name__)

MINIMUM_AGE = 14
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reasons: list  # in words, for the page: what is missing


def eligibility(incident, person) -> Eligibility:
    """A claim needs an identified person of 14 or over on the incident date, caught in the act,
    with a police report filed."""
    reasons = []
    if (
        person is None
        or not PersonIncident.objects.filter(person=person, incident=incident).exists()
    ):
        reasons.append(_("Nobody in the register is linked to this incident."))
    elif not (person.full_name and person.birth_date):
        reasons.append(_("The person is not identified: full name and date of birth are needed."))
    else:
        day = incident.occurred_at.date()
        born = person.birth_date
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if age < MINIMUM_AGE:
            reasons.append(
                _("The person was %(age)s on the day of the incident; a claim needs 14 or over.")
                % {"age": age}
            )
    if incident.duplicate_of_id:
        reasons.append(
            _("This report is a duplicate of %(reference)s: make the claim there.")
            % {"reference": incident.duplicate_of.reference}
        )
    if not incident.caught_in_act:
        reasons.append(_("The person was not caught in the act."))
    if incident.police_report != PoliceReport.YES:
        reasons.append(_("No police report (aangifte) has been filed."))
    return Eligibility(ok=not reasons, reasons=reasons)


def ready_for_claim(partnership):
    """Cases that meet every condition on paper and have no claim yet, newest first (the age
    is checked again when the claim is made)."""
    return (
        Incident.objects.filter(
            partnership=partnership,
            caught_in_act=True,
            police_report=PoliceReport.YES,
            person_links__person__birth_date__isnull=False,
        )
        .exclude(person_links__person__full_name="")
        .filter(duplicate_of__isnull=True)
        .exclude(claims__status__in=[s for s in ClaimStatus.values if s != ClaimStatus.CANCELLED])
        .select_related("shop")
        .distinct()
        .order_by("-occurred_at")
    )


def money(value) -> Decimal:
    """Euros as Decimal with exactly two decimals; more decimals, or no number, is refused."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RegisterError(_("Enter an amount in euros, such as 24,95.")) from None
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise RegisterError(_("An amount has at most two decimals."))
    return amount.quantize(CENT)


def rf_reference(base: str) -> str:
    """An ISO 11649 structured creditor reference ("RF" + check digits + base)."""
    base = "".join(c for c in base.upper() if c.isalnum())
    digits = "".join(str(int(c, 36)) for c in base + "RF00")
    check = 98 - int(digits) % 97
    return f"RF{check:02d}{base}"


def take_number(partnership, year) -> int:
    """The next sequence number of the partnership's year, under a row lock. Call inside the
    transaction that creates the claim: if it rolls back, the number is given back too."""
    try:
        with transaction.atomic():
            ClaimCounter.objects.get_or_create(partnership=partnership, year=year)
    except IntegrityError:
        pass  # another transaction made the row first
    counter = ClaimCounter.objects.select_for_update().get(partnership=partnership, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _require(actor, partnership, capability):
    if not access.can(actor, partnership, capability):
        if capability == "make_claims":
            raise RegisterError(_("Only the officer or the coordinator makes claims."))
        raise RegisterError(_("Only the coordinator keeps the claims' books."))


def create_claim(incident, person, *, actor, lines=()) -> Claim:
    """A draft claim on an eligible incident: the fixed amount plus the direct damage lines."""
    _require(actor, incident.partnership, "make_claims")
    verdict = eligibility(incident, person)
    if not verdict.ok:
        raise RegisterError(" ".join(verdict.reasons))
    items = [(description.strip(), money(amount)) for description, amount in lines]
    if any(amount <= 0 for _description, amount in items):
        raise RegisterError(_("A damage line needs an amount above zero."))
    if any(not description for description, _amount in items):
        raise RegisterError(_("Each damage line needs a description."))
    if incident.partnership.claim_fixed_amount + sum((a for _d, a in items), Decimal(0)) <= 0:
        raise RegisterError(_("A claim needs an amount: add the direct damage."))
    partnership = incident.partnership
    year = timezone.localdate().year
    if _has_claim(incident, person):
        raise RegisterError(_("This case already has a claim on this person."))
    try:
        with transaction.atomic():
            return _create(incident, person, partnership, year, items, actor)
    except IntegrityError:  # a double submit that got past the check above
        if _has_claim(incident, person):
            raise RegisterError(_("This case already has a claim on this person.")) from None
        raise


def _has_claim(incident, person) -> bool:
    return (
        Claim.objects.filter(incident=incident, person=person)
        .exclude(status=ClaimStatus.CANCELLED)
        .exists()
    )


def _create(incident, person, partnership, year, items, actor) -> Claim:
    sequence = take_number(partnership, year)
    number = f"{partnership.code}-{year}-{sequence:05d}"
    claim = Claim.objects.create(
        partnership=partnership,
        incident=incident,
        person=person,
        year=year,
        sequence=sequence,
        number=number,
        payment_reference=rf_reference(f"{partnership.code}{year}{sequence:05d}"),
        fixed_amount=partnership.claim_fixed_amount,
        total=partnership.claim_fixed_amount + sum((a for _d, a in items), Decimal("0")),
        snapshot={
            "full_name": person.full_name,
            "address": person.address,
            "residence": person.residence,
            "birth_date": person.birth_date.isoformat(),
            "shop": incident.shop.name,
            "incident": incident.reference,
        },
        created_by=actor,
    )
    ClaimLine.objects.bulk_create(
        ClaimLine(claim=claim, description=description, amount=amount)
        for description, amount in items
    )
    ClaimStatusChange.objects.create(
        claim=claim, old_status="", new_status=ClaimStatus.DRAFT, changed_by=actor
    )
    log_action("bans.claim.created", actor=actor, partnership=partnership, obj=claim)
    return claim


# --- Status ------------------------------------------------------------------------------------

S = ClaimStatus
TRANSITIONS = {
    S.DRAFT: {S.SENT, S.CANCELLED},
    S.SENT: {S.PARTIALLY_PAID, S.PAID, S.REMINDED, S.CANCELLED, S.WRITTEN_OFF},
    S.PARTIALLY_PAID: {S.PAID, S.REMINDED, S.CANCELLED, S.WRITTEN_OFF},
    S.REMINDED: {S.PAID, S.COLLECTION, S.CANCELLED, S.WRITTEN_OFF},
    S.COLLECTION: {S.PAID, S.CANCELLED, S.WRITTEN_OFF},
    S.PAID: set(),
    S.WRITTEN_OFF: set(),
    S.CANCELLED: set(),
}
# A claim takes payments and credits only while money is owed on it.
OPEN = frozenset({S.SENT, S.PARTIALLY_PAID, S.REMINDED, S.COLLECTION})


def _set_status(claim, new, *, actor=None, note=""):
    if new == claim.status:
        return
    if new not in TRANSITIONS[claim.status]:
        raise RegisterError(
            _("A claim that is %(old)s cannot become %(new)s.")
            % {"old": claim.get_status_display().lower(), "new": S(new).label.lower()}
        )
    ClaimStatusChange.objects.create(
        claim=claim, old_status=claim.status, new_status=new, note=note, changed_by=actor
    )
    claim.status = new


def _locked(claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("partnership", "incident__shop__area")
        .get(pk=claim.pk)
    )


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise RegisterError(_("Give a reason: it stays with the claim."))
    return reason[:300]


def cancel_draft(claim, *, actor, reason) -> Claim:
    """A draft that will not be sent keeps its number and shows as cancelled: no gap."""
    _require(actor, claim.partnership, "make_claims")
    reason = _reason(reason)
    with transaction.atomic():
        claim = _locked(claim)
        if claim.status != S.DRAFT:
            raise RegisterError(_("A sent claim is corrected with a credit entry."))
        _set_status(claim, S.CANCELLED, actor=actor, note=reason)
        claim.save(update_fields=["status"])
        log_action("bans.claim.cancelled", actor=actor, partnership=claim.partnership, obj=claim)
    return claim


# --- The letter --------------------------------------------------------------------------------


def letter_snapshot(claim, *, actor, today) -> dict:
    """Everything the letter states, frozen when the claim is sent."""
    partnership = claim.partnership
    incident = claim.incident
    shop = incident.shop
    lines = [
        {"description": line.description, "amount": str(line.amount)}
        for line in claim.lines.order_by("pk")
    ]
    return {
        "version": 1,
        "language": "nl",
        "number": claim.number,
        "reference": claim.payment_reference,
        "sent_on": today.isoformat(),
        "due_on": (today + timedelta(days=partnership.claim_due_days)).isoformat(),
        "partnership": {"name": partnership.name, "municipality": partnership.municipality},
        "person": {
            "full_name": claim.snapshot["full_name"],
            "address": claim.snapshot["address"],
            "residence": claim.snapshot["residence"],
            "birth_date": claim.snapshot["birth_date"],
        },
        "incident": {
            "reference": incident.reference,
            "date": timezone.localtime(incident.occurred_at).date().isoformat(),
            "shop": {
                "name": shop.name,
                "address": shop.address,
                "postcode": shop.postcode,
                "city": shop.city,
            },
        },
        "fixed_amount": str(claim.fixed_amount),
        "lines": lines,
        "total": str(claim.total),
        "payment": {
            "beneficiary": (partnership.claim_beneficiary or partnership.name)[:70],
            "iban": partnership.claim_iban.replace(" ", "").upper(),
            "amount": str(claim.total),
            "reference": claim.payment_reference,
        },
        "signed_by": (actor.full_name or "").strip(),
    }


def send_claim(claim, *, actor, email="", today=None) -> Claim:
    """Issue the claim: the letter is rendered once from its snapshot and stored; the claim is
    due after the partnership's term (15 days). With an address the letter is also emailed."""
    from bans.claim_letters import render_claim_letter

    _require(actor, claim.partnership, "make_claims")
    today = today or timezone.localdate()
    stored = None
    try:
        with transaction.atomic():
            claim = _locked(claim)
            if claim.status != S.DRAFT:
                raise RegisterError(_("This claim has already been sent."))
            snapshot = letter_snapshot(claim, actor=actor, today=today)
            try:
                pdf = render_claim_letter(snapshot)
            except ValueError:
                raise RegisterError(
                    _(
                        "The payment details in the claim settings are not valid: check the "
                        "IBAN and the name it is paid to."
                    )
                ) from None
            stored = default_storage.save(random_name("claims", "pdf"), ContentFile(pdf))
            claim.snapshot = {**claim.snapshot, "letter": snapshot}
            claim.letter = stored
            claim.sent_on = today
            claim.due_on = date.fromisoformat(snapshot["due_on"])
            claim.email = (email or "").strip()
            _set_status(claim, S.SENT, actor=actor)
            claim.save(update_fields=["snapshot", "letter", "sent_on", "due_on", "email", "status"])
            log_action("bans.claim.sent", actor=actor, partnership=claim.partnership, obj=claim)
            if claim.email:
                pk = claim.pk
                transaction.on_commit(lambda: _queue_letter_email(pk, "claim"), robust=True)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return claim


def _queue_letter_email(claim_id, kind):
    from bans.tasks import email_claim_letter

    email_claim_letter.delay(claim_id, kind)


def email_letter(claim_id, kind) -> bool:
    """Email the claim letter or the reminder once. The row is marked before the mail goes out
    (no lock is held during SMTP) and unmarked if sending fails, so a retried task sends it
    exactly once."""
    from plumbing.mail import send_templated_mail

    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None or not claim.email:
        return False
    stamp = timezone.now()
    if kind == "claim":
        row_pk = claim.pk
        rows = Claim.objects.filter(pk=row_pk, letter_emailed_at__isnull=True)
        pdf_name, prefix, field = claim.letter.name, "bans/email/claim", "letter_emailed_at"
    else:
        reminder = ClaimReminder.objects.filter(claim=claim).first()
        if reminder is None or not reminder.pdf:
            return False
        row_pk = reminder.pk
        rows = ClaimReminder.objects.filter(pk=row_pk, emailed_at__isnull=True)
        pdf_name, prefix, field = reminder.pdf.name, "bans/email/claim_reminder", "emailed_at"
    if not rows.update(**{field: stamp}):
        return False  # sent already, or being sent by another worker
    try:
        with default_storage.open(pdf_name, "rb") as handle:
            pdf = handle.read()
        send_templated_mail(
            prefix,
            {"claim": claim, "letter": claim.snapshot.get("letter", {})},
            to=[claim.email],
            language="nl",
            attachments=[(f"{claim.number}.pdf", pdf, "application/pdf")],
        )
    except BaseException:
        rows.model.objects.filter(pk=row_pk, **{field: stamp}).update(**{field: None})
        raise
    return True


# --- Credits, payments, write-off --------------------------------------------------------------


def add_credit(claim, amount, *, actor, reason, submission_key=None) -> ClaimEntry:
    """Lower what is owed, with a reason. A credit of everything still owed closes the claim:
    paid when money came in, cancelled when none did."""
    _require(actor, claim.partnership, "manage_claims")
    amount = _positive(amount)
    reason = _reason(reason)
    with transaction.atomic():
        claim = _locked(claim)
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
            _set_status(claim, S.PAID if claim.paid else S.CANCELLED, actor=actor, note=reason)
        claim.save(update_fields=["total", "status"])
        log_action(
            "bans.claim.credited",
            actor=actor,
            partnership=claim.partnership,
            obj=claim,
            data={"amount": str(amount)},
        )
    return entry


def write_off(claim, *, actor, reason) -> Claim:
    _require(actor, claim.partnership, "manage_claims")
    reason = _reason(reason)
    with transaction.atomic():
        claim = _locked(claim)
        if claim.status not in OPEN:
            raise RegisterError(_("Only an open claim can be written off."))
        _set_status(claim, S.WRITTEN_OFF, actor=actor, note=reason)
        claim.save(update_fields=["status"])
        log_action("bans.claim.written_off", actor=actor, partnership=claim.partnership, obj=claim)
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
    _require(actor, claim.partnership, "manage_claims")
    amount = _positive(amount)
    if paid_on > timezone.localdate():
        raise RegisterError(_("A payment cannot be dated in the future."))
    if method not in ClaimPayment.Method.values:
        raise RegisterError(_("Choose how it was paid."))
    with transaction.atomic():
        claim = _locked(claim)
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
            _set_status(claim, S.PAID, actor=actor)
        elif claim.status == S.SENT:
            _set_status(claim, S.PARTIALLY_PAID, actor=actor)
        claim.save(update_fields=["paid", "status"])
        log_action(
            "bans.claim.paid",
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
    policy = claim.partnership
    shop_of_fixed = _percent(fixed_part, policy.claim_shop_percent)
    # Both shares round half up: cap the fee so the area fund never goes below zero.
    admin_of_fixed = min(
        _percent(fixed_part, policy.claim_admin_percent), fixed_part - shop_of_fixed
    )
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


def euros(amount) -> str:
    """€ 1.234,56, as a Dutch letter writes it."""
    whole, cents = f"{Decimal(amount):.2f}".split(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"€ {sign}{'.'.join(groups)},{cents}"


# --- Reminders and collection costs ------------------------------------------------------------

# Besluit vergoeding voor buitengerechtelijke incassokosten: a sliding scale over the principal.
COLLECTION_SCALE = (
    (Decimal("2500"), Decimal("0.15")),
    (Decimal("2500"), Decimal("0.10")),
    (Decimal("5000"), Decimal("0.05")),
    (Decimal("190000"), Decimal("0.01")),
    (None, Decimal("0.005")),
)
COLLECTION_MINIMUM = Decimal("40.00")
POSTAL_DAYS = 3
COLLECTION_MAXIMUM = Decimal("6775.00")


def collection_costs(principal) -> Decimal:
    """The statutory collection costs on an unpaid principal: 15% of the first EUR 2,500 (then
    10%, 5%, 1%, 0.5% over the next slices), at least EUR 40 and at most EUR 6,775."""
    principal = Decimal(principal)
    if principal <= 0:
        return Decimal("0.00")
    rest, costs = principal, Decimal("0")
    for size, rate in COLLECTION_SCALE:
        slice_ = rest if size is None else min(rest, size)
        costs += slice_ * rate
        rest -= slice_
        if rest <= 0:
            break
    costs = costs.quantize(CENT, rounding=ROUND_HALF_UP)
    return min(max(costs, COLLECTION_MINIMUM), COLLECTION_MAXIMUM)


def send_reminders(today=None) -> dict:
    """The daily job. A sent claim past its due date gets its one reminder: emailed at once when
    the claim has an address, otherwise listed to be printed and posted (`post_reminder`). Once
    the reminder's term (from posting) has passed unpaid, the statutory collection costs are added
    and the claim goes to the collection agency. State lives in the rows, so running it twice does
    nothing more; a claim that fails is logged and does not stop the others."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "to_post": 0, "to_collection": 0, "emailed": 0, "failed": 0}
    overdue = Claim.objects.filter(
        status__in=(S.SENT, S.PARTIALLY_PAID), due_on__lt=today, reminder__isnull=True
    )
    for pk in overdue.values_list("pk", flat=True):
        try:
            outcome = _remind(pk, today)
        except Exception:
            logger.exception("claims: the reminder of claim %s failed", pk)
            counts["failed"] += 1
            continue
        if outcome:
            counts[outcome] += 1
    # Letters whose email did not go out (the broker was down when they were made): again now.
    unsent = [
        (pk, "claim")
        for pk in Claim.objects.filter(sent_on__lt=today, letter_emailed_at__isnull=True)
        .exclude(email="")
        .exclude(letter="")
        .values_list("pk", flat=True)
    ]
    unsent += [
        (pk, "reminder")
        for pk in ClaimReminder.objects.filter(posted_on__lt=today, emailed_at__isnull=True)
        .exclude(claim__email="")
        .exclude(pdf="")
        .values_list("claim_id", flat=True)
    ]
    for pk, kind in unsent:
        try:
            counts["emailed"] += email_letter(pk, kind)
        except Exception:
            logger.exception("claims: emailing the %s letter of claim %s failed", kind, pk)
            counts["failed"] += 1
    expired = Claim.objects.filter(
        status=S.REMINDED, reminder__due_on__lt=today, reminder__costs_added_on__isnull=True
    )
    for pk in expired.values_list("pk", flat=True):
        try:
            counts["to_collection"] += _add_costs(pk, today)
        except Exception:
            logger.exception("claims: adding the collection costs of claim %s failed", pk)
            counts["failed"] += 1
    return counts


def _reminder_snapshot(claim, today, due_on, costs) -> dict:
    letter = claim.snapshot.get("letter", {})
    credits = claim.entries.filter(kind=ClaimEntry.Kind.CREDIT).order_by("pk")
    return {
        **letter,
        "reminded_on": today.isoformat(),
        "reminder_due_on": due_on.isoformat(),
        "credits": [{"reason": c.reason, "amount": str(c.amount)} for c in credits],
        "paid": str(claim.paid),
        "outstanding": str(claim.outstanding),
        "announced_costs": str(costs),
        "payment": {**letter.get("payment", {}), "amount": str(claim.outstanding)},
    }


def _reminder_term(claim, posted_on) -> date:
    # The statutory 14 days run from the day after the letter arrives: allow for the post.
    return posted_on + timedelta(days=claim.partnership.claim_reminder_days + POSTAL_DAYS)


def _store_reminder_pdf(claim, reminder, today):
    """Render the reminder as it is sent today; returns the stored name (delete it if the
    transaction fails)."""
    from bans.claim_letters import render_reminder_letter

    due_on = _reminder_term(claim, today)
    costs = collection_costs(claim.outstanding)
    snapshot = _reminder_snapshot(claim, today, due_on, costs)
    try:
        pdf = render_reminder_letter(snapshot)
    except ValueError:
        raise RegisterError(
            _(
                "The payment details in the claim settings are not valid: check the IBAN and the "
                "name it is paid to."
            )
        ) from None
    stored = default_storage.save(random_name("claims", "pdf"), ContentFile(pdf))
    reminder.posted_on, reminder.due_on = today, due_on
    reminder.announced_costs, reminder.snapshot, reminder.pdf = costs, snapshot, stored
    reminder.save()
    return stored


def _remind(claim_id, today):
    stored = None
    try:
        with transaction.atomic():
            claim = (
                Claim.objects.select_for_update(of=("self",))
                .select_related("partnership")
                .get(pk=claim_id)
            )
            if claim.status not in (S.SENT, S.PARTIALLY_PAID):
                return None
            if ClaimReminder.objects.filter(claim=claim).exists():
                return None
            reminder = ClaimReminder.objects.create(
                claim=claim,
                sent_on=today,
                announced_costs=collection_costs(claim.outstanding),
                snapshot={},
            )
            if claim.email:
                stored = _store_reminder_pdf(claim, reminder, today)
                transaction.on_commit(
                    lambda: _queue_letter_email(claim_id, "reminder"), robust=True
                )
            _set_status(claim, S.REMINDED, note=_("Not paid by %(day)s.") % {"day": claim.due_on})
            claim.save(update_fields=["status"])
            log_action("bans.claim.reminded", partnership=claim.partnership, obj=claim)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return "reminded" if stored else "to_post"


def post_reminder(claim, *, actor, today=None) -> ClaimReminder:
    """Print a reminder that waits to be posted: it is dated today and its term starts today.
    Printing it again later gives the same letter."""
    if not access.can(actor, claim.partnership, "claim_identity"):
        raise RegisterError(_("Only the officer or the administrator prints the letters."))
    today = today or timezone.localdate()
    stored = None
    try:
        with transaction.atomic():
            claim = _locked(claim)
            reminder = ClaimReminder.objects.select_for_update().filter(claim=claim).first()
            if reminder is None:
                raise RegisterError(_("This claim has no reminder."))
            if reminder.posted_on is None:
                if claim.status != S.REMINDED:
                    raise RegisterError(_("This claim no longer needs a reminder."))
                stored = _store_reminder_pdf(claim, reminder, today)
                log_action(
                    "bans.claim.reminder_posted",
                    actor=actor,
                    partnership=claim.partnership,
                    obj=claim,
                )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return reminder


def _add_costs(claim_id, today) -> int:
    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim_id)
        reminder = ClaimReminder.objects.select_for_update().get(claim=claim)
        if claim.status != S.REMINDED or reminder.costs_added_on:
            return 0
        costs = collection_costs(claim.outstanding)
        if costs <= 0:
            return 0
        ClaimEntry.objects.create(
            claim=claim,
            kind=ClaimEntry.Kind.COLLECTION_COSTS,
            amount=costs,
            reason=_("Statutory collection costs: not paid by %(day)s.") % {"day": reminder.due_on},
        )
        reminder.costs_added_on = today
        reminder.save(update_fields=["costs_added_on"])
        claim.total += costs
        _set_status(claim, S.COLLECTION, note=_("Ready to hand over to the collection agency."))
        claim.save(update_fields=["total", "status"])
        log_action("bans.claim.to_collection", partnership=claim.partnership, obj=claim)
    return 1


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
    _require(actor, partnership, "manage_claims")
    if not partnership.claim_iban:
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
        if entry.account_iban.upper() != partnership.claim_iban:
            raise RegisterError(
                _(
                    "This statement is for account %(account)s, not for %(iban)s that claims "
                    "are paid to. Nothing was imported."
                )
                % {"account": entry.account_iban, "iban": partnership.claim_iban}
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
            "bans.claims.bank_import",
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
    _require(actor, tx.partnership, "manage_claims")
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
    _require(actor, tx.partnership, "manage_claims")
    note = _reason(note)
    with transaction.atomic():
        tx = BankTransaction.objects.select_for_update().get(pk=tx.pk)
        if tx.state != BankTransaction.State.WAITING:
            raise RegisterError(_("This transaction has been dealt with already."))
        tx.state = BankTransaction.State.SET_ASIDE
        tx.note = note
        tx.decided_by, tx.decided_at = actor, timezone.now()
        tx.save(update_fields=["state", "note", "decided_by", "decided_at"])
        log_action(
            "bans.claims.set_aside",
            actor=actor,
            partnership=tx.partnership,
            obj=tx,
            data={"note": note},
        )
    return tx


# --- Figures -----------------------------------------------------------------------------------


def distribution(partnership, start, end) -> dict:
    """Money received between two dates (inclusive), and who gets it."""
    payments = ClaimPayment.objects.filter(
        claim__partnership=partnership, paid_on__gte=start, paid_on__lte=end
    )
    sums = payments.aggregate(
        received=Sum("amount"),
        shop=Sum("shop_amount"),
        admin=Sum("admin_amount"),
        fund=Sum("fund_amount"),
        payments=Count("pk"),
        claims=Count("claim", distinct=True),
    )
    zero = Decimal("0.00")
    per_shop = (
        payments.values("claim__incident__shop__name", "claim__incident__shop_id")
        .annotate(amount=Sum("shop_amount"), claims=Count("claim", distinct=True))
        .order_by("claim__incident__shop__name")
    )
    issued = Claim.objects.filter(
        partnership=partnership, sent_on__gte=start, sent_on__lte=end
    ).exclude(status=S.CANCELLED)
    issued_sums = issued.aggregate(
        claimed=Sum("total"),
        paid=Sum("paid"),
        count=Count("pk"),
        settled=Count("pk", filter=Q(status=S.PAID)),
    )
    claimed = issued_sums["claimed"] or zero
    return {
        "start": start,
        "end": end,
        "received": sums["received"] or zero,
        "shop": sums["shop"] or zero,
        "admin": sums["admin"] or zero,
        "fund": sums["fund"] or zero,
        "payments": sums["payments"],
        "paying_claims": sums["claims"],
        "per_shop": [
            {
                "shop": row["claim__incident__shop__name"],
                "amount": row["amount"],
                "claims": row["claims"],
            }
            for row in per_shop
        ],
        "issued": issued_sums["count"],
        "claimed": claimed,
        "recovered": issued_sums["paid"] or zero,
        "settled": issued_sums["settled"],
        # Of the money claimed with the claims sent in the period, the part paid so far.
        "recovery_rate": ((issued_sums["paid"] or zero) / claimed * 100) if claimed else None,
    }
