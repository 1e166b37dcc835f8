"""The civil claim from case to payment, in Chromium: the officer makes and sends the claim and
downloads the letter; the coordinator imports the bank statement that pays it, sees the claim
paid and the money in the distribution report."""

import re

from django.urls import reverse
from pypdf import PdfReader

from bans import services
from claims.models import Claim
from tests.bans.factories import PersonFactory
from tests.claims.camt import statement
from tests.factories import claim_settings
from tests.qr import decode_qr_codes


def test_claim_from_case_to_payment(browser, live_server, world, login_as, axe_check, shoot):
    import io
    from datetime import date

    from tests.browser.conftest import DESKTOP, PHONE

    claim_settings(world.deventer, beneficiary="Stichting KVO Deventer", iban="NL91ABNA0417164300")
    incident = world.incident  # caught in the act, aangifte filed
    person = PersonFactory(
        partnership=world.deventer,
        display_name="Kees B.",
        full_name="Kees Bakker",
        birth_date=date(1990, 3, 4),
        address="Brink 10, 7411 BR Deventer",
    )
    services.link_incident(person, incident, actor=world.users["officer"])

    # The officer finds the claim offered on the case and makes it, with one damage line.
    officer_context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login_as(officer_context, world.users["officer"])
    officer = officer_context.new_page()
    officer.goto(live_server.url + incident.get_absolute_url())
    officer.get_by_role("link", name="Schadeclaim opstellen").click()
    officer.wait_for_url(re.compile(r"/claims/new/\d+/$"))
    officer.locator("[name=line-0-description]").fill("Twee flessen wijn")
    officer.locator("[name=line-0-amount]").fill("24,98")
    axe_check(officer)
    shoot("1-new-claim", target=officer)
    officer.get_by_role("button", name="Concept opslaan").click()
    officer.wait_for_url(re.compile(r"/claims/\d+/$"))
    claim = Claim.objects.get()
    assert "205,98" in officer.locator("main").inner_text()
    officer.get_by_role("button", name="Versturen en brief maken").click()
    assert "Verstuurd" in officer.locator("main").inner_text()
    axe_check(officer)
    shoot("2-claim-sent", target=officer)
    href = officer.get_by_role("link", name="Claimbrief (PDF)").get_attribute("href")
    letter = officer_context.request.get(live_server.url + href)
    assert letter.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.body())).pages)
    assert claim.number in text and "205,98" in text.replace("\xa0", " ")
    payload = decode_qr_codes(letter.body())[0].split("\n")
    assert "NL91ABNA0417164300" in payload and "EUR205.98" in payload
    assert claim.payment_reference in payload
    officer_context.close()

    # The coordinator imports the bank statement with the payment, on a phone.
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(context, world.users["coordinator"])
    coordinator = context.new_page()
    coordinator.goto(live_server.url + reverse("claims:bank"))
    coordinator.get_by_label("Bankafschrift (CAMT.053 XML)").set_input_files(
        {
            "name": "afschrift-november.xml",
            "mimeType": "application/xml",
            "buffer": statement(
                [
                    {"amount": "205.98", "ref": claim.payment_reference},
                    {"amount": "181.00", "ref": "RF18539007547034", "name": "J. Onbekend"},
                ]
            ),
        }
    )
    coordinator.get_by_role("button", name="Importeren").click()
    messages = coordinator.locator(".messages").inner_text()
    assert "1 geboekt" in messages and "1 wacht" in messages
    # The payment waits with its amount; the payer's name is for identity roles only.
    bank_page = coordinator.locator("main").inner_text()
    assert "181,00" in bank_page and "J. Onbekend" not in bank_page
    axe_check(coordinator)
    shoot("3-bank-import", target=coordinator)

    coordinator.goto(live_server.url + reverse("claims:detail", args=[claim.pk]))
    assert "Betaald" in coordinator.locator(".page-head").inner_text()
    shoot("4-claim-paid", target=coordinator)

    coordinator.goto(live_server.url + reverse("claims:distribution"))
    report = coordinator.locator("main").inner_text().replace("\xa0", " ")
    assert "€ 205,98" in report and "Bakkerij Jansen" in report
    assert "100,0%" in report
    axe_check(coordinator)
    shoot("5-distribution", target=coordinator)
    coordinator.set_viewport_size(DESKTOP)
    coordinator.goto(live_server.url + reverse("claims:list"))
    axe_check(coordinator)
    shoot("6-claims-list", target=coordinator)
