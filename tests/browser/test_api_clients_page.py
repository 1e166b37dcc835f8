"""The API clients page in Chromium: a chain's few shops are found among the partnership's many
by typing part of a name or an area, and a ticked shop stays in sight."""

from django.urls import reverse


def test_the_shop_list_of_a_new_client_filters_as_the_coordinator_types(
    page, live_server, world, login_as, axe_check, shoot
):
    login_as(page.context, world.users["coordinator"])
    page.goto(live_server.url + reverse("api_clients:list"))
    shops = page.locator("label:has(input[data-filter-list])")
    assert shops.count() == 2
    page.get_by_label("Bakkerij Jansen · Binnenstad").check()

    page.get_by_label("Zoek een winkel of een gebied").fill("smit")
    visible = [label.inner_text().strip() for label in shops.all() if label.is_visible()]
    assert visible == ["Bakkerij Jansen · Binnenstad", "Drogisterij Smit · Binnenstad"]
    page.get_by_label("Zoek een winkel of een gebied").fill("drog")
    page.get_by_label("Bakkerij Jansen · Binnenstad").uncheck()
    page.get_by_label("Zoek een winkel of een gebied").fill("drogist")
    visible = [label.inner_text().strip() for label in shops.all() if label.is_visible()]
    assert visible == ["Drogisterij Smit · Binnenstad"]
    axe_check(page)
    shoot("filtered")
