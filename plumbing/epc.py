"""IBANs and the EPC QR code ("GiroCode") that lets a banking app fill in a credit transfer.

The payload follows EPC069-12 ("Quick Response Code: Guidelines to Enable Data Capture for the
Initiation of a SEPA Credit Transfer"), version 002, character set 1 (UTF-8). One element per line,
separated by ``\\n``:

====  ==================================  ============================================
 1    service tag                         ``BCD``
 2    version                             ``002``
 3    character set                       ``1`` (UTF-8)
 4    identification                      ``SCT``
 5    BIC of the beneficiary's bank       optional in version 002 (empty line)
 6    name of the beneficiary             1-70 characters
 7    IBAN of the beneficiary
 8    amount                              ``EUR181.00``: EUR0.01 to EUR999999999.99
 9    purpose                             empty
10    remittance, structured              creditor reference, at most 35 characters
11    remittance, unstructured            at most 140 characters; not with line 10
====  ==================================  ============================================

The last filled element is not followed by a separator, so empty trailing lines are left out. The
whole payload is at most 331 bytes, which is what a version 13 QR code holds at error correction
level M, the level EPC069-12 prescribes.

Values that do not fit are refused with ``ValueError``, never cut short: a shortened beneficiary
name can fail the bank's name check (Verification of Payee), and a shortened reference lets a
payment arrive that nobody can match.

Plain plumbing: imports no app and touches no database.
"""

from __future__ import annotations

import re
from decimal import Decimal

import segno
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Lengths from the SWIFT IBAN registry for the SEPA countries; others only get 15-34 characters.
IBAN_LENGTHS = {
    "AD": 24,
    "AT": 20,
    "BE": 16,
    "BG": 22,
    "CH": 21,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FR": 27,
    "GB": 22,
    "GI": 23,
    "GR": 27,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IS": 26,
    "IT": 27,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MT": 31,
    "NL": 18,
    "NO": 15,
    "PL": 28,
    "PT": 25,
    "RO": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "VA": 22,
}
IBAN_MIN_LENGTH = 15
IBAN_MAX_LENGTH = 34

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
NAME_MAX = 70
REFERENCE_MAX = 35
TEXT_MAX = 140
PAYLOAD_MAX_BYTES = 331
# EPC069-12: error correction level M. A version 13 symbol holds 331 bytes at that level.
QR_ERROR = "M"
QR_MAX_VERSION = 13
# The quiet zone around a QR code is four modules wide (ISO/IEC 18004).
QR_QUIET_ZONE = 4

MSG_INVALID_IBAN = _("Enter a valid IBAN, such as NL91 ABNA 0417 1643 00.")

_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")
_BIC_SHAPE = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_REFERENCE_SHAPE = re.compile(r"[A-Za-z0-9]+")
# Line breaks would shift every later element; other control characters have no place either.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class IBANError(ValueError):
    """Not a valid IBAN. ``message`` is for the user, translated in the language active when it is
    read, so a form can raise ``ValidationError(exc.message, code=exc.code)``."""

    code = "invalid_iban"

    def __init__(self, *_args):  # *_args: pickle (Celery) recreates it as IBANError(code)
        super().__init__(self.code)

    @property
    def message(self) -> str:
        return str(MSG_INVALID_IBAN)

    def __str__(self) -> str:
        return self.message


def normalise_iban(value: str) -> str:
    """The IBAN in its electronic form (``NL91ABNA0417164300``), or ``IBANError``.

    Accepts spaces anywhere and lower case. Checks the country code, the length (per country for
    the SEPA countries) and the ISO 13616 check digits (mod 97).
    """
    iban = "".join(str(value).split()).upper()
    if not _IBAN_SHAPE.fullmatch(iban):
        raise IBANError
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise IBANError
    if not IBAN_MIN_LENGTH <= len(iban) <= IBAN_MAX_LENGTH:
        raise IBANError
    if _mod97(iban[4:] + iban[:4]) != 1:
        raise IBANError
    return iban


def validate_iban(value):
    """A model or form field validator: the IBAN's country, length and check digits."""
    try:
        normalise_iban(value)
    except IBANError as error:
        raise ValidationError(str(error), code="iban") from None


def format_iban(iban: str) -> str:
    """The IBAN in groups of four for print and screen: ``NL91 ABNA 0417 1643 00``.

    Validates first (``IBANError``): a letter must not show an account number that cannot exist.
    """
    compact = normalise_iban(iban)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def epc_payload(
    *,
    name: str,
    iban: str,
    amount: Decimal,
    reference: str = "",
    text: str = "",
    bic: str = "",
) -> str:
    """The EPC QR payload for a SEPA credit transfer of ``amount`` euro to ``name`` at ``iban``.

    ``reference`` is a structured creditor reference (an ISO 11649 ``RF…`` reference, whose check
    digits are verified, or a bank's own payment reference); spaces are removed. ``text`` is free
    remittance text. At most one of them. Raises ``ValueError`` (``IBANError`` for the IBAN) for
    anything the standard does not allow; nothing is truncated.
    """
    name = _clean(name, "name")
    if not name:
        raise ValueError("The beneficiary name is required.")
    if len(name) > NAME_MAX:
        raise ValueError(f"The beneficiary name has more than {NAME_MAX} characters.")

    iban = normalise_iban(iban)

    bic = _clean(bic, "BIC").replace(" ", "").upper()
    if bic and not _BIC_SHAPE.fullmatch(bic):
        raise ValueError("The BIC must be 8 or 11 letters and digits.")

    reference = "".join(_clean(reference, "reference").split()).upper()
    if reference:
        if len(reference) > REFERENCE_MAX or not _REFERENCE_SHAPE.fullmatch(reference):
            raise ValueError(f"The reference must be at most {REFERENCE_MAX} letters and digits.")
        if reference.startswith("RF") and not _valid_creditor_reference(reference):
            raise ValueError("The RF creditor reference has wrong check digits.")

    text = _clean(text, "text")
    if len(text) > TEXT_MAX:
        raise ValueError(f"The remittance text has more than {TEXT_MAX} characters.")
    if reference and text:
        raise ValueError("Give either a structured reference or a remittance text, not both.")

    lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic,
        name,
        iban,
        "EUR" + _format_amount(amount),
        "",  # purpose
        reference,
        text,
    ]
    while not lines[-1]:
        lines.pop()
    payload = "\n".join(lines)
    if len(payload.encode("utf-8")) > PAYLOAD_MAX_BYTES:
        raise ValueError(f"The EPC QR payload is longer than {PAYLOAD_MAX_BYTES} bytes.")
    return payload


def epc_qr_svg(payload: str) -> str:
    """The payload as an inline SVG QR code (``<svg viewBox=… class="epc-qr">``).

    Error correction level M, a white four-module quiet zone drawn inside the SVG, and no width or
    height: CSS sets the size (``.epc-qr { width: 38mm; }``), the viewBox keeps it square. No XML
    declaration, so it can go straight into HTML; it holds no user data, only path data, so a
    template may mark it safe.
    """
    data = payload.encode("utf-8")
    if len(data) > PAYLOAD_MAX_BYTES:
        raise ValueError(f"The EPC QR payload is longer than {PAYLOAD_MAX_BYTES} bytes.")
    qr = segno.make_qr(
        data,  # bytes, so segno writes them as they are: UTF-8, as line 3 of the payload says
        error=QR_ERROR,
        boost_error=False,
        mode="byte",
    )
    if qr.version > QR_MAX_VERSION:  # cannot happen within 331 bytes; guards the constants
        raise ValueError(f"The EPC QR code needs version {qr.version}; at most 13 is allowed.")
    return qr.svg_inline(
        border=QR_QUIET_ZONE,
        omitsize=True,
        dark="#000",
        light="#fff",
        svgclass="epc-qr",
        lineclass=None,
    )


def _clean(value, what: str) -> str:
    value = (value or "").strip()
    if _CONTROL.search(value):
        raise ValueError(f"The {what} contains a line break or control character.")
    return value


def _format_amount(amount) -> str:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise ValueError("The amount must be a Decimal (never a float).")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError("The amount must be a number.")
    cents = amount.quantize(Decimal("0.01"))
    if cents != amount:
        raise ValueError("The amount has more than two decimals.")
    if not MIN_AMOUNT <= cents <= MAX_AMOUNT:
        raise ValueError(f"The amount must be between {MIN_AMOUNT} and {MAX_AMOUNT} euro.")
    return f"{cents:.2f}"


def _valid_creditor_reference(reference: str) -> bool:
    """ISO 11649: ``RF``, two check digits, up to 21 letters and digits; mod 97 of the rearranged
    reference is 1."""
    if not 5 <= len(reference) <= 25 or not reference[2:4].isdigit():
        return False
    return _mod97(reference[4:] + reference[:4]) == 1


def _mod97(text: str) -> int:
    """ISO 7064 mod 97-10 over letters and digits, letters counting as 10 (A) to 35 (Z)."""
    return int("".join(str(int(char, 36)) for char in text)) % 97
