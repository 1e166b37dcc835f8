"""The object store away (issue 22): a report with photos is not lost in a 500. The shop gets
its form back, filled in, with "try again in a moment" (503); a chain's system gets a 503 problem
with Retry-After and may send the same request again. Nothing half is saved."""

import time

import pytest
from django.urls import reverse

from api import tokens
from api.models import ApiClient
from incidents.models import Incident
from tests.incidents.factories import cctv_still, upload
from tests.incidents.test_reporting import form_data
from tests.ports import free_ports


@pytest.fixture
def store_away(seaweed, settings):
    """The app's storage points at an object store that does not answer."""
    _prefix, entry = seaweed.bucket()
    (closed,) = free_ports(1)
    entry = {**entry, "OPTIONS": {**entry["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{closed}"}}
    settings.S3_BUCKET = seaweed.BUCKET
    settings.STORAGES = {**settings.STORAGES, "default": entry}


def test_the_shop_gets_its_form_back_filled_in(client, world, store_away):
    client.force_login(world.users["participant"])
    data = form_data(world, photos=[upload(cctv_still(seed=1), name="cam1.jpg")])
    answer = client.post(reverse("incidents:report"), data)
    page = answer.content.decode()
    assert answer.status_code == 503
    assert "konden nu niet worden opgeslagen, dus de melding is niet verstuurd" in page
    assert data["description"] in page  # filled in: nothing typed is lost
    assert not Incident.objects.exists()


def test_a_chains_system_gets_a_503_it_can_retry(client, world, store_away):
    api_client = ApiClient.objects.create(
        partnership=world.deventer, name="Keten BV", scopes=["incidents:write"]
    )
    api_client.shops.add(world.shop)
    token = tokens.issue_token(api_client, actor=world.users["coordinator"])
    answer = client.post(
        "/api/v1/incidents/",
        {
            "shop": world.shop.pk,
            "kind": "shoplifting",
            "occurred_at": "2026-12-07T10:15:00+01:00",
            "description": "Twee flessen wijn meegenomen zonder te betalen.",
            "police_report": "no",
            "photos": [upload(cctv_still(seed=2), name="cam2.jpg")],
        },
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="kassa-7-1",
    )
    assert answer.status_code == 503 and answer["Retry-After"] == "10"
    assert answer["Content-Type"] == "application/problem+json"
    assert not Incident.objects.exists()


def test_a_person_photo_is_refused_with_a_message_and_nothing_half_saved(client, world, store_away):
    """The officer's other uploads: the person's page comes back with what happened."""
    from bans.models import PersonPhoto
    from tests.bans.factories import PersonFactory

    person = PersonFactory(partnership=world.deventer, display_name="Sem D.")
    client.force_login(world.users["officer"])
    answer = client.post(
        reverse("bans:add_photo", args=[person.pk]),
        {"photo": upload(cctv_still(seed=3), name="still.jpg")},
        follow=True,
    )
    assert answer.status_code == 200
    assert "De foto kon nu niet worden opgeslagen" in answer.content.decode()
    assert not PersonPhoto.objects.exists()


def test_a_dossier_document_is_refused_and_what_was_typed_stays(client, world, store_away):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.models import DossierItem

    client.force_login(world.users["coordinator"])
    answer = client.post(
        reverse("certification:add_item", args=[world.binnenstad.pk]),
        {
            "item-kind": "inspection",
            "item-held_on": "2026-03-10",
            "item-title": "Schouw Brink en Lange Bisschopstraat",
            "item-document": SimpleUploadedFile("schouw.pdf", b"%PDF-1.4\n% schouw\n"),
        },
    )
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Het document kon nu niet worden opgeslagen" in page
    assert "Schouw Brink en Lange Bisschopstraat" in page
    assert not DossierItem.objects.exists()


@pytest.fixture
def own_store(tmp_path, settings):
    """A SeaweedFS of this test's own, to stop and start again."""
    from tests.object_store import SeaweedFS

    store = SeaweedFS(tmp_path / "seaweedfs")
    _prefix, entry = store.bucket()
    settings.S3_BUCKET = store.BUCKET
    settings.STORAGES = {**settings.STORAGES, "default": entry}
    yield store
    store.stop()


def test_a_report_refused_while_the_store_was_stopped_goes_through_once_it_is_back(
    client, world, own_store
):
    from django.core.files.storage import default_storage

    client.force_login(world.users["participant"])
    own_store.stop()
    data = form_data(world, photos=[upload(cctv_still(seed=4), name="cam4.jpg")])
    refused = client.post(reverse("incidents:report"), data)
    assert refused.status_code == 503 and data["description"] in refused.content.decode()
    assert not Incident.objects.exists()

    own_store.start()  # the same ports and data: the store is back
    # As the shop does: "try again in a moment" (the store may take a few seconds to take data
    # for a bucket it had before the stop).
    deadline = time.monotonic() + 60
    while True:
        data = {**data, "photos": [upload(cctv_still(seed=4), name="cam4.jpg")]}
        answer = client.post(reverse("incidents:report"), data)
        if answer.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert answer.status_code == 302
    photo = Incident.objects.get().photos.get()
    assert default_storage.exists(photo.original.name)
