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
