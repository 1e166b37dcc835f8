"""Pages each role reaches from the menu, on a phone and a desktop: axe-clean and pictured."""

import pytest
from django.urls import reverse

from tests.browser.conftest import DESKTOP, PHONE, assert_fits

PAGES = {
    "coordinator": [
        "home",
        "merchants:area_list",
        "merchants:shop_list",
        "merchants:shop_create",
        "merchants:member_list",
        "merchants:invitation_create",
        "merchants:profile",
        "mfa_index",
        "claims:list",
        "claims:bank",
        "claims:distribution",
        "claims:settings",
        "certification:overview",
    ],
    "owner": [
        "home",
        "merchants:my_shops",
        "merchants:profile",
        "merchants:protocol",
        "incidents:report",
        "incidents:mine",
    ],
    "officer": ["home", "merchants:shop_list", "incidents:queue", "claims:list", "dashboard"],
    "administrator": ["home", "bans:access_log", "bans:subject_requests", "claims:list"],
    "auditor": ["home", "merchants:area_list", "certification:overview"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_pages_render_accessibly(role, browser, live_server, world, login_as, axe_check, shoot):
    assert world.protocol.published_at and world.subject_request.pk  # pages with content
    assert world.claim.pk and world.bank_transaction.pk
    for viewport_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        login_as(context, world.users[role])
        page = context.new_page()
        # Chromium reports what the content security policy blocked (an inline style, a script)
        # on the console: a page that relies on one is broken for its users.
        blocked = []
        page.on("console", _collect_csp_reports(blocked))
        for name in PAGES[role]:
            response = page.goto(live_server.url + reverse(name))
            assert response.status == 200, (role, name, response.status)
            assert page.locator("h1").count() == 1
            assert_fits(page, (role, viewport_name, name))
            axe_check(page)
            shoot(f"{viewport_name}-{name.replace(':', '-')}", target=page)
        if role == "officer":
            page.goto(
                live_server.url + reverse("bans:link_person", args=[world.incident.pk]) + "?q=mark"
            )
            assert_fits(page, (role, viewport_name, "link-person"))
            axe_check(page)
            shoot(f"{viewport_name}-link-person", target=page)
            page.goto(live_server.url + reverse("bans:person", args=[world.banned.pk]))
            assert_fits(page, (role, viewport_name, "person"))
            axe_check(page)
            shoot(f"{viewport_name}-person", target=page)
        if role in ("auditor", "coordinator"):
            assert world.dossier_item.pk and world.safety_measure.pk
            page.goto(live_server.url + reverse("reports:area", args=[world.binnenstad.pk]))
            assert_fits(page, (role, viewport_name, "report"))
            axe_check(page)
            shoot(f"{viewport_name}-report", target=page)
            page.goto(
                live_server.url + reverse("certification:area_dossier", args=[world.binnenstad.pk])
            )
            assert_fits(page, (role, viewport_name, "dossier"))
            axe_check(page)
            shoot(f"{viewport_name}-dossier", target=page)
        if role in ("officer", "coordinator"):
            page.goto(live_server.url + reverse("claims:detail", args=[world.claim.pk]))
            assert_fits(page, (role, viewport_name, "claim"))
            axe_check(page)
            shoot(f"{viewport_name}-claim", target=page)
        if role == "owner":
            page.goto(live_server.url + reverse("merchants:my_shop_staff", args=[world.shop.pk]))
            assert_fits(page, (role, viewport_name, "staff"))
            axe_check(page)
            shoot(f"{viewport_name}-staff", target=page)
        assert not blocked, blocked
        context.close()


def _collect_csp_reports(into):
    def collect(message):
        if "Content Security Policy" in message.text:
            into.append(message.text)

    return collect
