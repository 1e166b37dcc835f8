"""Bank statements in ISO 20022 CAMT.053 XML, as Dutch banks export them (ING, Rabobank, ABN AMRO,
bunq).

`parse_statement` reads every entry (``Ntry``) of every statement (``Stmt``) in a camt.053 file of
any schema version and returns one `BankEntry` per transaction: an entry that books a batch yields
one `BankEntry` per ``TxDtls``. The whole file is refused with a `StatementError` (and nothing is
returned) when it is not a camt.053 statement or a mandatory piece is missing or malformed.

`credit` follows the bank's credit/debit indicator, which states where the money went: a reversed
incoming payment is a debit with ``reversal`` set. Entries a bank marks as pending or informational
(status PDNG or INFO) are skipped; they come back later as booked entries.

XML is parsed with defusedxml and any DTD is refused, so entity expansion ("billion laughs") and
external entities cannot be used against us.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from itertools import accumulate, takewhile
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.053."

_AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,2})?")
_CENT = Decimal("0.01")
_RF_START = re.compile(r"(?<![A-Za-z0-9])RF([0-9]{2})", re.IGNORECASE)
_RF_TOKENS = re.compile(r"(?:\s*[A-Za-z0-9]+)*")


class StatementError(ValueError):
    """The file cannot be read as a bank statement; the message can be shown to the user."""


@dataclass(frozen=True)
class BankEntry:
    key: str
    account_iban: str
    booked_on: date
    amount: Decimal
    currency: str
    credit: bool
    reversal: bool
    reference: str
    remittance: str
    counterparty_name: str
    counterparty_iban: str
    end_to_end_id: str


def parse_statement(data: bytes) -> list[BankEntry]:
    """All transactions in a camt.053 file, in file order."""
    if len(data) > MAX_BYTES:
        raise StatementError(
            _("The file is larger than %(limit)s MB; a bank statement is much smaller.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise StatementError(_("The file is empty."))
    try:
        root = fromstring(data.lstrip(), forbid_dtd=True)
    except (ParseError, DefusedXmlException, LookupError, ValueError):
        # LookupError, ValueError (UnicodeError among them): the XML declaration names an
        # encoding expat cannot read ("x-foo", "utf-7", "rot13", "idna"). No bank writes one.
        root = None
    ns = _namespace(root)
    statements = None if ns is None else root.find(_path(ns, "BkToCstmrStmt"))
    if statements is None:
        raise StatementError(
            _(
                "This file is not a CAMT.053 bank statement. Download your statement from your "
                "bank in the CAMT.053 (XML) format; MT940 is not supported."
            )
        )
    entries: list[BankEntry] = []
    seen: Counter[tuple] = Counter()  # the "position" of an entry among identical ones
    number = 0
    for statement in statements.iterfind(_path(ns, "Stmt")):
        iban = _compact(_text(statement, ns, "Acct/Id/IBAN"))
        if not iban:
            raise StatementError(_("The statement does not say which account (IBAN) it is for."))
        for ntry in statement.iterfind(_path(ns, "Ntry")):
            number += 1
            status = _text(ntry, ns, "Sts/Cd") or _text(ntry, ns, "Sts")
            if status.upper() in ("PDNG", "INFO"):
                continue
            for entry in _parse_entry(ntry, ns, iban, number):
                if not entry.key:
                    identity = (iban, entry.booked_on, entry.amount, entry.currency, entry.credit)
                    identity += (entry.reference, entry.remittance, entry.counterparty_iban)
                    key = _hash_key(*identity, seen[identity])
                    seen[identity] += 1
                    entry = replace(entry, key=key)
                entries.append(entry)
    return entries


def _parse_entry(ntry: Element, ns: str, iban: str, number: int) -> list[BankEntry]:
    """One BankEntry per transaction of an entry; key is "" when the bank gives no reference."""
    amount, currency = _amount(ntry, ns, "Amt", number)
    if amount is None:
        raise StatementError(_("Entry %(number)s has no amount.") % {"number": number})
    credit = _credit(_text(ntry, ns, "CdtDbtInd"), number)
    booked_on = _date(ntry, ns, "BookgDt", number) or _date(ntry, ns, "ValDt", number)
    if booked_on is None:
        raise StatementError(_("Entry %(number)s has no booking date.") % {"number": number})
    reversal = _text(ntry, ns, "RvslInd").lower() in ("true", "1")
    entry_ref = _text(ntry, ns, "AcctSvcrRef")
    details = list(ntry.iterfind(_path(ns, "NtryDtls/TxDtls")))
    result = []
    for index, tx in enumerate(details or [Element("TxDtls")], start=1):
        tx_amount, tx_currency = _amount(tx, ns, "Amt", number)
        if tx_amount is None:
            tx_amount, tx_currency = _amount(tx, ns, "AmtDtls/TxAmt/Amt", number)
        if tx_amount is None:
            if len(details) > 1:
                raise StatementError(_("Entry %(number)s has no amount.") % {"number": number})
            tx_amount, tx_currency = amount, currency
        indicator = _text(tx, ns, "CdtDbtInd")
        tx_credit = _credit(indicator, number) if indicator else credit
        party = "Dbtr" if tx_credit else "Cdtr"
        references = tx.iterfind(_path(ns, "RmtInf/Strd/CdtrRefInf/Ref"))
        unstructured = (
            " ".join((el.text or "").split()) for el in tx.iterfind(_path(ns, "RmtInf/Ustrd"))
        )
        end_to_end = _text(tx, ns, "Refs/EndToEndId")
        if entry_ref:
            key = f"{entry_ref}/{index}" if len(details) > 1 else entry_ref
        else:
            key = _text(tx, ns, "Refs/AcctSvcrRef")
        result.append(
            BankEntry(
                key=key,
                account_iban=iban,
                booked_on=booked_on,
                amount=tx_amount,
                currency=tx_currency,
                credit=tx_credit,
                reversal=reversal,
                reference=next(filter(None, (_compact(el.text) for el in references)), ""),
                remittance=" ".join(filter(None, unstructured)),
                counterparty_name=_text(tx, ns, f"RltdPties/{party}/Nm")
                or _text(tx, ns, f"RltdPties/{party}/Pty/Nm"),
                counterparty_iban=_compact(_text(tx, ns, f"RltdPties/{party}Acct/Id/IBAN")),
                end_to_end_id="" if end_to_end.upper() == "NOTPROVIDED" else end_to_end,
            )
        )
    return result


def find_rf_reference(text: str) -> str:
    """The first ISO 11649 creditor reference ("RF18 5390 0754 7034") with valid check digits in
    free text, upper-case without spaces; "" when there is none."""
    for match in _RF_START.finditer(text or ""):
        groups = _RF_TOKENS.match(text, match.end()).group().upper().split()
        bodies = list(takewhile(lambda body: len(body) <= 21, accumulate(groups)))
        # Longest first, cut only between groups: "RF18 5390 0754 7034 2024" is RF18539007547034.
        for body in reversed(bodies):
            if _mod97(f"{body}RF{match.group(1)}") == 1:
                return f"RF{match.group(1)}{body}"
    return ""


def _mod97(text: str) -> int:
    return int("".join(str(int(char, 36)) for char in text)) % 97


def _namespace(root: Element | None) -> str | None:
    if root is None or not root.tag.startswith("{") or not root.tag.endswith("}Document"):
        return None
    ns = root.tag[1 : -len("}Document")]
    return ns if ns.startswith(NAMESPACE_PREFIX) else None


def _path(ns: str, path: str) -> str:
    return "/".join(f"{{{ns}}}{part}" for part in path.split("/"))


def _text(element: Element, ns: str, path: str) -> str:
    found = element.find(_path(ns, path))
    return (found.text or "").strip() if found is not None else ""


def _compact(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def _amount(element: Element, ns: str, path: str, number: int) -> tuple[Decimal | None, str]:
    found = element.find(_path(ns, path))
    if found is None:
        return None, ""
    text = (found.text or "").strip()
    if not _AMOUNT.fullmatch(text) or not found.get("Ccy", "").strip():
        raise StatementError(
            _("Entry %(number)s has an invalid amount “%(amount)s”.")
            % {"number": number, "amount": text[:30]}
        )
    return Decimal(text).quantize(_CENT), found.get("Ccy").strip().upper()


def _credit(indicator: str, number: int) -> bool:
    if indicator not in ("CRDT", "DBIT"):
        raise StatementError(
            _("Entry %(number)s does not say whether it is a credit or a debit.")
            % {"number": number}
        )
    return indicator == "CRDT"


def _date(ntry: Element, ns: str, path: str, number: int) -> date | None:
    text = _text(ntry, ns, f"{path}/Dt") or _text(ntry, ns, f"{path}/DtTm")[:10]
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise StatementError(
            _("Entry %(number)s has an invalid date “%(date)s”.")
            % {"number": number, "date": text[:30]}
        ) from None


def _hash_key(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
