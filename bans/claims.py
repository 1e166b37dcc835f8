"""Civil claims (schadeclaim / overlastdonatie), DESIGN.md section 3: who may be claimed from,
and claim numbers without gaps or duplicates, also when two officers create one at once."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bans.models import Claim, ClaimCounter, ClaimLine, PersonIncident
from bans.services import RegisterError
from incidents.models import PoliceReport
from merchants import access
from merchants.services import log_action

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
    if not incident.caught_in_act:
        reasons.append(_("The person was not caught in the act."))
    if incident.police_report != PoliceReport.YES:
        reasons.append(_("No police report (aangifte) has been filed."))
    return Eligibility(ok=not reasons, reasons=reasons)


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


def create_claim(incident, person, *, actor, lines=()) -> Claim:
    if not (
        access.can(actor, incident.partnership, "review_incidents")
        or access.can(actor, incident.partnership, "manage_members")
    ):
        raise RegisterError(_("Only the officer or the coordinator makes claims."))
    verdict = eligibility(incident, person)
    if not verdict.ok:
        raise RegisterError(" ".join(verdict.reasons))
    items = [(description.strip(), money(amount)) for description, amount in lines]
    if any(amount <= 0 for _description, amount in items):
        raise RegisterError(_("A damage line needs an amount above zero."))
    partnership = incident.partnership
    year = timezone.localdate().year
    with transaction.atomic():
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
        log_action("bans.claim.created", actor=actor, partnership=partnership, obj=claim)
    return claim
