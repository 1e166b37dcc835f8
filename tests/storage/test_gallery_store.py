"""The gallery's copies in the object store (issue 22): the page links straight to the store by
its own signed links, which SeaweedFS checks; a copy deleted when its person leaves the gallery
gives nothing, however long its link had left."""

import html
import re
import time

import pytest
import requests
from django.urls import reverse

from bans import gallery_copies, services
from bans.gallery_models import GalleryCopy, GalleryViewer
from merchants.services import sign_protocol

pytestmark = pytest.mark.django_db(transaction=True)


def store_links(client, world, seaweed):
    """The participant opens the gallery, the night makes the shop's copies, and the page is
    opened again: its photos' links that point at the store."""
    staff = world.users["participant"]
    sign_protocol(world.protocol, actor=staff)
    client.force_login(staff)
    world.banned  # noqa: B018 (stored in the store: the storage is the object store by now)
    assert client.get(reverse("bans:gallery")).status_code == 200
    assert gallery_copies.warm(GalleryViewer.objects.get()) == 3
    page = client.get(reverse("bans:gallery")).content.decode()
    links = [html.unescape(link) for link in re.findall(r'src="([^"]+)"', page)]
    return [link for link in links if link.startswith(seaweed.endpoint)]


def test_gallery_photos_come_from_the_store_until_the_measure_ends(
    client, world, seaweed, object_storage, settings
):
    settings.GALLERY_LINK_SECONDS = 240
    links = store_links(client, world, seaweed)
    names = set(GalleryCopy.objects.values_list("name", flat=True))
    assert names <= set(seaweed.keys(object_storage))
    assert len(links) == 1 and "X-Amz-Expires=240" in links[0]
    got = requests.get(links[0], timeout=10)
    assert got.status_code == 200 and got.content[:3] == b"\xff\xd8\xff"
    assert got.headers["Cache-Control"] == "private, no-store"

    services.revoke(world.banned.measures.get(), actor=world.users["officer"], reason="Onterecht")
    assert requests.get(links[0], timeout=10).status_code == 404
    assert not names & set(seaweed.keys(object_storage))


def test_a_gallery_link_stops_working_when_it_expires(
    client, world, seaweed, object_storage, settings
):
    settings.GALLERY_LINK_SECONDS = 1
    (link,) = store_links(client, world, seaweed)
    time.sleep(2.5)
    assert requests.get(link, timeout=10).status_code == 403
