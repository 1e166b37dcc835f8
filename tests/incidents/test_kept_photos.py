"""Photos chosen on a report form that comes back with an error are kept (issue 18): the reporter
does not choose them again, can remove one, and an abandoned form's photos go after a day."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from incidents import retention
from incidents.models import Incident, KeptPhoto
from tests.incidents.factories import cctv_still, upload
from tests.incidents.test_reporting import form_data


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["participant"])
    return client


def photos(*seeds):
    return [upload(cctv_still(seed=seed), f"cam{seed}.jpg") for seed in seeds]


def test_photos_survive_an_error_and_one_can_be_removed(
    staff, world, django_capture_on_commit_callbacks
):
    data = form_data(world, description="", photos=photos(1, 2, 3))
    page = staff.post(reverse("incidents:report"), data)
    assert page.status_code == 200 and not Incident.objects.exists()
    kept = list(KeptPhoto.objects.order_by("pk"))
    assert len(kept) == 3
    # The page shows them, each with a remove box, and no "choose them again".
    for photo in kept:
        url = reverse("incidents:kept_photo", args=[photo.submission_key, photo.pk])
        assert url in page.text
        assert staff.get(url).status_code == 200
    assert page.text.count('name="remove_photos"') == 3
    assert not page.context["photos_lost"] and "kies ze opnieuw" not in page.text

    # Sent again with the description, the second photo removed and a fourth one added.
    removed = kept[1]
    again = form_data(
        world,
        submission_key=data["submission_key"],
        remove_photos=[removed.pk],
        photos=photos(4),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("incidents:report"), again)
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert incident.photos.count() == 3
    assert {p.original.name for p in incident.photos.all()} >= {
        kept[0].original.name,
        kept[2].original.name,
    }
    assert not KeptPhoto.objects.exists()
    assert not default_storage.exists(removed.original.name)
    assert not default_storage.exists(removed.thumbnail.name)


def test_kept_photos_count_towards_the_limit(staff, world):
    data = form_data(world, description="", photos=photos(1, 2, 3, 4))
    staff.post(reverse("incidents:report"), data)
    again = form_data(world, submission_key=data["submission_key"], photos=photos(5, 6, 7))
    page = staff.post(reverse("incidents:report"), again)
    assert not Incident.objects.exists()
    assert "6" in page.context["form"].errors["photos"][0]
    # The four kept stay; the three too many are not kept, and the page says so.
    assert KeptPhoto.objects.count() == 4
    assert page.context["photos_lost"]


def test_another_users_kept_photos_are_not_taken(client, staff, world):
    data = form_data(world, description="", photos=photos(1))
    staff.post(reverse("incidents:report"), data)
    kept = KeptPhoto.objects.get()
    client.force_login(world.users["owner"])
    url = reverse("incidents:kept_photo", args=[kept.submission_key, kept.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("incidents:report"), form_data(world, submission_key=data["submission_key"])
    )
    assert response.status_code == 302
    assert Incident.objects.get().photos.count() == 0
    assert KeptPhoto.objects.filter(pk=kept.pk).exists()


def test_the_background_send_is_told_where_to_go(staff, world):
    response = staff.post(
        reverse("incidents:report"), form_data(world, photos=photos(1)), HTTP_HX_REQUEST="true"
    )
    incident = Incident.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == incident.get_absolute_url()


def test_abandoned_photos_are_deleted_after_a_day(staff, world, django_capture_on_commit_callbacks):
    staff.post(reverse("incidents:report"), form_data(world, description="", photos=photos(1)))
    kept = KeptPhoto.objects.get()
    assert retention.drop_abandoned_photos() == 0
    later = timezone.now() + timedelta(days=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.drop_abandoned_photos(now=later) == 1
    assert not KeptPhoto.objects.exists()
    assert not default_storage.exists(kept.original.name)
