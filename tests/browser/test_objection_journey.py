"""Objections in the browser: a person objects on the public page with the code from the notice,
a second officer decides, and the decision letter reads back; the wrong person leaves the gallery
and the next bulletin corrects it."""

import io
import re

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bans.models import MeasureStatus, Objection
from bulletins.editions import make_bulletin
from bulletins.models import Bulletin
from merchants.services import sign_protocol


def decide(page, outcome, reason):
    page.get_by_role("radio", name=re.compile(outcome)).check()
    page.get_by_label("Motivering").fill(reason)
    page.get_by_role("button", name="Besluiten en de brief maken").click()
    with page.expect_navigation():
        page.locator("dialog[open]").get_by_role("button", name="Ja, besluiten").click()


def test_objection_online_decided_by_another_officer(
    browser, live_server, world, banned, second_officer, login_as, axe_check, shoot
):
    from tests.browser.conftest import DESKTOP, PHONE, assert_fits

    code = banned.measures.get().notice.objection_code

    # The person objects on a phone, without an account; a wrong date first.
    person = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    person.goto(live_server.url + reverse("objection"))
    assert "Sjaak" not in person.content()
    axe_check(person)
    assert_fits(person, "the public objection page")
    person.get_by_label("Code uit de brief").fill(f"{code[:5]}-{code[5:]}".lower())
    person.get_by_label("Uw geboortedatum").fill("1991-04-14")
    person.get_by_label("Uw naam").fill("Sjaak Bakker")
    person.get_by_label("Waar wij het besluit naartoe sturen").fill("Brink 9, 7411 BT Deventer")
    person.get_by_label("Waarom u bezwaar maakt").fill("Ik was die dag in Zwolle, bij mijn zus.")
    person.get_by_role("button", name="Bezwaar versturen").click()
    person.wait_for_load_state()
    refusal = person.locator("main").inner_text()
    assert "We konden geen brief vinden met deze code en geboortedatum." in refusal
    assert "Sjaak B." not in refusal and not Objection.objects.exists()
    person.get_by_label("Uw geboortedatum").fill("1991-03-14")
    person.get_by_role("button", name="Bezwaar versturen").click()
    person.wait_for_load_state()
    objection = Objection.objects.get()
    received = person.locator("main").inner_text()
    assert "Bezwaar ontvangen" in received and objection.reference in received
    axe_check(person)
    shoot("1-received", target=person)

    # The officer who decided the card may not decide the objection.
    officer = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login_as(officer, world.users["officer"])
    issuer = officer.new_page()
    issuer.goto(live_server.url + reverse("bans:objection", args=[objection.pk]))
    assert "U hebt deze maatregel zelf genomen" in issuer.locator("main").inner_text()
    assert issuer.get_by_role("button", name="Besluiten en de brief maken").count() == 0

    # A second officer suspends the card, then rejects the objection.
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login_as(context, second_officer)
    page = context.new_page()
    page.goto(live_server.url + reverse("bans:objections"))
    page.get_by_role("link", name=objection.reference).click()
    axe_check(page)
    page.get_by_role("button", name="Maatregel schorsen").click()
    page.wait_for_load_state()
    assert banned.measures.get().status == MeasureStatus.SUSPENDED
    shoot("2-suspended", target=page)
    decide(page, "Ongegrond", "Op de camerabeelden van 3 november staat u in de winkel.")
    assert "Het besluit is genomen" in page.locator(".messages").inner_text()
    assert banned.measures.get().status == MeasureStatus.ACTIVE
    shoot("3-decided", target=page)

    # The decision letter, read back.
    href = page.get_by_role("link", name="Besluitbrief (pdf)").get_attribute("href")
    letter = context.request.get(live_server.url + href)
    assert letter.headers["content-type"] == "application/pdf"
    text = " ".join(
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.body())).pages).split()
    )
    for expected in (
        "Besluit op uw bezwaar",
        objection.reference,
        "Sjaak Bakker",
        "Ongegrond: de maatregel blijft staan",
        "Op de camerabeelden van 3 november staat u in de winkel.",
        "Eva Visser",
        "kantonrechter",
    ):
        assert expected in text, expected
    for open_context in (person.context, officer, context):
        open_context.close()


def test_mistaken_identity_leaves_the_gallery_and_the_next_bulletin_corrects(
    browser, live_server, world, banned, second_officer, login_as, shoot, mailoutbox
):
    from tests.browser.conftest import DESKTOP, PHONE

    world.shop.bulletin_email = "bulletin@bakkerij-jansen.nl"
    world.shop.save()
    sign_protocol(world.protocol, actor=world.users["participant"])
    sign_protocol(world.protocol, actor=world.users["owner"], shop=world.shop)
    shown = make_bulletin(world.deventer, trigger="manual", actor=world.users["officer"])
    from bans.objections import record_objection

    objection = record_objection(
        banned.measures.get(),
        actor=world.users["administrator"],
        channel="letter",
        objector="mr. A. de Wit, advocaat",
        contact="Postbus 12, 7400 AA Deventer",
        grounds="Op de foto staat mijn cliënt niet: het is zijn neef.",
        received_on=timezone.localdate(),
    )

    staff = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(staff, world.users["participant"])
    gallery = staff.new_page()
    gallery.goto(live_server.url + reverse("bans:gallery"))
    assert gallery.locator(".gallery__card", has_text="Sjaak B.").count() == 1

    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login_as(context, second_officer)
    page = context.new_page()
    page.goto(live_server.url + reverse("bans:objection", args=[objection.pk]))
    mailoutbox.clear()
    decide(page, "Verkeerde persoon", "Op de beelden staat iemand anders dan uw cliënt.")
    shoot("1-mistaken", target=page)
    assert not banned.photos.exists()

    gallery.reload()
    assert gallery.locator(".gallery__card", has_text="Sjaak B.").count() == 0
    shoot("2-gallery-without", target=gallery)

    # A bulletin follows the decision (after BULLETIN_DELAY_SECONDS, none in the tests), even
    # with nobody else in it, and carries the correction.
    correction = Bulletin.objects.exclude(pk=shown.pk).get()
    (mail,) = [m for m in mailoutbox if "bulletin" in m.subject.lower()]
    assert "CORRECTIE: de persoon die als “Sjaak B.”" in mail.body
    gallery.goto(live_server.url + reverse("bulletins:bulletin", args=[correction.pk]))
    notice = gallery.locator(".notice--correction").inner_text()
    assert "Sjaak B." in notice and str(shown.created_at.year) in notice
    shoot("3-bulletin-correction", target=gallery)
    staff.close()
    context.close()
