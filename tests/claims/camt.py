"""A CAMT.053 statement as a Dutch bank exports it, made to measure for a test."""

from xml.sax.saxutils import escape

from django.utils import timezone

ACCOUNT = "NL91ABNA0417164300"


def statement(payments, *, account=ACCOUNT, statement_id="2026-330") -> bytes:
    """``payments``: dicts with amount ("205.98"), and optionally ref (structured RF
    reference), text (free remittance text), name, iban, day ("2026-11-25"), bank_ref
    (AcctSvcrRef), debit (True for money going out), reversal (True for a reversal).
    Payments are booked today unless a day is given: a claim sent today cannot be paid before."""
    entries = "".join(_entry(i, p) for i, p in enumerate(payments, start=1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>2026-11-26T07:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <CreDtTm>2026-11-26T07:00:00</CreDtTm>
      <Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>{entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def _entry(number, p):
    remittance = ""
    if p.get("ref"):
        remittance = (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr>"
            f"</Tp><Ref>{escape(p['ref'])}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    elif p.get("text"):
        remittance = f"<RmtInf><Ustrd>{escape(p['text'])}</Ustrd></RmtInf>"
    day = p.get("day", timezone.localdate().isoformat())
    bank_ref = p.get("bank_ref", f"{day.replace('-', '')}{number:08d}")
    side = "DBIT" if p.get("debit") else "CRDT"
    party = "Cdtr" if p.get("debit") else "Dbtr"
    return f"""
      <Ntry>
        <Amt Ccy="EUR">{p["amount"]}</Amt>
        <CdtDbtInd>{side}</CdtDbtInd>
        {"<RvslInd>true</RvslInd>" if p.get("reversal") else ""}
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <ValDt><Dt>{day}</Dt></ValDt>
        <AcctSvcrRef>{bank_ref}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties>
            <{party}><Nm>{escape(p.get("name", "K. Bakker"))}</Nm></{party}>
            <{party}Acct><Id><IBAN>{p.get("iban", "NL69INGB0123456789")}</IBAN></Id></{party}Acct>
          </RltdPties>
          {remittance}
        </TxDtls></NtryDtls>
      </Ntry>"""
