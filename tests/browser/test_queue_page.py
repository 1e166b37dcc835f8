"""The officer's queue on a phone and on a desktop: filters fold away on the phone, and typing a
case number narrows the list without a page load (htmx)."""

from django.urls import reverse


def test_queue_filters_fold_on_a_phone_and_search_as_you_type(
    browser, live_server, world, login_as, axe_check, shoot
):
    from tests.browser.conftest import DESKTOP, PHONE, assert_fits
    from tests.incidents.factories import report

    wanted = report(world.users["participant"], world.shop)
    report(world.users["participant"], world.neighbour_shop)
    for viewport, folded in ((PHONE, True), (DESKTOP, False)):
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        login_as(context, world.users["officer"])
        page = context.new_page()
        page.goto(live_server.url + reverse("incidents:queue"))
        page.wait_for_load_state("networkidle")
        panel = page.locator("details[data-filters]")
        assert panel.evaluate("d => d.open") is (not folded)
        assert_fits(page, f"queue at {viewport['width']}")
        axe_check(page)
        shoot(f"queue-{viewport['width']}", target=page)
        context.close()

    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(context, world.users["officer"])
    page = context.new_page()
    page.goto(live_server.url + reverse("incidents:queue"))
    page.evaluate("window.notReloaded = true")
    page.get_by_text("Zoeken en filteren").click()
    assert page.locator(".case-card").count() == 2
    page.get_by_label("Zaaknummer of winkel").press_sequentially(wanted.reference)
    page.wait_for_function("() => document.querySelectorAll('.case-card').length === 1")
    assert wanted.reference in page.locator(".case-card").inner_text()
    assert page.evaluate("window.notReloaded") is True  # the list changed, the page stayed
    assert f"q={wanted.reference}" in page.url  # and the address can be shared or reloaded
    context.close()
