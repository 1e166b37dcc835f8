import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from tests.incidents.factories import cctv_still, report


def test_yellow_then_red_then_gallery_and_sighting(
    browser, live_server, world, login_as, mailoutbox, axe_check, shoot
):
    from tests.browser.conftest import DESKTOP, PHONE

    first = world.incident
    three_months_ago = timezone.now() - timedelta(days=92)
    Incident.objects.filter(pk=first.pk).update(occurred_at=three_months_ago)
    assert world.protocol.published_at

    officer_context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login_as(officer_context, world.users["officer"])
    officer = officer_context.new_page()

    # The officer links the first incident to a new person; the proposal says yellow.
    officer.goto(live_server.url + first.get_absolute_url())
    officer.get_by_role("link", name="Koppel een persoon").click()
    officer.get_by_label("Weergavenaam").fill("Mark V.")
    officer.get_by_label("Volledige naam").fill("Mark Visser")
    officer.get_by_label("Persoonsbeschrijving").fill("Lang, baard, grijze muts")
    officer.get_by_role("button", name="Toevoegen en koppelen").click()
    officer.wait_for_url(re.compile(r"/register/people/\d+/$"))
    officer.get_by_role("button", name=re.compile("Stel een maatregel voor")).click()
    assert "Gele kaart" in officer.locator("main").inner_text()
    axe_check(officer)
    shoot("1-yellow-proposed", target=officer)
    yellow_card = officer.locator("article").filter(
        has=officer.locator("h3", has_text="Gele kaart (collectieve waarschuwing) Voorgesteld")
    )
    yellow_card.get_by_role("button", name="Bevestigen").click()
    # Asked in the page what the decision does, then done.
    dialog = officer.locator("dialog[open]")
    assert "kennisgeving" in dialog.inner_text()
    axe_check(officer)
    with officer.expect_navigation():
        dialog.get_by_role("button", name="Ja, bevestigen").click()
    assert "De kennisgeving wordt gemaakt" in officer.locator(".messages").inner_text()
    notice = officer_context.request.get(
        live_server.url
        + officer.get_by_role("link", name="Kennisgeving (PDF)").first.get_attribute("href")
        + "?purpose=measure"
    )
    assert notice.headers["content-type"] == "application/pdf" and notice.body()[:4] == b"%PDF"
    officer.locator("input[name=photo]").set_input_files(
        {"name": "portret.jpg", "mimeType": "image/jpeg", "buffer": cctv_still(seed=9)}
    )
    officer.get_by_role("button", name="Uploaden").click()
    person_url = officer.url

    # A second incident three months later proposes red. It happens now: the factory's "two
    # hours ago" is the day before the warning began, between midnight and two o'clock.
    second = report(world.users["participant"], world.shop, occurred_at=timezone.now())
    officer.goto(live_server.url + reverse("bans:link_person", args=[second.pk]))
    officer.get_by_label("Zoeken in het register").fill("visser mark")
    officer.get_by_role("button", name="Zoeken", exact=True).click()
    officer.get_by_role("button", name="Dit is de persoon").click()
    officer.get_by_role(
        "button", name=re.compile(f"Stel een maatregel voor bij {second.reference}")
    ).click()
    assert "gele kaart" in officer.locator("main").inner_text().lower()
    red_card = officer.locator("article").filter(
        has=officer.locator("h3", has_text="Rode kaart (collectief winkelverbod) Voorgesteld")
    )
    red_card.get_by_role("button", name="Bevestigen").click()
    with officer.expect_navigation():
        officer.locator("dialog[open]").get_by_role("button", name="Ja, bevestigen").click()
    assert "Rode kaart (collectief winkelverbod) Actief" in officer.locator(
        "main"
    ).inner_text().replace("\n", " ")
    shoot("2-red-confirmed", target=officer)

    # A participant signs the protocol, finds him in the gallery and reports a sighting.
    staff_context = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(staff_context, world.users["participant"])
    staff = staff_context.new_page()
    staff.goto(live_server.url + reverse("bans:gallery"))
    staff.wait_for_url(re.compile(r"/protocol/"))
    axe_check(staff)
    staff.get_by_label("Ik heb het protocol gelezen en houd mij eraan.").check()
    staff.get_by_role("button", name="Ondertekenen").click()
    staff.wait_for_url(re.compile(r"/register/gallery/$"))
    card = staff.locator(".gallery__card", has_text="Mark V.")
    # The photo loads lazily: wait until the browser has it, then it must have pixels.
    photo = card.locator("img").element_handle()
    staff.wait_for_function("img => img.complete", arg=photo)
    assert photo.evaluate("img => img.naturalWidth") > 0
    axe_check(staff)
    shoot("3-gallery", target=staff)
    card.get_by_role("button", name=re.compile("Gezien in mijn winkel")).click()
    # Asked in the page first; then told what to do now, with a way back for a mistake.
    dialog = staff.locator("dialog[open]")
    assert "112" in dialog.inner_text()
    axe_check(staff)
    dialog.get_by_role("button", name="Ja, waarschuw de wijkagent").click()
    staff.wait_for_url(re.compile(r"/register/sightings/\d+/$"))
    assert "De wijkagent is gewaarschuwd" in staff.locator("h1").inner_text()
    assert staff.get_by_role("link", name="Bel 112").get_attribute("href") == "tel:112"
    assert staff.get_by_role("button", name="Mijn melding intrekken").is_visible()
    axe_check(staff)
    shoot("3b-sighting-advice", target=staff)

    # The officer has the email and the sighting at the top of the queue.
    sighting_mails = [m for m in mailoutbox if m.subject.startswith("[KVO] Gezien:")]
    assert [m.to for m in sighting_mails] == [[world.users["officer"].email]]
    officer.goto(live_server.url + reverse("incidents:queue"))
    assert "Overtreding winkelverbod" in officer.locator(".case-card").first.inner_text()
    shoot("4-queue", target=officer)
    assert person_url
    staff_context.close()
    officer_context.close()
