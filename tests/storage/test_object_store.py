"""Files in an S3-compatible object store (SeaweedFS on loopback): a report's photos go there and
nowhere else, come back only by a short-lived signed link after Django checked access, are
private in the store, and leave it with their rows."""

import time

import pytest
import requests
from django.core.files.storage import default_storage
from django.urls import reverse

from incidents.models import Incident
from tests.incidents.factories import cctv_still, upload
from tests.incidents.test_reporting import form_data


def report_with_photos(client, world, count=2):
    client.force_login(world.users["participant"])
    photos = [upload(cctv_still(seed=i), name=f"cam{i}.jpg") for i in range(count)]
    data = form_data(world, photos=photos)
    answer = client.post(reverse("incidents:report"), data)
    assert answer.status_code == 302, answer.content.decode()[:500]
    return Incident.objects.get()


def test_a_reports_photos_live_in_the_store_and_come_back_by_a_signed_link(
    client, world, seaweed, object_storage, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # would hold the files if anything still wrote to the disk
    incident = report_with_photos(client, world)

    photos = list(incident.photos.all())
    assert len(photos) == 2
    stored = seaweed.keys(object_storage)
    names = {p.original.name for p in photos} | {p.thumbnail.name for p in photos}
    assert set(stored) == names and len(stored) == 4
    assert not any(tmp_path.iterdir())

    client.force_login(world.users["officer"])
    answer = client.get(reverse("incidents:photo", args=[incident.pk, photos[0].pk]))
    assert answer.status_code == 302 and answer["Cache-Control"] == "private, no-store"
    link = answer["Location"]
    assert link.startswith(seaweed.endpoint) and "X-Amz-Signature=" in link
    assert "X-Amz-Expires=120" in link
    got = requests.get(link, timeout=10)
    assert got.status_code == 200 and got.content[:3] == b"\xff\xd8\xff"  # the JPEG
    assert got.headers["Content-Type"] == "image/jpeg"
    assert got.headers["Cache-Control"] == "private, no-store"

    # The store itself gives nothing without a signature, nor with a tampered one.
    plain = seaweed.url(object_storage, photos[0].original.name)
    assert requests.get(plain, timeout=10).status_code == 403
    assert (
        requests.get(link.replace("X-Amz-Signature=", "X-Amz-Signature=0"), timeout=10).status_code
        == 403
    )


def test_a_signed_link_stops_working_when_it_expires(
    client, world, seaweed, object_storage, settings
):
    incident = report_with_photos(client, world, count=1)
    settings.S3_URL_SECONDS = 1
    client.force_login(world.users["officer"])
    photo = incident.photos.get()
    link = client.get(reverse("incidents:photo", args=[incident.pk, photo.pk]))["Location"]
    assert "X-Amz-Expires=1&" in link or link.endswith("X-Amz-Expires=1")
    time.sleep(2.5)
    assert requests.get(link, timeout=10).status_code == 403


def test_no_link_for_who_may_not_see_the_case(client, world, object_storage):
    incident = report_with_photos(client, world, count=1)
    photo = incident.photos.get()
    for role in ("other_participant", "other_coordinator", "neighbour_owner"):
        client.force_login(world.users[role])
        answer = client.get(reverse("incidents:photo", args=[incident.pk, photo.pk]))
        assert answer.status_code in (403, 404), role
        assert "Location" not in answer


def test_files_leave_the_store_with_their_rows(client, world, seaweed, object_storage):
    incident = report_with_photos(client, world, count=1)
    photo = incident.photos.get()
    assert default_storage.exists(photo.original.name)
    from plumbing.files import delete_files

    delete_files([photo.original.name, photo.thumbnail.name])
    assert seaweed.keys(object_storage) == []


@pytest.mark.parametrize("name", ["../etc/passwd", "/abs/path.jpg", "a\\b.jpg"])
def test_names_that_climb_out_get_no_link(name, object_storage):
    from django.http import Http404

    from plumbing.files import private_file_response

    with pytest.raises(Http404):
        private_file_response(default_storage, name, content_type="image/jpeg")
