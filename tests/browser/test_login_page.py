"""The login page on a 360 px phone: one "Forgot your password?" link, big enough to tap and far
enough from the password field that a thumb does not hit both (issue 18)."""

from django.urls import reverse


def test_forgot_password_is_one_link_that_a_thumb_can_hit(browser, live_server, axe_check, shoot):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL")
    page = context.new_page()
    page.goto(live_server.url + reverse("account_login"))
    links = page.get_by_role("link", name="Wachtwoord vergeten?")
    assert links.count() == 1
    link = links.bounding_box()
    password = page.locator("input[name=password]").bounding_box()
    assert link["height"] >= 44 and link["width"] >= 44, link
    # Neither the field's box nor its 24 px surround overlaps the link (WCAG 2.5.8 spacing).
    assert link["y"] - (password["y"] + password["height"]) >= 24, (password, link)
    axe_check(page)
    shoot("login-360", target=page)
    context.close()
