"""The app on the home screen (issue 19): the service worker installs, a page about people is not
kept for use without a connection, and a report made without a connection waits on the phone
and is sent exactly once when the connection is back."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from incidents.models import Incident
from tests.incidents.factories import cctv_still


def test_a_report_made_offline_is_sent_once_when_back_online(
    browser, live_server, world, login_as, shoot
):
    from tests.browser.conftest import PHONE, wait_for_service_worker

    context = browser.new_context(viewport=PHONE, locale="nl-NL", service_workers="allow")
    login_as(context, world.users["participant"])
    page = context.new_page()
    report_url = live_server.url + reverse("incidents:report")
    page.goto(report_url)
    assert page.locator("link[rel=manifest]").count() == 1
    wait_for_service_worker(page)
    page.reload()  # now under the worker's care, which keeps this form
    assert page.evaluate("() => Boolean(navigator.serviceWorker.controller)")

    context.set_offline(True)
    page.goto(live_server.url + reverse("bans:gallery"))
    assert "Geen verbinding" in page.locator("h1").inner_text()  # nothing about people kept
    shoot("1-offline-page", target=page)
    page.goto(report_url)
    page.get_by_role("radio", name="Winkeldiefstal", exact=True).check()
    page.get_by_label("Wat er is gebeurd").fill("Twee flessen wijn, man met grijze muts.")
    page.get_by_role("radio", name=re.compile("^Nog niet")).check()
    page.locator("input[name=photos]").set_input_files(
        [{"name": "cam1.jpg", "mimeType": "image/jpeg", "buffer": cctv_still(seed=5)}]
    )
    page.get_by_role("button", name="Melding versturen").click()
    # Kept on the phone (IndexedDB answers a moment later), then the form says so.
    expect(page.locator("[data-send-status]")).to_contain_text("Geen verbinding")
    banner = page.locator("[data-outbox]")
    banner.wait_for()
    assert banner.get_attribute("data-waiting") == "1"
    assert "1 melding wacht" in banner.inner_text()
    assert page.get_by_label("Wat er is gebeurd").input_value() == ""  # free for the next one
    assert not Incident.objects.exists()
    shoot("2-waiting", target=page)

    context.set_offline(False)  # the browser says "online": the waiting report goes
    page.wait_for_function(
        "() => document.querySelector('[data-outbox]').dataset.waiting === '0'", timeout=15000
    )
    incident = Incident.objects.get()
    assert incident.description == "Twee flessen wijn, man met grijze muts."
    assert incident.photos.count() == 1
    link = banner.get_by_role("link")
    assert link.get_attribute("href") == incident.get_absolute_url()
    shoot("3-received", target=page)
    # Another "online" (or another open page) finds nothing left to send.
    page.evaluate("() => window.KVOOutbox.flush()")
    assert Incident.objects.count() == 1
    context.close()
