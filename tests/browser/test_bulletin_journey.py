"""A red card reaches the shops: the officer confirms it, the bulletin shows in the delivery
report, and shop staff open it from the archive and download the watermarked A4 PDF."""

import io
import re

from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from bans import services
from merchants.services import sign_protocol
from plumbing.images import process_upload
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.factories import bulletin_mode
from tests.incidents.factories import cctv_still, upload


def test_red_card_to_bulletin_to_shop(browser, live_server, world, login_as, axe_check, shoot):
    from tests.browser.conftest import DESKTOP, PHONE

    bulletin_mode(world.deventer, "inline")
    world.shop.bulletin_email = "bulletin@bakkerij-jansen.nl"
    world.shop.save()
    sign_protocol(world.protocol, actor=world.users["owner"], shop=world.shop)
    sign_protocol(world.protocol, actor=world.users["participant"])
    person = PersonFactory(partnership=world.deventer, display_name="Dennis W.")
    MeasureFactory(person=person, kind="red", proposed=True)
    services.add_photo(
        person, process_upload(upload(cctv_still(seed=3))), actor=world.users["officer"]
    )
    mail.outbox.clear()

    # The officer confirms the red card; a bulletin follows (no delay in tests).
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login_as(context, world.users["officer"])
    officer = context.new_page()
    officer.goto(live_server.url + reverse("bans:person", args=[person.pk]))
    officer.get_by_role("button", name="Bevestigen").click()
    with officer.expect_navigation():
        officer.locator("dialog[open]").get_by_role("button", name="Ja, bevestigen").click()
    officer.wait_for_url(re.compile(r"/register/people/\d+/$"))
    officer.get_by_role("link", name="Bulletins").click()
    officer.get_by_role("link", name="Bulletin 1").click()
    report = officer.locator("main").inner_text()
    assert "Dennis W." in report and "Geen ondertekende protocolverklaring" in report
    assert re.search(r"Verstuurd\s+1", report)
    axe_check(officer)
    shoot("1-delivery-report", target=officer)
    context.close()
    assert [m.to for m in mail.outbox] == [["bulletin@bakkerij-jansen.nl"]]

    # Shop staff open it from the archive on a phone and download the A4.
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(context, world.users["participant"])
    staff = context.new_page()
    staff.goto(live_server.url + reverse("bulletins:archive"))
    axe_check(staff)
    staff.get_by_role("link", name="Bulletin 1").click()
    assert "Dennis W." in staff.locator("main").inner_text()
    staff.wait_for_load_state("networkidle")
    axe_check(staff)
    shoot("2-bulletin", target=staff)
    href = staff.get_by_role("link", name="A4 voor achter de toonbank (PDF)").get_attribute("href")
    pdf = context.request.get(live_server.url + href)
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    assert "Dennis W." in text and "Bakkerij Jansen" in text and "vertrouwelijk" in text
    context.close()
