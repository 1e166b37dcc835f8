"""Reports through the API: a chain files with photos for its shops in two partnerships, exactly
once per Idempotency-Key, checked and cleaned as the shop's form does; and reads its cases back."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from api import tokens
from api.models import ApiClient
from incidents.models import Incident
from merchants.roles import Role
from tests.factories import MembershipFactory, UserFactory, add_totp
from tests.incidents.factories import cctv_still

URL = "/api/v1/incidents/"


def bearer(token, **extra):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", **extra}


def chain_client(world, partnership, shop, scopes=("incidents:write", "incidents:read")):
    client = ApiClient.objects.create(partnership=partnership, name="Keten BV", scopes=list(scopes))
    client.shops.add(shop)
    return tokens.issue_token(client, actor=world.users["coordinator"])


def still(seed, exif=None):
    data = cctv_still(seed=seed, exif=exif)
    upload = io.BytesIO(data)
    upload.name = f"cam{seed}.jpg"
    return upload


def report_data(for_shop, **changes):
    return {
        "shop": for_shop.pk,
        "kind": "shoplifting",
        "occurred_at": "2026-12-07T10:15:00+01:00",
        "description": "Twee flessen wijn meegenomen zonder te betalen.",
        "police_report": "no",
        "caught_in_act": "true",
        **changes,
    }


def test_a_chain_files_with_photos_in_two_partnerships_and_each_officer_sees_its_own(client, world):
    from tests.test_log_privacy import exif_with_gps

    deventer_token = chain_client(world, world.deventer, world.shop)
    zwolle_token = chain_client(world, world.zwolle, world.zwolle_shop)
    filed = {}
    for token, shop, seed in (
        (deventer_token, world.shop, 1),
        (zwolle_token, world.zwolle_shop, 3),
    ):
        data = report_data(shop, photos=[still(seed, exif_with_gps()), still(seed + 1)])
        response = client.post(URL, data, **bearer(token, HTTP_IDEMPOTENCY_KEY="kassa-7-0815"))
        assert response.status_code == 201, response.content
        filed[shop.pk] = Incident.objects.get(pk=response.json()["id"])
    deventer, zwolle = filed[world.shop.pk], filed[world.zwolle_shop.pk]
    assert (deventer.partnership, zwolle.partnership) == (world.deventer, world.zwolle)
    # Cleaned as the form's: JPEG again, no EXIF (no GPS), a hash of what was stored.
    for photo in [*deventer.photos.all(), *zwolle.photos.all()]:
        data = default_storage.open(photo.original.name).read()
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and not image.getexif()
        assert photo.sha256 and len(photo.sha256) == 64
    assert deventer.photos.count() == zwolle.photos.count() == 2
    # Each partnership's officer sees only its own.
    zwolle_officer = UserFactory(email="agent@zwolle.example")
    MembershipFactory(user=zwolle_officer, partnership=world.zwolle, role=Role.OFFICER)
    add_totp(zwolle_officer)
    assert set(Incident.objects.visible_to(world.users["officer"])) >= {deventer}
    assert zwolle not in Incident.objects.visible_to(world.users["officer"])
    assert list(Incident.objects.visible_to(zwolle_officer)) == [zwolle]
    client.force_login(world.users["officer"])
    queue = client.get(reverse("incidents:queue")).content.decode()
    assert deventer.reference in queue and zwolle.reference not in queue


def test_json_without_photos_works_too(client, world):
    token = chain_client(world, world.deventer, world.shop)
    data = report_data(world.shop, caught_in_act=True, goods_value="12.50")
    response = client.post(URL, data, content_type="application/json", **bearer(token))
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert incident.caught_in_act and str(incident.goods_value) == "12.50"


def test_exactly_once_per_key(client, world):
    token = chain_client(world, world.deventer, world.shop)
    headers = bearer(token, HTTP_IDEMPOTENCY_KEY="retry-1")
    first = client.post(URL, report_data(world.shop), **headers)
    again = client.post(URL, report_data(world.shop), **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    other = client.post(URL, report_data(world.shop, description="Iets anders"), **headers)
    assert other.status_code == 400 and "Idempotency-Key" in other.json()["errors"]
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"shop": 0}, "shop"),
        ({"occurred_at": "2099-01-01T10:00:00+01:00"}, "occurred_at"),
        ({"police_report": "yes"}, "police_report_number"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_reports_are_refused_like_the_form_does(client, world, changes, field):
    token = chain_client(world, world.deventer, world.shop)
    response = client.post(URL, report_data(world.shop, **changes), **bearer(token))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]
    assert not Incident.objects.exists()


def test_a_damaged_photo_stores_nothing(client, world):
    token = chain_client(world, world.deventer, world.shop)
    broken = io.BytesIO(cctv_still(seed=1)[:400])
    broken.name = "half.jpg"
    response = client.post(URL, report_data(world.shop, photos=[broken]), **bearer(token))
    assert response.status_code == 400 and "photos" in response.json()["errors"]
    assert not Incident.objects.exists()


def test_reading_back_only_the_own_shops_cases(client, world):
    token = chain_client(world, world.deventer, world.shop, scopes=("incidents:read",))
    own = world.incident  # Bakkerij Jansen's
    from tests.incidents.factories import report

    neighbour = report(world.users["neighbour_owner"], world.neighbour_shop)
    listed = client.get(URL, **bearer(token)).json()
    assert [case["id"] for case in listed["results"]] == [own.pk]
    detail = client.get(f"{URL}{own.pk}/", **bearer(token)).json()
    assert detail["reference"] == own.reference and detail["timeline"][0]["title"] == "Gemeld"
    assert "person_name" not in detail and "witness" not in detail
    assert client.get(f"{URL}{neighbour.pk}/", **bearer(token)).status_code == 404
    elsewhere = chain_client(world, world.zwolle, world.zwolle_shop, scopes=("incidents:read",))
    assert client.get(f"{URL}{own.pk}/", **bearer(elsewhere)).status_code == 404
    # Reading is not filing.
    posted = client.post(URL, report_data(world.shop), **bearer(token))
    assert posted.status_code == 403
