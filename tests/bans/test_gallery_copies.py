"""The gallery's photos: watermarked copies behind signed links (issue 22, bans/gallery_copies.py).

Here Django answers the signed links itself (the embedded set-up); tests/kvo/test_nginx.py shows
nginx answering the same links, and tests/storage/test_gallery_store.py the object store."""

import html
import io
import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from bans import gallery_copies, services, tasks
from bans.gallery_models import GalleryCopy, GalleryViewer
from merchants.services import sign_protocol
from plumbing.files import signed_url
from plumbing.images import process_upload
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.incidents.factories import cctv_still, upload

pytestmark = pytest.mark.django_db(transaction=True)  # decisions delete copies after commit


def signed_links(page):
    return [
        html.unescape(link)
        for link in re.findall(r'src="(/signed/gallery/[^"]+)"', page.content.decode())
    ]


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def open_gallery(client, world):
    staff = world.users["participant"]
    sign_protocol(world.protocol, actor=staff)
    client.force_login(staff)
    page = client.get(reverse("bans:gallery"))
    assert page.status_code == 200
    return page


def test_the_first_view_makes_the_copy_and_the_next_page_links_to_it(client, world):
    """Nobody warmed this shop's copies: the page asks the photo view, which makes the copy for
    the shop and day; from then on the page links to the copy and the link needs no session."""
    world.banned  # noqa: B018 (a red card with a photo)
    page = open_gallery(client, world)
    assert signed_links(page) == []
    assert f"/register/gallery/{world.banned.pk}/photos/" in page.content.decode()
    view = reverse("bans:gallery_image", args=[world.banned.pk, world.banned.photos.get().pk])
    first = client.get(view + "?size=m")
    assert first.status_code == 200 and Image.open(io.BytesIO(first.content)).width == 480
    copy = GalleryCopy.objects.get()
    assert (copy.day, copy.size, copy.person_id) == (timezone.localdate(), "m", world.banned.pk)
    assert copy.viewer.text == world.shop.name
    # The shop's screens asked for the middle size: the night makes that one only.
    assert copy.viewer.sizes == "m"
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert gallery_copies.warm(GalleryViewer.objects.all(), day=tomorrow) == 1
    GalleryCopy.objects.filter(day=tomorrow).delete()

    (link,) = signed_links(client.get(reverse("bans:gallery")))
    client.logout()
    got = client.get(link)
    assert got.status_code == 200 and got["Cache-Control"] == "private, no-store"
    with default_storage.open(copy.name) as stored:
        assert body(got) == stored.read() == first.content  # the copy, as made


def test_signed_links_refuse_tampering_and_age(client, world):
    world.banned  # noqa: B018
    open_gallery(client, world)
    assert gallery_copies.warm(GalleryViewer.objects.get()) == 3
    (link,) = signed_links(client.get(reverse("bans:gallery")))
    name = link.split("?")[0].removeprefix("/signed/")
    assert client.get(link.replace("md5=", "md5=A")).status_code == 403
    assert client.get(link.replace("expires=", "expires=9")).status_code == 403
    assert client.get(signed_url(default_storage, name, seconds=-1)).status_code == 410
    # Only the gallery's copies are handed out this way, signature or not.
    other = world.photo.original.name
    assert client.get(signed_url(default_storage, other, seconds=60)).status_code == 404


def test_a_link_made_before_the_measure_ended_no_longer_gives_the_photo(client, world):
    world.banned  # noqa: B018
    open_gallery(client, world)
    gallery_copies.warm(GalleryViewer.objects.get())
    (link,) = signed_links(client.get(reverse("bans:gallery")))
    names = list(GalleryCopy.objects.values_list("name", flat=True))
    assert client.get(link).status_code == 200

    services.revoke(
        world.banned.measures.get(), actor=world.users["officer"], reason="Ten onrechte"
    )
    assert client.get(link).status_code == 404
    assert not GalleryCopy.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_copies_go_when_a_measure_runs_out_and_when_their_day_is_over(world):
    """No decision when a measure's last day passes: the sweep finds its copies; and yesterday's
    copies (yesterday's date in the watermark) go the next day."""
    world.banned  # noqa: B018
    lasting = PersonFactory(partnership=world.deventer, display_name="Kees V.")
    MeasureFactory(person=lasting, kind="yellow")
    services.add_photo(
        lasting, process_upload(upload(cctv_still(seed=3))), actor=world.users["officer"]
    )
    today = timezone.localdate()
    viewer = gallery_copies.viewer_for(world.deventer, [world.shop], world.shop.name, day=today)
    assert gallery_copies.warm(viewer) == 6
    world.banned.measures.update(ends_on=today - timedelta(days=1))

    assert gallery_copies.prune() == 3
    assert set(GalleryCopy.objects.values_list("person_id", flat=True)) == {lasting.pk}
    assert gallery_copies.prune(day=today + timedelta(days=1)) == 3
    assert not GalleryCopy.objects.exists()


def test_a_new_card_is_ready_for_the_shops_that_look_before_they_look(world):
    """A measure comes into force: the shops that opened the gallery lately get their copies of
    that person at once (Celery, eager here), watermarked with their own shop's name."""
    world.banned  # noqa: B018
    today = timezone.localdate()
    shop_viewer = gallery_copies.viewer_for(world.deventer, [world.shop], "Bakkerij", day=today)
    idle = gallery_copies.viewer_for(
        world.deventer, [world.neighbour_shop], "Slijterij", day=today - timedelta(days=30)
    )
    person = PersonFactory(partnership=world.deventer, display_name="Sem D.")
    services.add_photo(
        person, process_upload(upload(cctv_still(seed=5))), actor=world.users["officer"]
    )
    proposal = MeasureFactory(person=person, kind="red", status="proposed")
    services.confirm(proposal, actor=world.users["officer"])

    made = GalleryCopy.objects.filter(person=person)
    assert sorted(made.values_list("size", flat=True)) == ["l", "m", "s"]
    assert set(made.values_list("viewer", flat=True)) == {shop_viewer.pk}  # not the idle one
    assert not GalleryCopy.objects.filter(viewer=idle).exists()


def test_an_individual_ban_is_copied_for_its_shop_only_and_goes_with_the_ban(world):
    today = timezone.localdate()
    person = PersonFactory(partnership=world.deventer, display_name="Ivo I.")
    services.add_photo(
        person, process_upload(upload(cctv_still(seed=6))), actor=world.users["officer"]
    )
    ban = MeasureFactory(person=person, kind="individual", issuing_shop=world.shop)
    mine = gallery_copies.viewer_for(world.deventer, [world.shop], "Bakkerij", day=today)
    theirs = gallery_copies.viewer_for(world.deventer, [world.neighbour_shop], "Ander", day=today)
    assert gallery_copies.warm(mine) == 3 and gallery_copies.warm(theirs) == 0

    services.revoke(ban, actor=world.users["officer"], reason="Verhuisd")
    assert not GalleryCopy.objects.exists()


def test_a_merged_duplicates_copies_go(world):
    world.banned  # noqa: B018
    today = timezone.localdate()
    viewer = gallery_copies.viewer_for(world.deventer, [world.shop], "Bakkerij", day=today)
    gallery_copies.warm(viewer)
    keep = PersonFactory(partnership=world.deventer, display_name="Rob Kramer")
    services.merge_people(keep, world.banned, actor=world.users["administrator"])
    assert not GalleryCopy.objects.filter(person=world.banned).exists()


def test_a_shop_renamed_while_its_copies_are_made_gets_none_with_the_old_name(world, monkeypatch):
    """The night's run read the viewer before the shop was renamed; the page has since asked for
    the new name. Copies watermarked with the old name are neither kept nor left as files."""
    world.banned  # noqa: B018
    today = timezone.localdate()
    read_by_the_night = gallery_copies.viewer_for(
        world.deventer, [world.shop], "Bakkerij", day=today
    )
    renamed = gallery_copies.viewer_for(world.deventer, [world.shop], "Bakkerij Jansen", day=today)
    assert renamed.pk == read_by_the_night.pk
    folder = f"gallery/{today:%Y/%m}"

    def files():
        return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()

    before = files()
    assert gallery_copies.warm(read_by_the_night, day=today) == 0
    assert files() == before
    assert not GalleryCopy.objects.exists()
    # With the shop's name as it is now, the copies are made and kept.
    assert gallery_copies.warm(GalleryViewer.objects.get(), day=today) == 3


def test_two_screens_asking_for_new_sizes_at_once_keep_both(world):
    """Each request read the viewer before the other wrote: both sizes are made nightly."""
    world.banned  # noqa: B018
    today = timezone.localdate()
    phone = gallery_copies.viewer_for(world.deventer, [world.shop], "Bakkerij", day=today)
    desktop = GalleryViewer.objects.get(pk=phone.pk)
    picture = world.banned.photos.get()
    gallery_copies.copy_for(phone, picture, "l", day=today)
    gallery_copies.copy_for(desktop, picture, "m", day=today)
    gallery_copies.copy_for(desktop, picture, "m", day=today)
    assert sorted(GalleryViewer.objects.get().sizes) == ["l", "m"]


def test_a_copy_whose_file_would_not_go_keeps_its_row_until_the_sweep_deletes_it(
    world, monkeypatch
):
    """Deleting the file is what ends a link given out: a store that refuses the delete leaves
    the row, and the next sweep tries again."""
    world.banned  # noqa: B018
    today = timezone.localdate()
    viewer = gallery_copies.viewer_for(world.deventer, [world.shop], "Bakkerij", day=today)
    gallery_copies.warm(viewer)
    world.banned.measures.update(ends_on=today - timedelta(days=1))

    def refuse(name):
        raise OSError("the store is away")

    with monkeypatch.context() as away:
        away.setattr(default_storage, "delete", refuse)
        assert gallery_copies.prune() == 0
        assert GalleryCopy.objects.count() == 3
    names = list(GalleryCopy.objects.values_list("name", flat=True))
    assert tasks.sweep_gallery_copies() == 3
    assert not GalleryCopy.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_the_night_makes_each_recent_viewers_copies_and_clears_yesterday(world):
    world.banned  # noqa: B018
    today = timezone.localdate()
    recent = gallery_copies.viewer_for(world.deventer, [world.shop], "Bakkerij", day=today)
    idle = gallery_copies.viewer_for(
        world.deventer, [world.neighbour_shop], "Drogisterij", day=today - timedelta(days=30)
    )
    gallery_copies.warm(recent, day=today - timedelta(days=1))  # yesterday's
    assert tasks.daily_gallery_copies() == {"pruned": 3, "viewers": 1}
    assert set(GalleryCopy.objects.values_list("viewer_id", "day").distinct()) == {
        (recent.pk, today)
    }
    assert not GalleryCopy.objects.filter(viewer=idle).exists()


@pytest.mark.parametrize(
    "query", ["md5=%C2%B2%C2%B2&expires=1", "md5=AAAAAAAAAAAAAAAAAAAAAA&expires=%C2%B2", ""]
)
def test_a_link_that_is_not_ours_is_a_403_whatever_it_holds(client, query):
    assert client.get(f"/signed/gallery/2026/12/x.jpg?{query}").status_code == 403
