"""An owner signs the protocol on behalf of its shop; only then do photo bulletins reach it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from merchants.models import AuditEvent, ProtocolDeclaration
from merchants.roles import Role
from merchants.services import sign_protocol
from tests.factories import MembershipFactory

PROTOCOL = reverse("merchants:protocol")


@pytest.fixture(autouse=True)
def _published(world):
    """KVO Deventer has a published protocol (the world makes it on first use)."""
    assert world.protocol.published_at


def test_owner_signs_for_the_shop(client_as, world):
    client = client_as("owner")
    page = client.get(PROTOCOL)
    assert page.status_code == 200
    assert page.context["shop_declarations"] == [(world.shop, None)]

    response = client.post(PROTOCOL, {"shop": world.shop.pk, "agree": "on"})

    assert response.status_code == 302 and response["Location"] == PROTOCOL
    declaration = ProtocolDeclaration.objects.get(shop=world.shop)
    assert declaration.version == world.protocol
    assert declaration.user == world.users["owner"]
    # The shop's declaration is not the owner's own signature: the gallery still asks for that.
    assert not ProtocolDeclaration.objects.filter(shop=None).exists()
    assert AuditEvent.objects.filter(
        action="merchants.protocol.signed", actor=world.users["owner"]
    ).exists()


def test_signing_twice_keeps_the_first_time_stamp(client_as, world):
    first = sign_protocol(world.protocol, actor=world.users["owner"], shop=world.shop)
    ProtocolDeclaration.objects.filter(pk=first.pk).update(
        signed_at=timezone.now() - timedelta(days=3)
    )
    first.refresh_from_db()

    client_as("owner").post(PROTOCOL, {"shop": world.shop.pk, "agree": "on"})

    assert ProtocolDeclaration.objects.get(shop=world.shop).signed_at == first.signed_at


def test_page_shows_who_signed_for_the_shop_and_when(client_as, world):
    sign_protocol(world.protocol, actor=world.users["owner"], shop=world.shop)
    page = client_as("owner").get(PROTOCOL, headers={"accept-language": "en"})
    [(shop, declaration)] = page.context["shop_declarations"]
    assert shop == world.shop and declaration.user == world.users["owner"]
    # Signed: no form to sign it again.
    assert f'name="shop" value="{world.shop.pk}"' not in page.text
    assert str(world.users["owner"]) in page.text


def test_personal_signature_and_shop_signature_are_separate(client_as, world):
    client = client_as("owner")
    response = client.post(PROTOCOL, {"agree": "on", "next": reverse("merchants:my_shops")})
    assert response["Location"] == reverse("merchants:my_shops")
    assert world.protocol.declarations.filter(user=world.users["owner"], shop=None).exists()
    assert not world.protocol.declarations.filter(shop__isnull=False).exists()

    # Personally signed, the owner can still sign for the shop afterwards.
    assert f'name="shop" value="{world.shop.pk}"' in client.get(PROTOCOL).text
    client.post(PROTOCOL, {"shop": world.shop.pk, "agree": "on"})
    assert world.protocol.declarations.filter(shop=world.shop).exists()


def test_staff_who_is_not_owner_cannot_sign_for_the_shop(client_as, world):
    client = client_as("participant")
    page = client.get(PROTOCOL)
    assert page.status_code == 200 and page.context["shop_declarations"] == []
    assert 'name="shop"' not in page.text

    response = client.post(PROTOCOL, {"shop": world.shop.pk, "agree": "on"})

    assert response.status_code == 403
    assert not ProtocolDeclaration.objects.filter(version=world.protocol).exists()


def test_tampered_shop_id_of_the_neighbour_is_404(client_as, world):
    client = client_as("owner")
    for tampered in [world.neighbour_shop.pk, world.zwolle_shop.pk, "x", ""]:
        response = client.post(PROTOCOL, {"shop": tampered, "agree": "on"})
        assert response.status_code == 404, tampered
    assert not ProtocolDeclaration.objects.filter(version=world.protocol).exists()


def test_owner_of_a_shop_elsewhere_cannot_sign_it_under_this_protocol(client_as, world):
    """Owning a shop in another partnership does not let it sign the current one's protocol."""

    MembershipFactory(
        user=world.users["owner"],
        partnership=world.zwolle,
        role=Role.PARTICIPANT,
        shops=[world.zwolle_shop],
        shops__owner=True,
    )
    client = client_as("owner")
    assert client.get(PROTOCOL).context["shop_declarations"] == [(world.shop, None)]
    assert client.post(PROTOCOL, {"shop": world.zwolle_shop.pk, "agree": "on"}).status_code == 404
    assert not ProtocolDeclaration.objects.exists()


def test_my_shop_shows_whether_the_shop_declaration_is_signed(client_as, world):
    client = client_as("owner")
    unsigned = client.get(reverse("merchants:my_shops"))
    [shop] = unsigned.context["shops"]
    assert shop.protocol_version == world.protocol and shop.protocol_declaration is None
    assert reverse("merchants:protocol") in unsigned.text

    sign_protocol(world.protocol, actor=world.users["owner"], shop=world.shop)
    signed = client.get(reverse("merchants:my_shops"))
    [shop] = signed.context["shops"]
    assert shop.protocol_declaration.user == world.users["owner"]


def test_my_shop_text_in_english(client_as, world):
    client = client_as("owner")
    page = client.get(reverse("merchants:my_shops"), headers={"accept-language": "en"})
    assert "Protocol signed for the shop" in page.text and "sign it" in page.text
    protocol_page = client.get(PROTOCOL, headers={"accept-language": "en"})
    assert "whose owner signed the protocol on behalf of the shop" in protocol_page.text
    assert f"Sign for {world.shop.name}" in protocol_page.text


def test_signed_shop_receives_the_bulletin(client_as, world):
    """The point of it all: the declaration made on this page lets the bulletin through."""
    from bulletins import editions as bulletin_editions
    from bulletins.models import BulletinDelivery, DeliveryState

    world.shop.bulletin_email = "bulletin@bakkerij-jansen.nl"
    world.shop.save()
    assert world.banned.pk
    client_as("owner").post(PROTOCOL, {"shop": world.shop.pk, "agree": "on"})

    bulletin = bulletin_editions.make_bulletin(
        world.deventer, trigger="manual", actor=world.users["officer"]
    )

    delivery = BulletinDelivery.objects.get(bulletin=bulletin, shop=world.shop)
    assert delivery.state != DeliveryState.NOT_SENT
    neighbour = BulletinDelivery.objects.get(bulletin=bulletin, shop=world.neighbour_shop)
    assert neighbour.state == DeliveryState.NOT_SENT


def test_signing_for_the_shop_needs_the_tick(client_as, world):
    from merchants.models import ProtocolDeclaration

    assert world.protocol.published_at
    client_as("owner").post(PROTOCOL, {"shop": world.shop.pk})
    assert not ProtocolDeclaration.objects.filter(shop=world.shop).exists()
