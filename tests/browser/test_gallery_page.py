from django.urls import reverse

from merchants.services import sign_protocol
from tests.bans.factories import MeasureFactory, PersonFactory


def test_gallery_on_a_phone(browser, live_server, world, login_as, axe_check, shoot):
    """On a phone of pixel density 3 the browser picks the large rendition; the compact list
    shows small photos, one person per row; both fit 360 px."""
    from tests.browser.conftest import PHONE, assert_fits

    sign_protocol(world.protocol, actor=world.users["participant"])
    assert world.banned.photos.exists()  # a red card with a photo
    MeasureFactory(person=PersonFactory(partnership=world.deventer, display_name="Ann Y."))
    context = browser.new_context(viewport=PHONE, locale="nl-NL", device_scale_factor=3)
    login_as(context, world.users["participant"])
    page = context.new_page()
    page.goto(live_server.url + reverse("bans:gallery"))
    assert page.locator(".gallery__card h2").all_inner_texts() == ["Rob K.", "Ann Y."]
    photo = page.locator(".gallery__card img")
    page.wait_for_function("img => img.complete", arg=photo.element_handle())
    assert "size=l" in photo.evaluate("img => img.currentSrc")
    assert photo.evaluate("img => img.naturalWidth") > 0
    assert_fits(page, "gallery")
    axe_check(page)
    shoot("gallery", target=page)
    page.get_by_role("link", name="Compacte lijst").click()
    page.wait_for_url("**view=list")
    assert page.locator(".gallery--list .gallery__card").count() == 2
    assert photo.evaluate("img => img.getBoundingClientRect().width") <= 100
    assert_fits(page, "compact gallery")
    axe_check(page)
    shoot("gallery-list", target=page)
    context.close()


def test_gallery_prints_on_a4(browser, live_server, world, login_as, axe_check):
    import subprocess
    from pathlib import Path

    sign_protocol(world.protocol, actor=world.users["participant"])
    assert world.banned.photos.exists()
    context = browser.new_context(locale="nl-NL")
    login_as(context, world.users["participant"])
    page = context.new_page()
    page.goto(live_server.url + reverse("bans:gallery_print"))
    axe_check(page)
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / "gallery-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.stat().st_size > 5000
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(out / "gallery-print"),
        ],
        check=False,
    )
    context.close()
