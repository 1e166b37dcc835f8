"""The letters of a civil claim (schadeclaim / overlastdonatie): the claim and its one reminder.

Both are rendered from a JSON snapshot alone, never from live objects, so a letter printed again
later says exactly what was sent (STYLE.md: issued documents are immutable snapshots). The letters
are Dutch: they go to a person in the Netherlands.

The claim letter snapshot::

    {
      "version": 2, "language": "nl",
      "number": "DEV-2026-00042", "reference": "RF…",
      "sent_on": "2026-11-26", "due_on": "2026-12-11",
      "partnership": {"name": …, "municipality": …},
      "objection": {"address_lines": ["Stichting KVO Deventer", "Postbus 5000", …] or [],
                    "email": … or "", "phone": … or "", "term_weeks": 6},
      "person": {"full_name": …, "address": …, "residence": …, "birth_date": "2001-02-03"},
      "incident": {"reference": …, "date": "2026-11-02",
                   "shop": {"name": …, "address": …, "postcode": …, "city": …}},
      "fixed_amount": "181.00",
      "lines": [{"description": …, "amount": "24.98"}],
      "total": "205.98",
      "payment": {"beneficiary": …, "iban": "NL91ABNA0417164300" or "",
                  "amount": "205.98", "reference": "RF…"},
      "signed_by": "J. de Vries" or "",
    }

The reminder snapshot has the same keys plus ``reminded_on``, ``reminder_due_on`` (dates),
``paid``, ``outstanding`` and ``announced_costs`` (money), with ``payment.amount`` the outstanding
amount. Dates are ISO strings and money a string with two decimals: the snapshot is plain JSON.

The reminder is the notice of article 6:96 BW: it states the 14 days as counted from the day after
the letter is received (HR 13 June 2014, ECLI:NL:HR:2014:1405), so ``reminder_due_on`` should leave
room for the post on top of those 14 days.

``objection`` (version 2) says where and within how many weeks of the claim's date the person
objects; without an address the letter names the partnership only, and a version-1 letter (which
has no ``objection``) keeps its old wording. The reminder copies the claim's ``objection``.

Without an IBAN (the partnership has not set one) the letter asks the person to contact the
partnership and shows no QR code. An IBAN or reference that is not valid raises ``ValueError``: a
letter must not show an account number or a reference that a payment can never reach.
"""

from datetime import date, timedelta
from decimal import Decimal

from plumbing.epc import epc_payload, epc_qr_svg, format_iban
from plumbing.pdf import render_pdf

LANGUAGE = "nl"
CLAIM_TEMPLATE = "claims/pdf/claim_letter.html"
REMINDER_TEMPLATE = "claims/pdf/claim_reminder.html"
ADULT_AGE = 18


def render_claim_letter(snapshot: dict) -> bytes:
    """The claim letter's PDF, from the snapshot only."""
    return render_pdf(
        CLAIM_TEMPLATE, _context(snapshot), language=snapshot.get("language", LANGUAGE)
    )


def render_reminder_letter(snapshot: dict) -> bytes:
    """The reminder's PDF (the 14-day notice of article 6:96 BW), from the snapshot only."""
    return render_pdf(
        REMINDER_TEMPLATE, _context(snapshot), language=snapshot.get("language", LANGUAGE)
    )


def _context(snapshot: dict) -> dict:
    person = snapshot["person"]
    incident = snapshot["incident"]
    payment = snapshot["payment"]
    address_lines = [line for line in (person.get("address", ""),) if line]
    residence = person.get("residence", "")
    # The address often holds the postcode and town already: do not print the town twice.
    if residence and residence.casefold() not in person.get("address", "").casefold():
        address_lines.append(residence)
    incident_date = _day(incident["date"])
    birth_date = _day(person.get("birth_date", ""))
    payment_amount = _money(payment["amount"])
    reminder_due_on = _day(snapshot.get("reminder_due_on", ""))
    sent_on = _day(snapshot["sent_on"])
    objection = snapshot.get("objection")
    iban = payment.get("iban", "")
    qr_svg = ""
    if iban:
        qr_svg = epc_qr_svg(
            epc_payload(
                name=payment["beneficiary"],
                iban=iban,
                amount=payment_amount,
                **_remittance(payment.get("reference", "")),
            )
        )
    return {
        "letter": snapshot,
        "number": snapshot["number"],
        "sent_on": sent_on,
        "due_on": _day(snapshot["due_on"]),
        # The date the "how to pay" and "if you disagree" paragraphs name: the reminder's own.
        "pay_by": reminder_due_on or _day(snapshot["due_on"]),
        "partnership": snapshot["partnership"],
        "objection": objection,
        "object_by": sent_on + timedelta(weeks=objection["term_weeks"]) if objection else None,
        "addressee": person["full_name"],
        "address_lines": address_lines,
        "is_minor": _is_minor(birth_date, incident_date),
        "incident": incident,
        "incident_date": incident_date,
        "shop": incident["shop"],
        "fixed_amount": _money(snapshot["fixed_amount"]),
        "lines": [
            {"description": line["description"], "amount": _money(line["amount"])}
            for line in snapshot["lines"]
        ],
        "total": _money(snapshot["total"]),
        "payment": payment,
        "payment_amount": payment_amount,
        "payment_reference": payment.get("reference", ""),
        "iban": format_iban(iban) if iban else "",
        "qr_svg": qr_svg,
        "signed_by": snapshot.get("signed_by", ""),
        # The reminder only; None in a claim letter.
        "reminded_on": _day(snapshot.get("reminded_on", "")),
        "reminder_due_on": reminder_due_on,
        "paid": _money(snapshot.get("paid", "")),
        "outstanding": _money(snapshot.get("outstanding", "")),
        "announced_costs": _money(snapshot.get("announced_costs", "")),
        "credits": [
            {"reason": credit["reason"], "amount": _money(credit["amount"])}
            for credit in snapshot.get("credits", [])
        ],
    }


def _remittance(reference: str) -> dict:
    """An ISO 11649 ``RF`` reference goes in the structured field (its check digits are verified),
    anything else as free remittance text, which takes any characters."""
    reference = reference.strip()
    if reference.upper().startswith("RF"):
        return {"reference": reference}
    return {"text": reference}


def _is_minor(birth_date, on) -> bool:
    if birth_date is None or on is None:
        return False
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return age < ADULT_AGE


def _day(value):
    return date.fromisoformat(value) if value else None


def _money(value):
    return Decimal(value) if value not in ("", None) else None
