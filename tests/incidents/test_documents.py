"""The case file and the aangifte form: what the police get to read, page by page."""

import io
import re
import shutil
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from incidents import police, services
from incidents.documents import aangifte_pdf, case_pdf
from incidents.models import ContactKind
from incidents.workflow import Status
from tests.conftest import ROOT, skip_or_fail
from tests.incidents.factories import report

ARTIFACTS = ROOT / "test-artifacts" / "pdf"
DUTCH_DESCRIPTION = "Fiets gestolen bij de Brink – één man, café “De Waag”"


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def all_text(pdf: bytes) -> str:
    """Every page's text with whitespace collapsed: table cells wrap lines anywhere."""
    return " ".join(" ".join(pages_text(pdf)).split())


def embedded_images(reader: PdfReader) -> dict:
    # WeasyPrint shares one resource dictionary between pages: every page lists every image.
    return {image.name: image for page in reader.pages for image in page.images}


@pytest.fixture(autouse=True)
def _no_weasyprint_warnings(caplog):
    """A CSS typo or an unsupported property shows up as a WeasyPrint warning: fail on it."""
    caplog.set_level("WARNING", logger="weasyprint")
    yield
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert warnings == []


@pytest.fixture
def officer(world):
    # Fixed names: a random double-barrelled one may wrap at its hyphen in a narrow column.
    world.users["participant"].full_name = "Daniëlle Smit"
    world.users["participant"].save()
    officer = world.users["officer"]
    officer.full_name = "Noor de Wit"
    officer.save()
    return officer


def test_case_file_holds_the_facts(world):
    incident = report(
        world.users["participant"], world.shop, photos=1, description=DUTCH_DESCRIPTION
    )

    text = all_text(case_pdf(incident))

    assert incident.reference in text
    assert "Bakkerij Jansen" in text
    assert f"{world.shop.address}" in text and f"{world.shop.postcode} Deventer" in text
    assert "KVO Deventer" in text and "Binnenstad" in text
    assert DUTCH_DESCRIPTION in text
    assert "€ 24,98" in text or "€\xa024,98" in text
    assert "Winkeldiefstal" in text
    assert "Gemeld" in text  # the status, from the Dutch catalogue
    assert "Ja, aangifte gedaan" in text and "2026112612345" in text
    assert "Lang, kort donker haar, baard." in text
    assert "Zwarte jas, grijze muts" in text
    assert "Ongeveer 35 jaar oud" in text
    assert timezone.localtime(incident.occurred_at).strftime("%H:%M") in text


def test_case_file_shows_name_and_birth_date_only_when_known(world):
    unknown = report(world.users["participant"], world.shop)
    known = report(
        world.users["participant"],
        world.shop,
        person_name="Jan de Vries",
        person_birth_date=date(1990, 3, 14),
    )

    assert "Geboortedatum" not in all_text(case_pdf(unknown))
    text = all_text(case_pdf(known))
    assert "Jan de Vries" in text
    assert "14-03-1990" in text


def test_case_file_has_timeline_and_contacts_but_no_internal_notes(world, officer):
    incident = world.incident
    services.add_internal_note(
        incident, text="Intern: de buurman kent hem, niet doorgeven.", actor=officer
    )
    services.transition(
        incident, to=Status.IN_REVIEW, actor=officer, public_note="We bekijken de beelden."
    )
    services.record_contact(
        incident,
        kind=ContactKind.PHONE,
        contacted_at=timezone.now(),
        note="Eigenaar gesproken over de camerabeelden.",
        actor=officer,
    )

    text = all_text(case_pdf(incident))

    assert "Intern: de buurman kent hem" not in text
    assert "niet doorgeven" not in text
    assert "Gemeld" in text and "In behandeling" in text
    assert "We bekijken de beelden." in text
    assert "Telefoongesprek" in text
    assert "Eigenaar gesproken over de camerabeelden." in text
    assert officer.get_full_name() in text


def test_case_file_embeds_the_original_photos_two_per_row(world):
    incident = report(world.users["participant"], world.shop, photos=3)

    reader = PdfReader(io.BytesIO(case_pdf(incident)))

    images = embedded_images(reader)
    assert len(images) == 3
    # The originals (640 by 480), not the 320 by 240 thumbnails.
    assert {image.image.size for image in images.values()} == {(640, 480)}
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Foto 3 van de melding" in text


def test_case_file_prints_script_as_text(world):
    incident = report(
        world.users["participant"],
        world.shop,
        description="<script>alert(1)</script> & <b>vet</b>",
        person_clothing='<img src="http://example.com/x.png">',
    )

    text = all_text(case_pdf(incident))

    assert "<script>alert(1)</script> & <b>vet</b>" in text
    assert '<img src="http://example.com/x.png">' in text


def test_case_file_footer_on_every_page(world, settings):
    # English, so the footer's words are the source text whatever the catalogue holds.
    settings.LANGUAGE_CODE = "en"
    incident = report(
        world.users["participant"], world.shop, photos=4, description="Lange beschrijving. " * 200
    )

    pages = pages_text(case_pdf(incident))

    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"{incident.reference} · Confidential · KVO Deventer" in text
        assert f"Page {number} of {len(pages)}" in text


def test_the_longest_description_renders_quickly_and_whole(world):
    token = "https://example.com/" + "a" * 280  # one unbreakable word wider than the column
    description = (token + " " + "Hij liep weg met een tas vol wijn. " * 200)[:5000]
    incident = report(world.users["participant"], world.shop, description=description)

    started = time.perf_counter()
    pdf = case_pdf(incident)
    elapsed = time.perf_counter() - started

    # overflow-wrap: anywhere once made this take 25 s: WeasyPrint sizes tables per character.
    assert elapsed < 10
    text = all_text(pdf)
    assert token in text.replace(" ", "")
    assert "Hij liep weg met een tas vol wijn." in text


def test_case_file_page_numbers_in_dutch_too(world):
    pages = pages_text(case_pdf(world.incident))

    for number, text in enumerate(pages, start=1):
        assert world.incident.reference in text
        assert re.search(rf"\b{number}\b \w+ {len(pages)}\s*$", text), text


def test_case_file_queries_are_fixed(world, officer, django_assert_num_queries):
    incident = report(world.users["participant"], world.shop, photos=4)
    for note in ("Een", "Twee"):
        services.record_contact(
            incident, kind=ContactKind.VISIT, contacted_at=timezone.now(), note=note, actor=officer
        )

    police.record_step(incident, stage="handling", actor=officer)
    police.record_step(incident, stage="prosecutor", actor=officer)

    # incident with shop, area, partnership and reporter; photos; history; police steps;
    # contacts: the same with two steps or four.
    with django_assert_num_queries(5):
        case_pdf(incident)
    police.record_step(
        incident,
        stage="hearing",
        hearing_kind="snelrecht",
        hearing_at=timezone.now() + timedelta(days=2),
        actor=officer,
    )
    police.record_step(incident, stage="settled", settlement="convicted", actor=officer)
    with django_assert_num_queries(5):
        case_pdf(incident)


def test_aangifte_is_prefilled_on_one_page(world, officer):
    world.shop.kvk_number = "12345678"
    world.shop.save()
    reporter = world.users["participant"]
    incident = report(
        reporter,
        world.shop,
        description=DUTCH_DESCRIPTION,
        person_name="Jan de Vries",
        person_birth_date=date(1990, 3, 14),
        witness="Petra Smit, 06 12345678",
    )

    pages = pages_text(aangifte_pdf(incident))

    assert len(pages) == 1
    (text,) = pages
    assert "12345678" in text  # KvK number
    assert "Bakkerij Jansen" in text and world.shop.address in text
    assert f"{world.shop.postcode} Deventer" in text
    assert reporter.get_full_name() in text and reporter.email in text
    assert DUTCH_DESCRIPTION in text
    assert "Lang, kort donker haar, baard." in text
    assert "Zwarte jas, grijze muts" in text
    assert "Jan de Vries" in text and "14-03-1990" in text
    assert "Petra Smit, 06 12345678" in text
    assert "€ 24,98" in text or "€\xa024,98" in text
    assert "Winkeldiefstal" in text
    assert "Op heterdaad betrapt ☒ ja ☐ nee" in text
    assert incident.reference in text


def test_aangifte_marks_what_did_not_happen(world):
    incident = report(
        world.users["participant"],
        world.shop,
        caught_in_act=False,
        goods_recovered=False,
        goods_value=None,
    )

    text = all_text(aangifte_pdf(incident))

    assert "Op heterdaad betrapt ☐ ja ☒ nee" in text
    assert "€" not in text


def test_aangifte_leaves_out_internal_notes_and_escapes(world, officer):
    incident = report(world.users["participant"], world.shop, person_description="<i>lang</i>")
    services.add_internal_note(incident, text="Alleen voor de agent.", actor=officer)

    text = all_text(aangifte_pdf(incident))

    assert "Alleen voor de agent." not in text
    assert "<i>lang</i>" in text


def test_render_both_documents_to_png_for_a_human(world, officer):
    """Writes test-artifacts/pdf/*.png (git-ignored): look at them after changing a template."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        skip_or_fail("pdftoppm (poppler-utils) is not installed")
    world.shop.kvk_number = "12345678"
    world.shop.save()
    incident = report(
        world.users["participant"],
        world.shop,
        photos=5,
        description=DUTCH_DESCRIPTION + ". " + "Hij liep via de achteringang weg. " * 12,
        occurred_at=timezone.now() - timedelta(days=1),
        person_name="Jan de Vries",
        person_birth_date=date(1990, 3, 14),
        witness="Petra Smit, 06 12345678",
    )
    services.transition(incident, to=Status.IN_REVIEW, actor=officer, public_note="Bekeken.")
    services.record_contact(
        incident,
        kind=ContactKind.VISIT,
        contacted_at=timezone.now(),
        note="Langs geweest.",
        actor=officer,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, render in (("case", case_pdf), ("aangifte", aangifte_pdf)):
        for old in ARTIFACTS.glob(f"{name}-*.png"):
            old.unlink()
        started = time.perf_counter()
        pdf = render(incident)
        elapsed = time.perf_counter() - started
        target = ARTIFACTS / f"{name}.pdf"
        target.write_bytes(pdf)
        subprocess.run(
            [pdftoppm, "-r", "60", "-png", str(target), str(ARTIFACTS / name)], check=True
        )
        pngs = sorted(Path(ARTIFACTS).glob(f"{name}-*.png"))
        assert len(pngs) == len(PdfReader(io.BytesIO(pdf)).pages)
        (ARTIFACTS / f"{name}.txt").write_text(f"render time {elapsed:.2f} s\n")
