"""Every page of every role, at 360 px and at desktop width (issue 18).

The pages are the permission matrix's: every GET address that answers a role with 200 and HTML,
with the matrix's own objects. Each must fit the viewport without sideways scrolling, have one
<h1>, and pass axe without serious or critical findings (checked on the phone; colours and names
do not change with the width); nothing on it may be blocked by the content security policy.
Screenshots: test-artifacts/screenshots/test_every_page_of_a_role[<role>]-<width>-<page>.png.

Roles that only differ by partnership (neighbour_owner, other_participant, other_coordinator)
see the same pages with other data and are left out, to keep the run short.
"""

import pytest
from django.urls import reverse

from tests.browser.conftest import DESKTOP, PHONE, assert_fits
from tests.conftest import ROLES
from tests.test_permission_matrix import GET, MATRIX

SWEPT_ROLES = [
    "anonymous",
    "participant",
    "owner",
    "officer",
    "administrator",
    "coordinator",
    "auditor",
]


# Not our markup: the API's interactive documentation is the vendored Swagger UI
# (drf-spectacular-sidecar); tests/api/ checks that it is served by the app itself.
NOT_OURS = {"api:docs"}

# Pages whose interesting state needs a query: the register search with hits.
WITH_QUERY = {"officer": [("bans:link_person", "?q=mark")]}


def pages_of(role):
    column = ROLES.index(role)
    return sorted(
        (name, spec[1])
        for name, spec in MATRIX.items()
        if spec[0] == GET and spec[2].split()[column] == "200" and name not in NOT_OURS
    )


def _csp_reports(blocked):
    def collect(message):
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    return collect


@pytest.mark.parametrize("role", SWEPT_ROLES)
def test_every_page_of_a_role(role, browser, live_server, world, login_as, axe_check, shoot):
    # Objects that give the pages content (a request, a claim, a bank line, a dossier).
    assert world.subject_request.pk and world.claim.pk and world.bank_transaction.pk
    assert world.dossier_item.pk and world.safety_measure.pk and world.protocol.published_at
    assert world.person.pk  # "Mark V.", for the register search
    addresses = [
        (name, reverse(name, kwargs=kwargs_for(world) if kwargs_for else None))
        for name, kwargs_for in pages_of(role)
    ]
    kwargs = dict(pages_of(role))
    addresses += [
        (f"{name}-query", reverse(name, kwargs=kwargs[name](world)) + query)
        for name, query in WITH_QUERY.get(role, [])
    ]
    seen = 0
    pages = None
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        if role != "anonymous":
            login_as(context, world.users[role])
        if pages is None:
            # PDFs, photos and CSV files are pages of their own kind: looked at elsewhere.
            pages = [
                (name, url)
                for name, url in addresses
                if "text/html"
                in context.request.get(live_server.url + url, max_redirects=0).headers.get(
                    "content-type", ""
                )
            ]
        page = context.new_page()
        blocked = []
        page.on("console", _csp_reports(blocked))
        for name, url in pages:
            response = page.goto(live_server.url + url)
            assert response.status == 200, (role, name, response.status)
            assert page.locator("h1").count() == 1, (role, name)
            assert_fits(page, (role, width, name))
            if width == "phone":
                axe_check(page)
                seen += 1
            shoot(f"{width}-{name.replace(':', '-')}", target=page)
        if role == "officer":
            # The register search found someone: the result is on the page, not just the form.
            page.goto(live_server.url + dict(addresses)["bans:link_person-query"])
            assert "Mark V." in page.locator("main").inner_text()
        assert not blocked, (role, width, blocked)
        context.close()
    print(f"\n{role}: {seen} pages at 360 px and at {DESKTOP['width']} px")
    assert seen >= 3
