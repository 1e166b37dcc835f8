"""The claim letter and its reminder: rendered from a snapshot alone, one A4 page, Dutch amounts
and dates, and an EPC QR code that a banking app can read."""

import copy
import io
import re
from decimal import Decimal

import pypdfium2
import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from claims import letters as claim_letters
from tests.conftest import ROOT
from tests.qr import decode_qr_codes

ARTIFACTS = ROOT / "test-artifacts" / "letters"
IBAN = "NL91ABNA0417164300"
REFERENCE = "RF75DEV202600042"  # ISO 11649: the check digits are right

OBJECTION = {
    "address_lines": ["Stichting KVO Deventer", "Postbus 5000", "7400 GC Deventer"],
    "email": "bezwaar@kvo-deventer.example.nl",
    "phone": "0570 000 000",
    "term_weeks": 6,
}

CLAIM = {
    "version": 2,
    "language": "nl",
    "number": "DEV-2026-00042",
    "reference": REFERENCE,
    "sent_on": "2026-11-26",
    "due_on": "2026-12-11",
    "partnership": {"name": "KVO Deventer", "municipality": "Deventer"},
    "objection": OBJECTION,
    "person": {
        "full_name": "Joëlle d'Hoogh",
        "address": "Brinkstraat 1, 7411 AB Deventer",
        "residence": "Deventer",
        "birth_date": "2001-02-03",
    },
    "incident": {
        "reference": "DEV-I-000123",
        "date": "2026-11-02",
        "shop": {
            "name": "Slijterij De Waag",
            "address": "Brink 56",
            "postcode": "7411 BV",
            "city": "Deventer",
        },
    },
    "fixed_amount": "181.00",
    "lines": [
        {"description": "Twee flessen wijn", "amount": "24.98"},
    ],
    "total": "205.98",
    "payment": {
        "beneficiary": "Stichting KVO Deventer",
        "iban": IBAN,
        "amount": "205.98",
        "reference": REFERENCE,
    },
    "signed_by": "J. de Vries",
}

REMINDER = copy.deepcopy(CLAIM) | {
    "reminded_on": "2026-12-14",
    "reminder_due_on": "2026-12-28",
    "paid": "50.00",
    "outstanding": "155.98",
    "announced_costs": "40.00",
}
REMINDER["payment"]["amount"] = "155.98"


@pytest.fixture(autouse=True)
def _no_weasyprint_warnings(caplog):
    """A CSS typo or an unsupported property shows up as a WeasyPrint warning: fail on it.

    Reads the records of the test's call phase: in teardown ``caplog.records`` holds only the
    teardown's own. The font-subsetting notice is about the machine's HarfBuzz, not the letter.
    """
    caplog.set_level("WARNING", logger="weasyprint")
    yield
    warnings = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.name.startswith("weasyprint") and "HarfBuzz-Subset" not in r.getMessage()
    ]
    assert warnings == []


def claim(**changes) -> dict:
    snapshot = copy.deepcopy(CLAIM)
    snapshot.update(changes)
    return snapshot


def pages(pdf: bytes) -> list:
    return PdfReader(io.BytesIO(pdf)).pages


def text(pdf: bytes) -> str:
    """The first page's text, whitespace (no-break spaces too) collapsed: lines wrap anywhere."""
    return " ".join(pages(pdf)[0].extract_text().replace("\xa0", " ").split())


def qr_lines(pdf: bytes) -> list[str]:
    codes = decode_qr_codes(pdf)
    assert len(codes) == 1
    return codes[0].split("\n")


def test_the_claim_letter_states_the_claim_in_dutch_on_one_page():
    pdf = claim_letters.render_claim_letter(claim(lines=[*CLAIM["lines"]]))

    assert len(pages(pdf)) == 1
    page = text(pdf)
    assert "DEV-2026-00042" in page
    assert "DEV-I-000123" in page
    assert "Joëlle d'Hoogh" in page
    assert "Brinkstraat 1, 7411 AB Deventer" in page
    assert page.count("Deventer Deventer") == 0  # the town is in the address already
    assert "26 november 2026" in page  # the letter's date
    assert "2 november 2026" in page  # the incident
    assert "Slijterij De Waag" in page
    assert "€ 181,00" in page
    assert "Twee flessen wijn € 24,98" in page
    assert "€ 205,98" in page
    assert "205.98" not in page
    assert "NL91 ABNA 0417 1643 00" in page
    assert "Stichting KVO Deventer" in page
    assert REFERENCE in page
    assert "11 december 2026" in page  # the due date
    assert "6:162" in page
    assert "J. de Vries" in page


def test_the_claim_letter_qr_code_pays_the_total_to_the_partnership():
    lines = qr_lines(claim_letters.render_claim_letter(claim()))

    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert "Stichting KVO Deventer" in lines
    assert IBAN in lines
    assert "EUR205.98" in lines
    assert REFERENCE in lines


def test_three_lines_of_direct_damage_still_fit_on_one_page():
    lines = [
        {"description": "Twee flessen wijn", "amount": "24.98"},
        {"description": "Beschadigde verpakking parfum (onverkoopbaar)", "amount": "89.95"},
        {"description": "Beveiligingslabel vernield", "amount": "1250.00"},
    ]
    snapshot = claim(lines=lines, total="1545.93")
    snapshot["payment"]["amount"] = "1545.93"
    pdf = claim_letters.render_claim_letter(snapshot)

    assert len(pages(pdf)) == 1
    page = text(pdf)
    assert "Beveiligingslabel vernield € 1.250,00" in page
    assert "€ 1.545,93" in page
    assert "EUR1545.93" in qr_lines(pdf)


def test_a_minor_is_asked_to_show_the_letter_to_a_parent():
    fifteen = claim(person=CLAIM["person"] | {"birth_date": "2011-05-04"})
    seventeen_tomorrow = claim(person=CLAIM["person"] | {"birth_date": "2009-11-03"})
    eighteen_today = claim(person=CLAIM["person"] | {"birth_date": "2008-11-02"})
    marker = "18"

    def mentions_minors(snapshot):
        context = claim_letters._context(snapshot)
        pdf = claim_letters.render_claim_letter(snapshot)
        return context["is_minor"], text(pdf).count(marker)

    minor, with_sentence = mentions_minors(fifteen)
    adult, without_sentence = mentions_minors(claim())
    assert minor and not adult
    assert with_sentence == without_sentence + 1  # the sentence, and nowhere else
    assert claim_letters._context(seventeen_tomorrow)["is_minor"]
    assert not claim_letters._context(eighteen_today)["is_minor"]
    assert not claim_letters._context(claim(person=CLAIM["person"] | {"birth_date": ""}))[
        "is_minor"
    ]


def test_without_an_iban_the_letter_asks_to_contact_the_partnership_and_has_no_qr_code():
    snapshot = claim()
    snapshot["payment"]["iban"] = ""
    pdf = claim_letters.render_claim_letter(snapshot)

    assert decode_qr_codes(pdf) == []
    assert len(pages(pdf)) == 1
    page = text(pdf)
    assert "NL91" not in page
    assert "€ 205,98" in page
    assert "KVO Deventer" in page
    assert "DEV-2026-00042" in page
    assert claim_letters._context(snapshot)["qr_svg"] == ""


def test_a_reference_that_is_no_creditor_reference_goes_in_the_qr_code_as_text():
    snapshot = claim()
    snapshot["payment"]["reference"] = "DEV-2026-00042"
    lines = qr_lines(claim_letters.render_claim_letter(snapshot))

    assert lines[-2:] == ["", "DEV-2026-00042"]  # remittance text, no structured reference


def test_a_wrong_iban_is_refused_rather_than_printed():
    snapshot = claim()
    snapshot["payment"]["iban"] = "NL91ABNA0417164301"
    with pytest.raises(ValueError):
        claim_letters.render_claim_letter(snapshot)


def test_the_context_holds_dates_and_decimals():
    context = claim_letters._context(REMINDER)

    assert context["due_on"].isoformat() == "2026-12-11"
    assert context["pay_by"].isoformat() == "2026-12-28"
    assert context["outstanding"] == Decimal("155.98")
    assert context["lines"][0]["amount"] == Decimal("24.98")
    assert context["address_lines"] == ["Brinkstraat 1, 7411 AB Deventer"]
    assert claim_letters._context(CLAIM)["pay_by"].isoformat() == "2026-12-11"


def test_the_reminder_announces_the_collection_costs_on_one_page():
    pdf = claim_letters.render_reminder_letter(copy.deepcopy(REMINDER))

    assert len(pages(pdf)) == 1
    page = text(pdf)
    assert "DEV-2026-00042" in page
    assert "14 december 2026" in page  # the reminder's date
    assert "26 november 2026" in page  # the claim's date
    assert "11 december 2026" in page  # the first term
    assert "28 december 2026" in page  # the new term
    assert "€ 205,98" in page
    assert "€ 50,00" in page
    assert "€ 155,98" in page
    assert "€ 40,00" in page
    assert "6:96" in page
    assert "6:162" in page
    assert "NL91 ABNA 0417 1643 00" in page


def test_the_reminder_qr_code_pays_the_outstanding_amount():
    lines = qr_lines(claim_letters.render_reminder_letter(copy.deepcopy(REMINDER)))

    assert IBAN in lines
    assert "EUR155.98" in lines
    assert "EUR205.98" not in lines
    assert REFERENCE in lines


def test_a_reminder_without_any_payment_and_without_an_iban():
    snapshot = copy.deepcopy(REMINDER) | {"paid": "0.00", "outstanding": "205.98"}
    snapshot["payment"] |= {"amount": "205.98", "iban": ""}
    pdf = claim_letters.render_reminder_letter(snapshot)

    assert decode_qr_codes(pdf) == []
    assert len(pages(pdf)) == 1
    page = text(pdf)
    assert "€ 0,00" in page
    assert "€ 205,98" in page
    assert "€ 40,00" in page
    assert "NL91" not in page


def weeks_stated(page, weeks) -> bool:
    # The term as the letter words it, in Dutch once the catalogue has the new sentence.
    return bool(re.search(rf"\b{weeks} weken\b", page))


def test_the_claim_letter_says_where_how_and_by_when_to_object():
    page = text(claim_letters.render_claim_letter(claim()))

    assert "Stichting KVO Deventer, Postbus 5000, 7400 GC Deventer" in page
    assert "bezwaar@kvo-deventer.example.nl" in page
    assert "0570 000 000" in page
    assert weeks_stated(page, 6)
    assert "7 januari 2027" in page  # 26 November 2026 and six weeks
    assert page.count("DEV-2026-00042") >= 3  # the heading, the objection, the footer


def test_the_reminder_repeats_where_to_object_from_the_claim():
    page = text(claim_letters.render_reminder_letter(copy.deepcopy(REMINDER)))

    assert "Stichting KVO Deventer, Postbus 5000, 7400 GC Deventer" in page
    assert "bezwaar@kvo-deventer.example.nl" in page and "0570 000 000" in page
    assert "7 januari 2027" in page  # counted from the claim's date, not the reminder's


def test_without_an_objection_address_the_claim_letter_names_the_partnership():
    snapshot = claim(objection=OBJECTION | {"address_lines": [], "email": "", "phone": ""})
    pdf = claim_letters.render_claim_letter(snapshot)

    assert len(pages(pdf)) == 1
    page = text(pdf)
    assert "Postbus" not in page and "@" not in page
    assert weeks_stated(page, 6) and "7 januari 2027" in page
    assert re.search(r"(aan|to) KVO Deventer", page)


def test_a_claim_letter_sent_before_the_objection_contact_keeps_its_wording():
    old = {key: value for key, value in claim(version=1).items() if key != "objection"}

    page = text(claim_letters.render_claim_letter(old))

    assert "Schrijf dan binnen de betalingstermijn, dus uiterlijk op 11 december 2026" in page
    assert "binnen de betalingstermijn" not in text(claim_letters.render_claim_letter(claim()))


def test_a_sent_claim_keeps_the_objection_contact_it_was_sent_with(world):
    deventer = world.deventer
    deventer.objection_address = "Stichting KVO Deventer\nPostbus 5000\n7400 GC Deventer"
    deventer.objection_email = "bezwaar@kvo-deventer.example.nl"
    deventer.objection_phone = "0570 000 000"
    deventer.objection_term_weeks = 10
    deventer.save()
    sent = world.claim

    deventer.objection_address = "KVO Deventer\nKeizerstraat 1\n7411 HE Deventer"
    deventer.objection_term_weeks = 3
    deventer.save()

    sent.refresh_from_db()
    assert sent.snapshot["letter"]["objection"] == OBJECTION | {"term_weeks": 10}
    with default_storage.open(sent.letter.name, "rb") as handle:
        page = text(handle.read())
    assert "Stichting KVO Deventer, Postbus 5000, 7400 GC Deventer" in page
    assert "bezwaar@kvo-deventer.example.nl" in page and "0570 000 000" in page
    assert weeks_stated(page, 10) and "Keizerstraat" not in page


def test_render_the_letters_to_png_for_a_human():
    """Writes test-artifacts/letters/*.png (git-ignored): look at them after a change."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    minor = claim(person=CLAIM["person"] | {"birth_date": "2011-05-04"})
    minor["lines"] = [
        {"description": "Twee flessen wijn", "amount": "24.98"},
        {"description": "Beschadigde verpakking parfum (onverkoopbaar)", "amount": "89.95"},
        {"description": "Beveiligingslabel vernield", "amount": "12.50"},
    ]
    minor["total"] = minor["payment"]["amount"] = "308.43"
    no_iban = claim()
    no_iban["payment"]["iban"] = ""
    letters = {
        "claim": claim_letters.render_claim_letter(claim()),
        "claim-minor-three-lines": claim_letters.render_claim_letter(minor),
        "claim-no-iban": claim_letters.render_claim_letter(no_iban),
        "reminder": claim_letters.render_reminder_letter(copy.deepcopy(REMINDER)),
    }
    for name, pdf in letters.items():
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
        document = pypdfium2.PdfDocument(pdf)
        try:
            assert len(document) == 1, name
            document[0].render(scale=80 / 72).to_pil().save(ARTIFACTS / f"{name}.png")
        finally:
            document.close()
    assert {path.stem for path in ARTIFACTS.glob("*.png")} >= set(letters)
