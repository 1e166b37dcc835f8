"""The notice letter: issued once for an active measure, a snapshot that later edits never touch."""

import io
import re
import shutil
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import dateformat, translation
from pypdf import PdfReader

from bans import notices
from bans.models import MeasureKind, NoticeLetter
from bans.services import RegisterError
from merchants.models import AuditEvent
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.conftest import ROOT, skip_or_fail
from tests.factories import ShopFactory
from tests.incidents.factories import report

ARTIFACTS = ROOT / "test-artifacts" / "pdf"
START, END = date(2026, 3, 2), date(2027, 3, 1)
FULL_NAME = "Joëlle d'Hoogh"
OBJECTION = {
    "objection_address": "Stichting KVO Deventer\nPostbus 5000\n7400 GC Deventer",
    "objection_email": "bezwaar@kvo-deventer.example.nl",
    "objection_phone": "0570 000 000",
    "objection_term_weeks": 8,
}
ADDRESS = "Brinkstraat 12, 7411 AB Deventer"


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def all_text(pdf: bytes) -> str:
    """Every page's text with whitespace collapsed: lines wrap anywhere."""
    return " ".join(" ".join(pages_text(pdf)).split())


def dutch(day: date) -> str:
    with translation.override("nl"):
        return dateformat.format(day, "j F Y")


def stored_files() -> list[Path]:
    root = Path(default_storage.location)
    return sorted(path for path in root.rglob("*.pdf")) if root.exists() else []


@pytest.fixture(autouse=True)
def _no_weasyprint_warnings(caplog):
    """A CSS typo or an unsupported property shows up as a WeasyPrint warning: fail on it."""
    caplog.set_level("WARNING", logger="weasyprint")
    yield
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert warnings == []


@pytest.fixture
def officer(world):
    officer = world.users["officer"]
    officer.full_name = "Noor de Wit"
    officer.save()
    return officer


@pytest.fixture
def person(world):
    return PersonFactory(
        partnership=world.deventer,
        display_name="Joëlle d.",
        full_name=FULL_NAME,
        address=ADDRESS,
        residence="Deventer",
        birth_date=date(1998, 5, 4),
    )


@pytest.fixture
def incident(world):
    return report(world.users["participant"], world.shop)


@pytest.fixture
def red_card(person, incident):
    return MeasureFactory(
        person=person, kind=MeasureKind.RED, incident=incident, starts_on=START, ends_on=END
    )


def test_a_proposed_measure_gets_no_notice(world, officer):
    with pytest.raises(RegisterError):
        notices.issue_notice(world.measure, actor=officer)

    assert not NoticeLetter.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("trait", ["expired", "revoked"])
def test_an_ended_measure_gets_no_notice(officer, person, trait):
    measure = MeasureFactory(person=person, kind=MeasureKind.RED, **{trait: True})

    with pytest.raises(RegisterError):
        notices.issue_notice(measure, actor=officer)
    assert not NoticeLetter.objects.exists()


def test_only_the_officer_issues_a_notice(world, red_card):
    for role in ("administrator", "coordinator", "participant", "other_coordinator"):
        with pytest.raises(RegisterError):
            notices.issue_notice(red_card, actor=world.users[role])
    assert not NoticeLetter.objects.exists()


def test_an_active_red_card_gets_one_stored_letter(world, officer, red_card):
    notice = notices.issue_notice(red_card, actor=officer)

    assert NoticeLetter.objects.get() == notice
    assert notice.measure == red_card and notice.issued_by == officer
    assert notice.pdf.name.startswith("notices/") and notice.pdf.name.endswith(".pdf")
    assert stored_files() == [Path(default_storage.path(notice.pdf.name))]
    assert notices.notice_pdf_bytes(notice).startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="bans.notice.issued")
    assert (event.actor, event.partnership, event.object_id) == (
        officer,
        world.deventer,
        str(notice.pk),
    )


def test_issuing_twice_returns_the_same_letter(officer, red_card):
    first = notices.issue_notice(red_card, actor=officer)
    pdf = notices.notice_pdf_bytes(first)

    second = notices.issue_notice(red_card, actor=officer)

    assert second.pk == first.pk and second.pdf.name == first.pdf.name
    assert notices.notice_pdf_bytes(second) == pdf
    assert NoticeLetter.objects.count() == 1 and len(stored_files()) == 1
    assert AuditEvent.objects.filter(action="bans.notice.issued").count() == 1


def test_the_letter_states_person_measure_and_facts(world, officer, red_card, incident):
    notice = notices.issue_notice(red_card, actor=officer)

    text = all_text(notices.notice_pdf_bytes(notice))

    assert FULL_NAME in text
    assert ADDRESS in text
    assert "04-05-1998" in text
    assert "138" in text
    assert dutch(START) in text and dutch(END) in text
    assert "Bakkerij Jansen" in text and "Drogisterij Smit" in text
    assert incident.reference in text
    assert "Winkeldiefstal" in text  # the incident type, from the Dutch catalogue
    assert "KVO Deventer" in text and "Binnenstad" in text
    assert "Noor de Wit" in text
    assert notice.snapshot["reference"] in text
    # The town is part of the address already: the addressee block does not repeat it.
    assert "7411 AB Deventer Deventer" not in text


def test_the_snapshot_holds_plain_json(officer, red_card, incident):
    snapshot = notices.issue_notice(red_card, actor=officer).snapshot

    assert snapshot["person"] == {
        "display_name": "Joëlle d.",
        "full_name": FULL_NAME,
        "address": ADDRESS,
        "residence": "Deventer",
        "birth_date": "1998-05-04",
    }
    assert snapshot["measure"]["kind"] == "red"
    assert snapshot["measure"]["kind_label"] == "Rode kaart (collectief winkelverbod)"
    assert (snapshot["measure"]["starts_on"], snapshot["measure"]["ends_on"]) == (
        "2026-03-02",
        "2027-03-01",
    )
    assert snapshot["incident"]["reference"] == incident.reference
    assert snapshot["incident"]["shop"]["name"] == "Bakkerij Jansen"
    assert snapshot["partnership"]["name"] == "KVO Deventer"
    assert snapshot["officer"] == {"name": "Noor de Wit"}
    # Stored as JSON and read back unchanged: only plain types.
    assert NoticeLetter.objects.get().snapshot == snapshot


def test_later_edits_do_not_change_an_issued_letter(world, officer, person, red_card):
    notice = notices.issue_notice(red_card, actor=officer)
    snapshot, pdf = notice.snapshot, notices.notice_pdf_bytes(notice)

    person.address = "Keizerstraat 1, 7411 HE Deventer"
    person.full_name = "Joëlle van Dam"
    person.save()
    world.shop.name = "Bakkerij De Nieuwe"
    world.shop.save()
    world.deventer.name = "KVO Deventer-Oost"
    world.deventer.save()

    notice.refresh_from_db()
    assert notice.snapshot == snapshot
    assert notices.notice_pdf_bytes(notice) == pdf
    again = notices.issue_notice(red_card, actor=officer)
    assert again.pk == notice.pk and notices.notice_pdf_bytes(again) == pdf
    # Even a fresh rendering of the stored snapshot shows what was issued, not today's data.
    text = all_text(notices.render_notice(notice.snapshot))
    assert ADDRESS in text and FULL_NAME in text and "Bakkerij Jansen" in text
    assert "Keizerstraat" not in text and "Joëlle van Dam" not in text
    assert "Bakkerij De Nieuwe" not in text and "Deventer-Oost" not in text


def set_objection_contact(partnership, **values):
    for name, value in values.items():
        setattr(partnership, name, value)
    partnership.save()


def weeks_stated(text, weeks) -> bool:
    # The term as the letter words it, in Dutch once the catalogue has the new sentence.
    return bool(re.search(rf"\b{weeks} weken\b", text))


def test_the_letter_says_where_how_and_by_when_to_object(world, officer, red_card):
    set_objection_contact(world.deventer, **OBJECTION)

    notice = notices.issue_notice(red_card, actor=officer)

    text = all_text(notices.notice_pdf_bytes(notice))
    assert "Stichting KVO Deventer Postbus 5000 7400 GC Deventer" in text
    assert "bezwaar@kvo-deventer.example.nl" in text
    assert "0570 000 000" in text
    assert weeks_stated(text, 8)
    issued_on = date.fromisoformat(notice.snapshot["issued_on"])
    assert dutch(issued_on + timedelta(weeks=8)) in text  # the last day to object
    assert text.count(notice.snapshot["reference"]) >= 3  # header, objection paragraph, footer
    assert notice.snapshot["objection"] == {
        "address_lines": ["Stichting KVO Deventer", "Postbus 5000", "7400 GC Deventer"],
        "email": "bezwaar@kvo-deventer.example.nl",
        "phone": "0570 000 000",
        "term_weeks": 8,
    }


def test_an_issued_letter_keeps_the_objection_contact_it_was_issued_with(world, officer, red_card):
    set_objection_contact(world.deventer, **OBJECTION)
    notice = notices.issue_notice(red_card, actor=officer)

    set_objection_contact(
        world.deventer,
        objection_address="KVO Deventer\nKeizerstraat 1\n7411 HE Deventer",
        objection_email="klacht@example.nl",
        objection_phone="0570 999 999",
        objection_term_weeks=4,
    )

    notice.refresh_from_db()
    assert notice.snapshot["objection"]["address_lines"][1] == "Postbus 5000"
    assert notice.snapshot["objection"]["term_weeks"] == 8
    text = all_text(notices.render_notice(notice.snapshot))
    assert "Postbus 5000" in text and "bezwaar@kvo-deventer.example.nl" in text
    assert "0570 000 000" in text and weeks_stated(text, 8)
    assert "Keizerstraat" not in text and "klacht@example.nl" not in text
    assert "0570 999 999" not in text and not weeks_stated(text, 4)


def test_without_an_objection_address_the_letter_names_the_partnership_and_the_officer(
    world, officer, red_card
):
    notice = notices.issue_notice(red_card, actor=officer)

    text = all_text(notices.notice_pdf_bytes(notice))
    assert notice.snapshot["objection"]["address_lines"] == []
    assert "Postbus" not in text and "@" not in text
    assert weeks_stated(text, 6)
    issued_on = date.fromisoformat(notice.snapshot["issued_on"])
    assert dutch(issued_on + timedelta(weeks=6)) in text
    assert re.search(
        r"(aan|to) KVO Deventer, "
        r"(ter attentie van de wijkagent|for the attention of the community police officer)",
        text,
    )


def test_a_letter_issued_before_the_objection_contact_keeps_its_wording(world, officer, red_card):
    notice = notices.issue_notice(red_card, actor=officer)
    old = {key: value for key, value in notice.snapshot.items() if key != "objection"}
    old["version"] = 1

    text = all_text(notices.render_notice(old))

    assert "binnen zes weken na de datum van deze brief aan KVO Deventer" in text
    # A letter issued now states the partnership's term instead.
    assert "zes weken" not in all_text(notices.notice_pdf_bytes(notice))


def test_data_is_printed_as_text(officer, person, red_card):
    person.full_name = "<b>Joëlle</b> d'Hoogh & co"
    person.description = "<script>alert(1)</script>"
    person.save()

    text = all_text(notices.notice_pdf_bytes(notices.issue_notice(red_card, actor=officer)))

    assert "<b>Joëlle</b> d'Hoogh & co" in text
    assert "<script>" not in text and "alert(1)" not in text  # the description is not shown


def test_an_individual_ban_names_only_the_issuing_shop(world, officer, person, incident):
    ban = MeasureFactory(
        person=person,
        kind=MeasureKind.INDIVIDUAL,
        incident=incident,
        issuing_shop=world.shop,
        starts_on=START,
        ends_on=END,
    )

    notice = notices.issue_notice(ban, actor=officer)

    assert [shop["name"] for shop in notice.snapshot["shops"]] == ["Bakkerij Jansen"]
    assert notice.snapshot["areas"] == ["Binnenstad"]
    text = all_text(notices.notice_pdf_bytes(notice))
    assert "Bakkerij Jansen" in text and "138" in text
    assert "Drogisterij Smit" not in text


def test_a_collective_measure_lists_the_active_shops_of_the_partnership(world, officer, person):
    ShopFactory(area=world.colmschate, name="Slagerij Ömer", address="Hanzeweg 3")
    ShopFactory(area=world.binnenstad, name="Gesloten Winkel", deactivated=True)
    yellow = MeasureFactory(person=person, kind=MeasureKind.YELLOW, starts_on=START, ends_on=END)

    notice = notices.issue_notice(yellow, actor=officer)

    assert [shop["name"] for shop in notice.snapshot["shops"]] == [
        "Bakkerij Jansen",
        "Drogisterij Smit",
        "Slagerij Ömer",
    ]
    assert notice.snapshot["areas"] == ["Binnenstad", "Winkelhart Colmschate"]
    assert notice.snapshot["incident"] is None
    text = all_text(notices.notice_pdf_bytes(notice))
    assert "Slagerij Ömer" in text and "Hanzeweg 3" in text
    assert "Gesloten Winkel" not in text and "Boekhandel Zwolle" not in text


def test_an_unknown_identity_is_addressed_by_display_name(world, officer):
    person = PersonFactory(partnership=world.deventer, display_name="Mark V.", full_name="")
    red = MeasureFactory(person=person, kind=MeasureKind.RED, starts_on=START, ends_on=END)

    text = all_text(notices.notice_pdf_bytes(notices.issue_notice(red, actor=officer)))

    assert "Mark V." in text


def test_a_failed_issue_leaves_no_file(monkeypatch, officer, red_card):
    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(notices, "log_action", broken)

    with pytest.raises(RuntimeError):
        notices.issue_notice(red_card, actor=officer)

    assert not NoticeLetter.objects.exists()
    assert stored_files() == []


def test_render_the_letter_to_png_for_a_human(world, officer, person, incident):
    """Writes test-artifacts/pdf/notice-*.png (git-ignored): look at them after a change."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        skip_or_fail("pdftoppm (poppler-utils) is not installed")
    set_objection_contact(world.deventer, **OBJECTION)
    # A partnership with many shops: the list runs over a page in two columns.
    for number in range(60):
        ShopFactory(
            area=world.colmschate if number % 3 else world.binnenstad,
            name=f"Winkel {number:02d} – Café “De Brink”",
            address=f"Brinkstraat {number + 1}",
        )
    red = MeasureFactory(
        person=person, kind=MeasureKind.RED, incident=incident, starts_on=START, ends_on=END
    )
    started = time.perf_counter()
    notice = notices.issue_notice(red, actor=officer)
    elapsed = time.perf_counter() - started
    pdf = notices.notice_pdf_bytes(notice)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("notice-*.png"):
        old.unlink()
    target = ARTIFACTS / "notice.pdf"
    target.write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", "60", "-png", str(target), str(ARTIFACTS / "notice")], check=True
    )
    pages = pages_text(pdf)
    assert len(sorted(ARTIFACTS.glob("notice-*.png"))) == len(pages)
    (ARTIFACTS / "notice.txt").write_text(f"render time {elapsed:.2f} s, {len(pages)} pages\n")
    assert elapsed < 10
    text = all_text(pdf)
    assert "Winkel 00 – Café “De Brink”" in text and "Winkel 59 – Café “De Brink”" in text
    for number, page in enumerate(pages, start=1):
        assert notice.snapshot["reference"] in page
        assert re.search(rf"\b{number}\b \w+ {len(pages)}\s*$", page), page


def test_a_collective_notice_lists_hundreds_of_shops_compactly_by_area(world, officer, person):
    """Deventer has 320 shops: the notice was 8 pages, 6 of them the list. The annex now groups
    the shops by area, one line each, and names the town once when they share it."""
    for number in range(300):
        ShopFactory(
            area=world.colmschate if number % 3 else world.binnenstad,
            name=f"Winkel {number:03d}",
            address=f"Brinkstraat {number + 1}",
            city="Deventer",
        )
    yellow = MeasureFactory(person=person, kind=MeasureKind.YELLOW, starts_on=START, ends_on=END)
    notice = notices.issue_notice(yellow, actor=officer)
    pages = pages_text(notices.notice_pdf_bytes(notice))
    assert len(pages) <= 4, len(pages)
    text = " ".join(" ".join(pages).split())
    assert "Alle in Deventer." in text
    assert "Binnenstad Bakkerij Jansen, " in text and "Winkel 299, Brinkstraat 300" in text
    assert "Winkel 299, Brinkstraat 300, 7411" not in text  # no postcode on every line
