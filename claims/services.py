"""Civil claims (schadeclaim / overlastdonatie), DESIGN.md section 3: who may be claimed from,
numbers without gaps or duplicates per partnership and year, the status history, and the letter
as an immutable snapshot, sent by email or post.

The other concerns have modules of their own: reminders and collection costs (claims.reminders),
credits, payments and bank statements (claims.payments), how paid money is shared out
(claims.distribution). Every change of a claim happens under a row lock on the claim
(``locked``) and keeps `Claim.total` and `Claim.paid` equal to what its ledger says.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bans.models import PersonIncident
from bans.services import RegisterError
from claims.models import (
    Claim,
    ClaimCounter,
    ClaimLine,
    ClaimReminder,
    ClaimStatus,
    ClaimStatusChange,
    settings_for,
)
from incidents.models import Incident, PoliceReport
from merchants import access
from merchants.services import log_action
from plumbing.files import STORAGE_FAILURES, random_name

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
        day = timezone.localdate(incident.occurred_at)  # the local day, not UTC's
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


def require(actor, partnership, capability):
    if not access.can(actor, partnership, capability):
        if capability == "make_claims":
            raise RegisterError(_("Only the officer or the coordinator makes claims."))
        raise RegisterError(_("Only the coordinator keeps the claims' books."))


def create_claim(incident, person, *, actor, lines=()) -> Claim:
    """A draft claim on an eligible incident: the fixed amount plus the direct damage lines."""
    require(actor, incident.partnership, "make_claims")
    verdict = eligibility(incident, person)
    if not verdict.ok:
        raise RegisterError(" ".join(verdict.reasons))
    items = [(description.strip(), money(amount)) for description, amount in lines]
    if any(amount <= 0 for _description, amount in items):
        raise RegisterError(_("A damage line needs an amount above zero."))
    if any(not description for description, _amount in items):
        raise RegisterError(_("Each damage line needs a description."))
    fixed_amount = settings_for(incident.partnership).fixed_amount
    if fixed_amount + sum((a for _d, a in items), Decimal(0)) <= 0:
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
    fixed_amount = settings_for(partnership).fixed_amount
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
        fixed_amount=fixed_amount,
        total=fixed_amount + sum((a for _d, a in items), Decimal("0")),
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
    log_action("claims.claim.created", actor=actor, partnership=partnership, obj=claim)
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


def set_status(claim, new, *, actor=None, note=""):
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


def locked(claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("partnership", "incident__shop__area")
        .get(pk=claim.pk)
    )


def required_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise RegisterError(_("Give a reason: it stays with the claim."))
    return reason[:300]


def cancel_draft(claim, *, actor, reason) -> Claim:
    """A draft that will not be sent keeps its number and shows as cancelled: no gap."""
    require(actor, claim.partnership, "make_claims")
    reason = required_reason(reason)
    with transaction.atomic():
        claim = locked(claim)
        if claim.status != S.DRAFT:
            raise RegisterError(_("A sent claim is corrected with a credit entry."))
        set_status(claim, S.CANCELLED, actor=actor, note=reason)
        claim.save(update_fields=["status"])
        log_action("claims.claim.cancelled", actor=actor, partnership=claim.partnership, obj=claim)
    return claim


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


# --- The letter --------------------------------------------------------------------------------


def letter_snapshot(claim, *, actor, today) -> dict:
    """Everything the letter states, frozen when the claim is sent."""
    partnership = claim.partnership
    rules = settings_for(partnership)
    incident = claim.incident
    shop = incident.shop
    lines = [
        {"description": line.description, "amount": str(line.amount)}
        for line in claim.lines.order_by("pk")
    ]
    return {
        "version": 2,
        "language": "nl",
        "number": claim.number,
        "reference": claim.payment_reference,
        "sent_on": today.isoformat(),
        "due_on": (today + timedelta(days=rules.due_days)).isoformat(),
        "partnership": {"name": partnership.name, "municipality": partnership.municipality},
        "objection": partnership.objection_snapshot(),
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
            "beneficiary": (rules.beneficiary or partnership.name)[:70],
            "iban": rules.iban.replace(" ", "").upper(),
            "amount": str(claim.total),
            "reference": claim.payment_reference,
        },
        "signed_by": (actor.full_name or "").strip(),
    }


def send_claim(claim, *, actor, email="", today=None) -> Claim:
    """Issue the claim: the letter is rendered once from its snapshot and stored; the claim is
    due after the partnership's term (15 days). With an address the letter is also emailed."""
    from claims.letters import render_claim_letter

    require(actor, claim.partnership, "make_claims")
    today = today or timezone.localdate()
    stored = None
    try:
        with transaction.atomic():
            claim = locked(claim)
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
            try:
                stored = default_storage.save(random_name("claims", "pdf"), ContentFile(pdf))
            except STORAGE_FAILURES:
                raise RegisterError(
                    _(
                        "The letter could not be stored just now, so the claim was not sent. "
                        "Try again in a moment."
                    )
                ) from None
            claim.snapshot = {**claim.snapshot, "letter": snapshot}
            claim.letter = stored
            claim.sent_on = today
            claim.due_on = date.fromisoformat(snapshot["due_on"])
            claim.email = (email or "").strip()
            set_status(claim, S.SENT, actor=actor)
            claim.save(update_fields=["snapshot", "letter", "sent_on", "due_on", "email", "status"])
            log_action("claims.claim.sent", actor=actor, partnership=claim.partnership, obj=claim)
            if claim.email:
                pk = claim.pk
                transaction.on_commit(lambda: queue_letter_email(pk, "claim"), robust=True)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return claim


def queue_letter_email(claim_id, kind):
    from claims.tasks import email_claim_letter

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
        pdf_name, prefix, field = claim.letter.name, "claims/email/claim", "letter_emailed_at"
    else:
        reminder = ClaimReminder.objects.filter(claim=claim).first()
        if reminder is None or not reminder.pdf:
            return False
        row_pk = reminder.pk
        rows = ClaimReminder.objects.filter(pk=row_pk, emailed_at__isnull=True)
        pdf_name, prefix, field = reminder.pdf.name, "claims/email/claim_reminder", "emailed_at"
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
