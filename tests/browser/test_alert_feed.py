"""Warnings on the shop floor, in Chromium (issue 19): a shop sends one from a phone, the officer's
open feed shows it within seconds without a reload, and when the sender withdraws it, the feed
says so by itself."""

from django.urls import reverse

from alerts.models import Alert, AlertSettings
from merchants.services import sign_protocol


def test_a_warning_appears_in_the_open_feed_and_its_withdrawal_too(
    browser, live_server, world, login_as, axe_check, shoot
):
    from tests.browser.conftest import DESKTOP, PHONE, assert_fits

    AlertSettings.objects.create(partnership=world.deventer, warnings_from_shops=True)
    sign_protocol(world.protocol, actor=world.users["participant"])

    officer = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login_as(officer, world.users["officer"])
    feed = officer.new_page()
    feed.goto(live_server.url + reverse("alerts:feed"))
    assert "Geen berichten" in feed.locator("#alert-feed").inner_text()
    feed.evaluate("window.notReloaded = true")

    shop = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(shop, world.users["participant"])
    page = shop.new_page()
    page.goto(live_server.url + reverse("alerts:feed"))
    page.get_by_role("link", name="Winkels in de buurt waarschuwen").click()
    assert_fits(page, "warning form at 360")
    axe_check(page)
    page.get_by_label("Wie, en wat doet die persoon?").fill(
        "Man in groene jas, petje, stopt scheermesjes in zijn tas. Loopt richting Brink."
    )
    page.get_by_label("2 uur").check()
    shoot("form", target=page)
    page.get_by_role("button", name="Bericht versturen").click()
    page.wait_for_url("**/alerts/*/")
    alert = Alert.objects.get(kind="warning")
    assert "groene jas" in page.locator("main").inner_text()
    assert_fits(page, "warning at 360")
    axe_check(page)
    shoot("sent", target=page)

    # The officer's feed, open all along, shows it within seconds (it asks every 5 s).
    card = feed.locator(f'[data-alert="{alert.pk}"]')
    card.wait_for(timeout=12_000)
    assert "Geldig tot" in card.inner_text() and "Bakkerij Jansen" in card.inner_text()
    assert "groene jas" not in feed.locator("#alert-feed").inner_text()
    axe_check(feed)
    shoot("feed-active", target=feed)

    page.get_by_role("button", name="Bericht intrekken").click()
    page.get_by_role("button", name="Ja, intrekken").click()
    page.wait_for_load_state("load")
    assert "Ingetrokken om" in page.locator("main").inner_text()
    feed.wait_for_function(
        f"""() => (document.querySelector('[data-alert="{alert.pk}"]') || {{}})
          .textContent?.includes("Ingetrokken")""",
        timeout=12_000,
    )
    assert feed.evaluate("window.notReloaded") is True  # the list changed, the page stayed
    shoot("feed-withdrawn", target=feed)
    officer.close()
    shop.close()
