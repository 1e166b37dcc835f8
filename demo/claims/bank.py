"""The bank's side of the demo claims: the days the monthly statements run to, the payers' IBANs
and names as a bank shows them, and ``statement``, which writes a CAMT.053 statement as a Dutch
bank exports it.
"""

from datetime import timedelta
from xml.sax.saxutils import escape

from django.utils import timezone

from demo.claims.tables import ACCOUNT, BANKS, STATEMENT_DAYS, STATEMENTS
from plumbing.epc import normalise_iban


def _statement_days(today) -> list:
    """The first day of the first statement, then the day each statement is imported: a month
    apart and on a working day; the last one today, running up to yesterday."""
    days = [today]
    for _ in range(STATEMENTS):
        day = days[0] - timedelta(days=STATEMENT_DAYS)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        days.insert(0, day)
    return days


def _iban(rng) -> str:
    """A fictitious Dutch IBAN with valid check digits."""
    body = rng.choice(BANKS) + f"{rng.randrange(10**9):010d}"
    digits = "".join(str(int(char, 36)) for char in body + "NL00")
    return normalise_iban(f"NL{98 - int(digits) % 97:02d}{body}")


def _payer_name(full_name, rng):
    """How the bank names the payer: the offender, sometimes a parent with the same surname."""
    first, *rest = full_name.split()
    initial = first[0] if rng.random() < 0.8 else rng.choice("ACEGHJKMPRSW")
    family = " ".join(rest)
    return rng.choice((f"{initial}. {family}", f"{initial} {family}".upper()))


def _grouped(reference):
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


# --- the bank statement --------------------------------------------------------------------------


def statement(entries, *, statement_id, created_at, account=ACCOUNT) -> bytes:
    """A CAMT.053 statement as a Dutch bank exports it. ``entries``: dicts with day, amount and
    bank_ref (the bank's own reference), and optionally ref (a structured RF reference), text
    (free remittance text), name, iban and debit (True for money going out)."""
    stamp = timezone.localtime(created_at).strftime("%Y-%m-%dT%H:%M:%S")
    lines = "".join(_statement_entry(entry) for entry in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{escape(statement_id)}</MsgId><CreDtTm>{stamp}</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{escape(statement_id)}</Id>
      <CreDtTm>{stamp}</CreDtTm>
      <Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>{lines}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def _statement_entry(entry):
    remittance = ""
    if entry.get("ref"):
        remittance = (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr>"
            f"</Tp><Ref>{escape(entry['ref'])}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    elif entry.get("text"):
        remittance = f"<RmtInf><Ustrd>{escape(entry['text'])}</Ustrd></RmtInf>"
    debit = entry.get("debit", False)
    party = "Cdtr" if debit else "Dbtr"
    party_account = ""
    if entry.get("iban"):
        party_account = f"<{party}Acct><Id><IBAN>{entry['iban']}</IBAN></Id></{party}Acct>"
    return f"""
      <Ntry>
        <Amt Ccy="EUR">{entry["amount"]:.2f}</Amt>
        <CdtDbtInd>{"DBIT" if debit else "CRDT"}</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{entry["day"]:%Y-%m-%d}</Dt></BookgDt>
        <ValDt><Dt>{entry["day"]:%Y-%m-%d}</Dt></ValDt>
        <AcctSvcrRef>{entry["bank_ref"]}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties>
            <{party}><Nm>{escape(entry.get("name", ""))}</Nm></{party}>
            {party_account}
          </RltdPties>
          {remittance}
        </TxDtls></NtryDtls>
      </Ntry>"""
