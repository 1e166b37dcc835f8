import pytest
from django.urls import reverse

from merchants.models import AuditEvent, Shop
from tests.factories import AreaFactory, MembershipFactory, ShopFactory


def shop_data(world, **overrides):
    data = {
        "name": "Slagerij Bosman",
        "area": world.binnenstad.pk,
        "address": "Lange Bisschopstraat 12",
        "postcode": "7411jt",
        "city": "Deventer",
        "kvk_number": "12345678",
        "bulletin_email": "bosman@example.nl",
        "participating_since": "2024-03-01",
    }
    return {**data, **overrides}


class TestShopList:
    def test_search_and_pagination(self, client, world):
        ShopFactory.create_batch(30, area=world.colmschate)
        ShopFactory(area=world.colmschate, name="Juwelier Kolkman")
        client.force_login(world.users["officer"])
        url = reverse("merchants:shop_list")

        first = client.get(url)
        assert first.context["page"].paginator.count == 33
        assert len(first.context["page"].object_list) == 25
        assert "Pagina 1 van 2" in first.text
        assert "Boekhandel Zwolle" not in first.text

        found = client.get(url, {"q": "kolkman"})
        assert [s.name for s in found.context["page"]] == ["Juwelier Kolkman"]

        by_area = client.get(url, {"area": world.binnenstad.pk, "page": 1})
        assert {s.name for s in by_area.context["page"]} == {"Bakkerij Jansen", "Drogisterij Smit"}

    def test_tampered_page_and_area_do_not_fail(self, client, world):
        client.force_login(world.users["officer"])
        url = reverse("merchants:shop_list")
        assert client.get(url, {"page": "999"}).status_code == 200
        assert client.get(url, {"page": "abc"}).status_code == 200
        response = client.get(url, {"area": world.zwolle_area.pk})
        assert response.status_code == 200
        assert "Boekhandel Zwolle" not in response.text

    def test_deactivated_shops_are_hidden_unless_asked_for(self, client, world):
        ShopFactory(area=world.binnenstad, name="Oude Winkel", deactivated=True)
        client.force_login(world.users["coordinator"])
        url = reverse("merchants:shop_list")
        assert "Oude Winkel" not in client.get(url).text
        assert "Oude Winkel" in client.get(url, {"status": "inactive"}).text

    @pytest.mark.parametrize(
        "page", ["merchants:shop_list", "merchants:member_list", "merchants:area_list", "home"]
    )
    def test_query_count_does_not_grow_with_the_data(
        self, client, world, django_assert_max_num_queries, page
    ):
        client.force_login(world.users["coordinator"])
        url = reverse(page)
        client.get(url)  # warm the session and per-process caches

        def count_queries():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        small = count_queries()
        for _ in range(40):
            shop = ShopFactory(area=world.colmschate)
            MembershipFactory(partnership=world.deventer, shops=[shop])
        large = count_queries()
        assert small == large, f"{page}: {small} queries with little data, {large} with more"
        assert large <= 12


class TestShopEditing:
    def test_coordinator_adds_a_shop(self, client, world):
        client.force_login(world.users["coordinator"])
        response = client.post(reverse("merchants:shop_create"), shop_data(world))
        shop = Shop.objects.get(name="Slagerij Bosman")
        assert response.status_code == 302 and response["Location"] == shop.get_absolute_url()
        assert shop.postcode == "7411 JT"
        assert AuditEvent.objects.filter(action="merchants.shop.created", object_id=str(shop.pk))

    @pytest.mark.parametrize(
        "field,value,message",
        [
            ("postcode", "12345", "Voer een Nederlandse postcode in, zoals 7411 AB."),
            ("kvk_number", "1234", "Een KvK-nummer heeft precies 8 cijfers."),
            ("participating_since", "31-02-2024", "Voer een geldige datum in."),
            ("name", "", "Dit veld is verplicht."),
        ],
    )
    def test_bad_input_gets_a_dutch_message_and_saves_nothing(
        self, client, world, field, value, message
    ):
        client.force_login(world.users["coordinator"])
        response = client.post(reverse("merchants:shop_create"), shop_data(world, **{field: value}))
        assert response.status_code == 200
        assert message in response.text
        assert not Shop.objects.filter(address="Lange Bisschopstraat 12").exists()

    def test_area_of_another_partnership_cannot_be_chosen(self, client, world):
        client.force_login(world.users["coordinator"])
        response = client.post(
            reverse("merchants:shop_create"), shop_data(world, area=world.zwolle_area.pk)
        )
        assert response.status_code == 200
        assert not Shop.objects.filter(name="Slagerij Bosman").exists()

    def test_edit_and_deactivate(self, client, world):
        client.force_login(world.users["coordinator"])
        client.post(
            reverse("merchants:shop_edit", args=[world.shop.pk]),
            shop_data(world, name="Bakkerij Jansen & Zn."),
        )
        client.post(reverse("merchants:shop_set_active", args=[world.shop.pk]), {"active": "0"})
        world.shop.refresh_from_db()
        assert world.shop.name == "Bakkerij Jansen & Zn."
        assert not world.shop.active and world.shop.deactivated_at
        page = client.get(world.shop.get_absolute_url())
        assert "Deze winkel is gedeactiveerd" in page.text
        client.post(reverse("merchants:shop_set_active", args=[world.shop.pk]), {"active": "1"})
        world.shop.refresh_from_db()
        assert world.shop.active and world.shop.deactivated_at is None


class TestAreas:
    def test_create_and_refuse_duplicate_name(self, client, world):
        client.force_login(world.users["coordinator"])
        url = reverse("merchants:area_create")
        client.post(url, {"name": "Keizerslanden", "kind": "kvo_w", "active": "on"})
        again = client.post(url, {"name": "keizerslanden", "kind": "kvo_w", "active": "on"})
        assert "Dit samenwerkingsverband heeft al een gebied met die naam." in again.text
        assert world.deventer.areas.filter(name__iexact="keizerslanden").count() == 1

    def test_same_name_in_another_partnership_is_fine(self, client, world):
        AreaFactory(partnership=world.zwolle, name="Keizerslanden")
        client.force_login(world.users["coordinator"])
        client.post(
            reverse("merchants:area_create"),
            {"name": "Keizerslanden", "kind": "kvo_w", "active": "on"},
        )
        assert world.deventer.areas.filter(name="Keizerslanden").exists()


class TestDoubleSubmit:
    def test_second_identical_post_explains_and_adds_nothing(self, client, world):
        client.force_login(world.users["coordinator"])
        client.post(reverse("merchants:shop_create"), shop_data(world))
        again = client.post(
            reverse("merchants:shop_create"), shop_data(world, name="slagerij BOSMAN")
        )
        assert again.status_code == 200
        assert "heeft al een winkel met deze naam op dit adres" in again.text
        assert Shop.objects.filter(name__iexact="slagerij bosman").count() == 1

    def test_race_between_check_and_insert_becomes_a_message(self, world, rf):
        from merchants.forms import ShopForm
        from merchants.views import _save_or_explain

        form = ShopForm(shop_data(world), partnership=world.deventer)
        assert form.is_valid()
        # The other request of the double submit wins the race after our form was validated.
        ShopFactory(
            area=world.binnenstad, name="Slagerij Bosman", address="Lange Bisschopstraat 12"
        )

        saved = _save_or_explain(
            form,
            "merchants.shop.created",
            actor=world.users["coordinator"],
            partnership=world.deventer,
        )
        assert saved is None
        assert form.non_field_errors()
        assert Shop.objects.filter(name="Slagerij Bosman").count() == 1
        assert not AuditEvent.objects.filter(action="merchants.shop.created").exists()
