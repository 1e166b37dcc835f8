from django.urls import reverse

from merchants.services import sign_protocol
from tests.bans.factories import MeasureFactory, PersonFactory


def test_gallery_on_a_phone(browser, live_server, world, login_as, axe_check, shoot):
    from tests.browser.conftest import PHONE

    sign_protocol(world.protocol, actor=world.users["participant"])
    assert world.banned.photos.exists()  # a red card with a photo
    MeasureFactory(person=PersonFactory(partnership=world.deventer, display_name="Ann Y."))
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(context, world.users["participant"])
    page = context.new_page()
    page.goto(live_server.url + reverse("bans:gallery"))
    assert page.locator(".gallery__card h2").all_inner_texts() == ["Rob K.", "Ann Y."]
    assert page.locator(".gallery__card img").evaluate("img => img.naturalWidth") > 0
    axe_check(page)
    shoot("gallery", target=page)
    context.close()
