import re

from django.urls import reverse

from incidents.models import Incident
from tests.incidents.factories import cctv_still


def test_staff_reports_officer_reviews_staff_follows(
    browser, live_server, world, login_as, mailoutbox, axe_check, shoot
):
    from tests.browser.conftest import PHONE

    staff_context = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(staff_context, world.users["participant"])
    staff = staff_context.new_page()

    # A member of staff reports a theft with two CCTV stills, in one form, on a phone.
    staff.goto(live_server.url + reverse("incidents:report"))
    axe_check(staff)
    shoot("1-report-form", target=staff)
    staff.get_by_role("radio", name="Winkeldiefstal", exact=True).check()
    staff.get_by_label("Wat er is gebeurd").fill("Man pakte twee flessen wijn en rende weg.")
    staff.get_by_label("Waarde van de goederen").fill("24,98")
    staff.get_by_label("Politie gebeld").check()
    staff.get_by_role("radio", name="Nee", exact=True).check()
    staff.get_by_label("Beschrijving van de persoon").fill("Lang, baard, grijze muts")
    staff.locator("input[name=photos]").set_input_files(
        [
            {"name": "cam1.jpg", "mimeType": "image/jpeg", "buffer": cctv_still(seed=1)},
            {"name": "cam2.jpg", "mimeType": "image/jpeg", "buffer": cctv_still(seed=2)},
        ]
    )
    staff.get_by_role("button", name="Melding versturen").click()
    staff.wait_for_url(re.compile(r"/incidents/\d+/$"))
    assert "Bedankt" in staff.locator(".messages").inner_text()
    incident = Incident.objects.get()
    assert incident.photos.count() == 2
    assert staff.locator(".photo-grid img").count() == 2
    shoot("2-received", target=staff)

    # The officer finds it at the top of the queue, logs a phone call and moves it on.
    officer_context = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(officer_context, world.users["officer"])
    officer = officer_context.new_page()
    officer.goto(live_server.url + reverse("incidents:queue"))
    axe_check(officer)
    shoot("3-queue", target=officer)
    officer.locator(".case-card a").first.click()
    officer.wait_for_url(re.compile(rf"/incidents/{incident.pk}/$"))
    axe_check(officer)
    officer.get_by_label("Hoe").select_option("phone")
    officer.get_by_label("Notitie bij het contact").fill("Winkel gebeld, beelden besproken.")
    officer.get_by_role("button", name="Contact vastleggen").click()
    assert "Het contactmoment is vastgelegd." in officer.locator(".messages").inner_text()
    for status, note in (("contacted", "Ik heb u gebeld."), ("awaiting_police", "Aangifte volgt.")):
        officer.get_by_label("Nieuwe status").select_option(status)
        officer.get_by_label("Notitie voor de winkel").fill(note)
        officer.get_by_role("button", name="Status opslaan").click()
        officer.wait_for_load_state()
    shoot("4-case", target=officer)

    # The member of staff sees each step in the timeline and got one email per change.
    staff.goto(live_server.url + incident.get_absolute_url())
    timeline = staff.locator(".timeline").inner_text()
    for text in ("Gemeld", "Contact met winkel", "Ik heb u gebeld.", "Wacht op politie"):
        assert text in timeline
    axe_check(staff)
    shoot("5-timeline", target=staff)
    # The officer heard of the report; the shop heard of each step.
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            [world.users["officer"].email],
            "[KVO] Nieuwe melding: Winkeldiefstal bij Bakkerij Jansen",
        ),
        (
            [world.users["participant"].email],
            f"[KVO] Uw melding {incident.reference}: Contact met winkel",
        ),
        (
            [world.users["participant"].email],
            f"[KVO] Uw melding {incident.reference}: Wacht op politie",
        ),
    ]
    staff_context.close()
    officer_context.close()
