"""From theft to police and back: the shop records its aangifte on a phone, the officer takes it to
a fast-track hearing and downloads the hand-over pack, whose hashes verify."""

import hashlib
import io
import re
import zipfile
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from incidents.models import PoliceStage
from merchants.models import AuditEvent
from tests.incidents.factories import report


def test_aangifte_to_a_fast_track_hearing_and_the_pack(
    browser, live_server, world, login_as, axe_check, shoot, tmp_path
):
    from tests.browser.conftest import DESKTOP, PHONE

    incident = report(
        world.users["participant"],
        world.shop,
        photos=2,
        police_report="will_do",
        police_report_number="",
        witness="Collega P. de Boer, 06 12345678",
    )
    case_url = live_server.url + reverse("incidents:detail", args=[incident.pk])

    # The member of staff filed the report online afterwards and records it, on a phone.
    staff_context = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(staff_context, world.users["participant"])
    staff = staff_context.new_page()
    staff.goto(case_url)
    staff.get_by_role("radio", name="Online, op politie.nl").check()
    staff.get_by_label("Registratienummer politie").fill("PL0600-2026-818181")
    axe_check(staff)
    shoot("1-shop-records-aangifte", target=staff)
    staff.get_by_role("button", name="Aangifte opslaan").click()
    staff.wait_for_load_state()
    assert "De aangifte is vastgelegd." in staff.locator(".messages").inner_text()
    assert "Aangifte gedaan bij de politie" in staff.locator(".timeline").inner_text()

    # The officer keeps the stages: handled, with the prosecutor, a super-fast-track hearing.
    officer_context = browser.new_context(viewport=DESKTOP, locale="nl-NL", accept_downloads=True)
    login_as(officer_context, world.users["officer"])
    officer = officer_context.new_page()
    officer.goto(case_url)
    # Only the fields of the chosen stage show (the script; without it all show).
    assert officer.get_by_label("Hoe het is afgehandeld").is_hidden()
    officer.get_by_label("Nieuwe fase").select_option("settled")
    assert officer.get_by_label("Hoe het is afgehandeld").is_visible()
    assert officer.get_by_label("Soort zitting").is_hidden()
    hearing = (timezone.localtime() + timedelta(days=2)).replace(hour=9, minute=30)
    for stage, extra in (
        ("handling", {}),
        ("prosecutor", {}),
        ("hearing", {"Soort zitting": "supersnelrecht"}),
    ):
        officer.get_by_label("Nieuwe fase").select_option(stage)
        for label, value in extra.items():
            officer.get_by_label(label).select_option(value)
        if stage == "hearing":
            officer.get_by_label("Datum en tijd van de zitting").fill(
                hearing.strftime("%d-%m-%Y %H:%M")
            )
            steps = officer.locator("form[action$='/police/step/']")
            steps.get_by_label("Notitie voor de winkel").fill(
                "U kunt als benadeelde de zitting bijwonen."
            )
        officer.get_by_role("button", name="Fase opslaan").click()
        officer.wait_for_load_state()
        assert "De aangifte is nu" in officer.locator(".messages").inner_text()
    incident.refresh_from_db()
    assert incident.police_stage == PoliceStage.HEARING
    axe_check(officer)
    shoot("2-officer-hearing-set", target=officer)

    # The pack: one ZIP, every hash in it checks out against the files in it.
    with officer.expect_download() as download:
        officer.get_by_role("link", name="Overdrachtspakket voor de politie (ZIP)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"overdracht-{incident.reference}.zip"
    archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    sums = [line.split("  ", 1) for line in archive.read("SHA256SUMS.txt").decode().splitlines()]
    assert len(sums) == 7  # manifest, two PDFs, witness, timeline, two photos
    for digest, name in sums:
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    assert "P. de Boer" in archive.read("3-getuigen.txt").decode()
    assert "Supersnelrecht" in archive.read("4-tijdlijn.txt").decode()
    made = AuditEvent.objects.get(action="incidents.pack.made")
    assert made.actor == world.users["officer"]

    # The shop sees each step, the hearing's date and the note, on its phone.
    staff.goto(case_url)
    timeline = staff.locator(".timeline").inner_text()
    for text in (
        "In behandeling bij de politie",
        "Doorgestuurd naar het Openbaar Ministerie",
        "Zitting snelrecht gepland",
        f"Supersnelrecht · {hearing.day} ",
        "U kunt als benadeelde de zitting bijwonen.",
    ):
        assert text in timeline, text
    assert re.search(r"09:30", timeline)
    axe_check(staff)
    shoot("3-shop-timeline", target=staff)
    staff_context.close()
    officer_context.close()
