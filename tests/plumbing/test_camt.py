"""Bank statements in CAMT.053 XML (plumbing.camt)."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from plumbing.camt import MAX_BYTES, StatementError, find_rf_reference, parse_statement

SAMPLES = Path(__file__).parent / "camt"
NOT_CAMT053 = "not a CAMT.053 bank statement"


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English; the site's default language is Dutch.
    with translation.override("en"):
        yield


def sample(name):
    return (SAMPLES / name).read_bytes()


def refused(data):
    with pytest.raises(StatementError) as caught:
        parse_statement(data)
    return str(caught.value)


def test_ing_statement_with_credits_and_a_debit():
    structured, in_text, bare, debit = parse_statement(sample("ing_camt053_001_02.xml"))

    assert {entry.account_iban for entry in (structured, in_text, bare, debit)} == {
        "NL69INGB0123456789"
    }
    assert structured.key == "2024030400123456789"
    assert structured.booked_on == date(2024, 3, 4)
    assert structured.amount == Decimal("250.00")
    assert structured.currency == "EUR"
    assert structured.credit and not structured.reversal
    assert structured.reference == "RF65KVO2024000123"
    assert structured.remittance == ""
    assert structured.counterparty_name == "Bakkerij De Korenschoof"
    assert structured.counterparty_iban == "NL91ABNA0417164300"
    assert structured.end_to_end_id == "KVO-2024-0123"

    assert in_text.amount == Decimal("175.50")
    assert str(in_text.amount) == "175.50"
    assert in_text.reference == ""
    assert in_text.remittance == "Contributie KVO winkelgebied 2024 kenmerk RF18 5390 0754 7034"
    assert find_rf_reference(in_text.remittance) == "RF18539007547034"
    assert in_text.counterparty_iban == "NL44RABO0123456789"
    assert in_text.end_to_end_id == ""

    assert bare.credit
    assert (bare.reference, bare.remittance, bare.end_to_end_id) == ("", "", "")
    assert bare.amount == Decimal("42.00")  # the entry's amount: TxDtls has none
    assert bare.counterparty_name == "J. de Vries"

    assert not debit.credit
    assert debit.amount == Decimal("25.00")
    assert debit.counterparty_name == "Drukkerij Het Anker B.V."
    assert debit.counterparty_iban == "NL86INGB0002445588"
    assert debit.remittance == "Factuur 2024-118 stickers KVO"


def test_rabobank_statement_of_a_newer_version():
    credit, reversal = parse_statement(sample("rabobank_camt053_001_08.xml"))

    assert credit.account_iban == "NL44RABO0123456789"
    assert credit.booked_on == date(2024, 6, 10)  # from BookgDt/DtTm
    assert credit.amount == Decimal("99.95")
    assert credit.credit
    assert credit.counterparty_name == "Fietsenmaker Jansen"  # Dbtr/Pty/Nm
    assert credit.counterparty_iban == "NL18RABO0123459876"
    assert credit.reference == "RF8920240042"
    assert credit.key == "RABO-000041234567"

    # A reversed incoming payment: money leaves the account again.
    assert reversal.reversal
    assert not reversal.credit
    assert reversal.counterparty_name == "Kapsalon Knip & Go"
    assert reversal.counterparty_iban == "NL39RABO0300065264"


def test_pending_entries_are_skipped():
    entries = parse_statement(sample("rabobank_camt053_001_08.xml"))
    assert Decimal("15.00") not in {entry.amount for entry in entries}


def test_batch_entry_gives_one_entry_per_transaction():
    first, second = parse_statement(sample("abnamro_batch_camt053_001_04.xml"))

    assert (first.amount, second.amount) == (Decimal("120.00"), Decimal("180.00"))
    assert (first.counterparty_name, second.counterparty_name) == (
        "Slagerij Bakker",
        "Juwelier Goudsmit",
    )
    assert (first.end_to_end_id, second.end_to_end_id) == (
        "KVO-INC-2024-0007",
        "KVO-INC-2024-0008",
    )
    assert (first.key, second.key) == ("ABN0902BATCH0001/1", "ABN0902BATCH0001/2")
    assert first.booked_on == second.booked_on == date(2024, 9, 2)


@pytest.mark.parametrize(
    "name",
    [
        "ing_camt053_001_02.xml",
        "rabobank_camt053_001_08.xml",
        "abnamro_batch_camt053_001_04.xml",
        "bunq_no_refs_camt053_001_02.xml",
    ],
)
def test_keys_are_stable_and_distinct(name):
    keys = [entry.key for entry in parse_statement(sample(name))]
    assert keys == [entry.key for entry in parse_statement(sample(name))]
    assert len(set(keys)) == len(keys)
    assert all(keys)


def test_statement_without_bank_references_gets_hash_keys():
    first, twin, costs = parse_statement(sample("bunq_no_refs_camt053_001_02.xml"))

    assert all(re.fullmatch(r"[0-9a-f]{64}", entry.key) for entry in (first, twin, costs))
    # Two identical payments on one day stay two entries.
    assert first.key != twin.key
    assert (first.amount, first.remittance) == (twin.amount, twin.remittance)
    # A second statement in the file, for another account; no BookgDt, so the value date.
    assert costs.account_iban == "NL13TEST0123456789"
    assert costs.booked_on == date(2024, 10, 30)
    assert not costs.credit


def test_hash_keys_do_not_depend_on_other_entries_in_the_file():
    data = sample("bunq_no_refs_camt053_001_02.xml")
    keys = [entry.key for entry in parse_statement(data)]
    without_first_statement = re.sub(rb"<Stmt>.*?</Stmt>", b"", data, count=1, flags=re.S)
    assert [entry.key for entry in parse_statement(without_first_statement)] == keys[2:]


def test_refuses_a_camt054_notification():
    message = refused(sample("camt054_notification.xml"))
    assert NOT_CAMT053 in message
    assert "MT940 is not supported" in message


def test_refuses_mt940():
    assert "MT940 is not supported" in refused(sample("ing_mt940.sta"))


def test_refuses_html():
    page = b"<!DOCTYPE html>\n<html><head><title>Inloggen</title></head><body></body></html>"
    assert NOT_CAMT053 in refused(page)
    assert NOT_CAMT053 in refused(b"<html><body><p>Mijn ING</p></body></html>")


@pytest.mark.parametrize("data", [b"", b"  \n"])
def test_refuses_an_empty_file(data):
    assert refused(data) == "The file is empty."


def test_refuses_entity_expansion():
    billion_laughs = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol3;</Document>"""
    assert NOT_CAMT053 in refused(billion_laughs)


def test_refuses_an_external_entity():
    data = sample("ing_camt053_001_02.xml").replace(
        b'<?xml version="1.0" encoding="UTF-8"?>',
        b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    )
    data = data.replace(b"<Nm>J. de Vries</Nm>", b"<Nm>&x;</Nm>")
    assert NOT_CAMT053 in refused(data)


def test_refuses_an_amount_with_three_decimals():
    data = ing_with_entry(3, (b">42.00<", b">42.001<"))
    message = refused(data)
    assert "Entry 3 has an invalid amount" in message
    assert "42.001" in message


@pytest.mark.parametrize("amount", [b"-42.00", b"42,00", b"", b"1e3", b"\xd9\xa4\xd9\xa2"])
def test_refuses_other_malformed_amounts(amount):
    data = ing_with_entry(3, (b">42.00<", b">" + amount + b"<"))
    assert "invalid amount" in refused(data)


def ing_with_entry(number, *replacements):
    """The ING sample with text replaced inside its `number`th entry only."""
    head, *entries = sample("ing_camt053_001_02.xml").split(b"<Ntry>")
    for old, new in replacements:
        assert old in entries[number - 1]
        entries[number - 1] = entries[number - 1].replace(old, new)
    return b"<Ntry>".join([head, *entries])


def test_refuses_missing_mandatory_pieces():
    no_amount = ing_with_entry(3, (b'<Amt Ccy="EUR">42.00</Amt>', b""))
    assert refused(no_amount) == "Entry 3 has no amount."
    no_date = ing_with_entry(
        3,
        (b"<BookgDt><Dt>2024-03-04</Dt></BookgDt>", b""),
        (b"<ValDt><Dt>2024-03-04</Dt></ValDt>", b""),
    )
    assert refused(no_date) == "Entry 3 has no booking date."
    no_indicator = ing_with_entry(4, (b"<CdtDbtInd>DBIT</CdtDbtInd>", b""))
    assert refused(no_indicator) == "Entry 4 does not say whether it is a credit or a debit."
    no_account = sample("ing_camt053_001_02.xml").replace(b"NL69INGB0123456789", b"")
    assert "which account" in refused(no_account)


def test_refuses_an_amount_missing_from_one_transaction_of_a_batch():
    data = sample("abnamro_batch_camt053_001_04.xml").replace(b'<Amt Ccy="EUR">180.00</Amt>', b"")
    assert refused(data) == "Entry 1 has no amount."


def test_refuses_an_invalid_date():
    data = ing_with_entry(2, (b"<BookgDt><Dt>2024-03-04", b"<BookgDt><Dt>2024-02-30"))
    assert "Entry 2 has an invalid date" in refused(data)


def test_refuses_a_file_over_ten_megabytes():
    data = sample("ing_camt053_001_02.xml")
    padded = data.replace(b"</Document>", b"<!--" + b"x" * MAX_BYTES + b"--></Document>")
    assert "larger than 10 MB" in refused(padded)


def test_refuses_the_whole_file_not_part_of_it():
    # The fourth entry is broken; the three good ones before it are not returned either.
    data = sample("ing_camt053_001_02.xml").replace(b">25.00<", b">25.000<")
    with pytest.raises(StatementError):
        parse_statement(data)


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("RF18 5390 0754 7034", "RF18539007547034"),
        ("RF18539007547034", "RF18539007547034"),
        ("betaling rf18 5390 0754 7034 factuur 12", "RF18539007547034"),
        ("Kenmerk:RF18 5390 0754 7034 2024", "RF18539007547034"),
        ("Contributie, ref. rf65kvo2 0240 0012 3", "RF65KVO2024000123"),
        ("RF19 5390 0754 7034 then RF89 2024 0042", "RF8920240042"),
        ("RF19 5390 0754 7034", ""),  # wrong check digits
        ("REFRF18539007547034", ""),  # not at the start of a word
        ("Factuur 2024-118", ""),
        ("", ""),
    ],
)
def test_find_rf_reference(text, reference):
    assert find_rf_reference(text) == reference
