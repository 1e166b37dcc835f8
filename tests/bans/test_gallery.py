import io
import re

from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from bans import services
from merchants.models import AuditEvent
from merchants.services import sign_protocol
from plumbing.images import GALLERY_BOXES, fitted_size, process_upload
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.incidents.factories import cctv_still, upload


def test_gallery_opens_after_signing_and_shows_watermarked_photos(client, world):
    staff = world.users["participant"]
    client.force_login(staff)
    protocol, banned = world.protocol, world.banned
    yellow = PersonFactory(partnership=world.deventer, display_name="Ann Y.")
    MeasureFactory(person=yellow, kind="yellow")
    PersonFactory(partnership=world.deventer, display_name="Expired E.")  # nothing in force
    MeasureFactory(
        person=PersonFactory(partnership=world.zwolle, display_name="Zwol Z."), kind="red"
    )

    first = client.get(reverse("bans:gallery"))
    assert first.status_code == 302 and first["Location"].startswith(reverse("merchants:protocol"))
    signed = client.post(
        reverse("merchants:protocol"), {"agree": "on", "next": reverse("bans:gallery")}
    )
    assert signed["Location"] == reverse("bans:gallery")

    page = client.get(reverse("bans:gallery"))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    names = [p.display_name for p in page.context["people"]]
    assert names == ["Rob K.", "Ann Y."]  # red first, nothing expired, nobody from Zwolle
    assert "Voornaam" not in page.text  # identity fields never reach a participant
    assert AuditEvent.objects.filter(action="bans.gallery.viewed", actor=staff).count() == 1

    photo = banned.photos.get()
    image = client.get(reverse("bans:gallery_image", args=[banned.pk, photo.pk]))
    assert image.status_code == 200 and "no-store" in image["Cache-Control"]
    stored = default_storage.open(photo.thumbnail.name).read()
    assert image.content != stored
    # The 640 x 480 still at the gallery's normal size (its thumbnail is 320 x 240).
    assert Image.open(io.BytesIO(image.content)).size == (480, 360)
    assert protocol.declarations.filter(user=staff).exists()


def test_protocol_needs_the_box_ticked(client, world):
    assert world.protocol.published_at
    client.force_login(world.users["participant"])
    response = client.post(reverse("merchants:protocol"), {}, follow=True)
    assert "Vink het vakje aan" in response.text
    assert not world.protocol.declarations.exists()


def test_image_of_someone_whose_measure_ended_is_404(client, world):
    sign_protocol(world.protocol, actor=world.users["participant"])
    ended = world.banned
    ended.measures.update(status="expired")
    client.force_login(world.users["participant"])
    response = client.get(reverse("bans:gallery_image", args=[ended.pk, ended.photos.get().pk]))
    assert response.status_code == 404


def test_sighting_reaches_the_officer_at_once(client, world, mailoutbox):
    from django.test import TestCase

    from incidents.models import Incident

    sign_protocol(world.protocol, actor=world.users["participant"])
    banned = world.banned
    client.force_login(world.users["participant"])
    key = "6f1c1d7e-3d5b-4e1a-9a7e-0a0b0c0d0e0f"
    with TestCase.captureOnCommitCallbacks(execute=True):
        yes = {"key": key, "confirmed": "1"}
        first = client.post(reverse("bans:sighting", args=[banned.pk]), yes)
        client.post(reverse("bans:sighting", args=[banned.pk]), yes)  # double tap
    sighting = Incident.objects.get(kind="ban_violation")
    assert first["Location"] == reverse("bans:sighting_done", args=[sighting.pk])
    assert sighting.shop == world.shop and banned in sighting.people.all()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [world.users["officer"].email]
    assert mail.subject == "[KVO] Gezien: Rob K. in Bakkerij Jansen"
    assert f"/incidents/{sighting.pk}/" in mail.body

    older = Incident.objects.create(
        partnership=world.deventer,
        shop=world.shop,
        area=world.binnenstad,
        kind="shoplifting",
        occurred_at=sighting.occurred_at,
        description="Eerder",
    )
    Incident.objects.filter(pk=older.pk).update(created_at=sighting.created_at.replace(year=2025))
    client.force_login(world.users["officer"])
    queue = client.get(reverse("incidents:queue"))
    assert queue.context["page"][0].pk == sighting.pk  # above even older uncontacted cases


def test_no_sighting_once_the_measure_ended(client, world):
    from incidents.models import Incident

    sign_protocol(world.protocol, actor=world.users["participant"])
    banned = world.banned
    banned.measures.update(status="expired")
    client.force_login(world.users["participant"])
    response = client.post(
        reverse("bans:sighting", args=[banned.pk]), {"confirmed": "1"}, follow=True
    )
    assert "geen collectief winkelverbod" in response.text
    assert not Incident.objects.filter(kind="ban_violation").exists()


def test_individual_ban_shows_only_for_the_shop_and_its_owners_branches(client, world):
    from tests.factories import MembershipFactory, ShopFactory, UserFactory

    # The owner of Bakkerij Jansen also owns a branch in Colmschate, with its own staff member.
    branch = ShopFactory(area=world.colmschate, name="Bakkerij Jansen Colmschate")
    owner_membership = world.memberships["owner"]
    from merchants.models import ShopAssignment

    ShopAssignment.objects.create(membership=owner_membership, shop=branch, is_owner=True)
    branch_staff = UserFactory()
    MembershipFactory(user=branch_staff, partnership=world.deventer, shops=[branch])

    person = PersonFactory(partnership=world.deventer, display_name="Ivo I.")
    MeasureFactory(person=person, kind="individual", issuing_shop=world.shop)
    for user in (world.users["participant"], branch_staff, world.users["neighbour_owner"]):
        sign_protocol(world.protocol, actor=user)

    def names(user):
        client.force_login(user)
        return [p.display_name for p in client.get(reverse("bans:gallery")).context["people"]]

    assert "Ivo I." in names(world.users["participant"])  # the issuing shop
    assert "Ivo I." in names(branch_staff)  # the same owner's branch
    assert "Ivo I." not in names(world.users["neighbour_owner"])  # another owner's shop


def test_a_newer_protocol_must_be_signed_again_and_a_draft_changes_nothing(
    client, world, django_assert_num_queries
):
    """The gallery asks for the latest *published* version in one query. A photo whose copy
    exists costs eight queries in all (session, user, membership, protocol, shops, photo, the
    viewer's copies, the copy), however many people, and sends the browser to its signed link."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import ProtocolVersionFactory

    staff = world.users["participant"]
    sign_protocol(world.protocol, actor=staff)
    client.force_login(staff)
    photo = world.banned.photos.get()
    url = reverse("bans:gallery_image", args=[world.banned.pk, photo.pk])
    ProtocolVersionFactory(partnership=world.deventer, published_at=None)  # a draft
    assert client.get(url).status_code == 200  # the first asks: the copy is made
    with django_assert_num_queries(8):
        again = client.get(url)
    assert again.status_code == 302
    assert client.get(again["Location"])["Content-Type"] == "image/jpeg"

    ProtocolVersionFactory(
        partnership=world.deventer, published_at=timezone.now() + timedelta(seconds=1)
    )
    assert client.get(url).status_code == 403
    page = client.get(reverse("bans:gallery"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("merchants:protocol"))


def test_search_finds_a_description_filters_by_card_and_says_when_nothing_matched(client, world):
    """A shop looks for the man with the snake tattoo, or for the red cards only; a search that
    finds nobody says so instead of saying that nobody has a measure in force."""
    staff = world.users["participant"]
    sign_protocol(world.protocol, actor=staff)
    client.force_login(staff)
    assert world.banned.pk  # Rob K., red card
    tattoo = PersonFactory(
        partnership=world.deventer, display_name="Sem D.", description="Slangentatoeage op de hals"
    )
    MeasureFactory(person=tattoo, kind="yellow")

    def shown(**params):
        page = client.get(reverse("bans:gallery"), params)
        return [p.display_name for p in page.context["people"]], page.content.decode()

    assert shown(q="slangentatoeage")[0] == ["Sem D."]
    assert shown(card="red")[0] == ["Rob K."]
    assert shown(card="yellow")[0] == ["Sem D."]
    assert shown(q="sem", card="red")[0] == []
    names, page = shown(q="niemand-zo")
    assert names == [] and "Niemand gevonden met deze zoekopdracht." in page
    assert "Niemand met een collectieve maatregel" not in page
    assert shown(card="purple")[0] == ["Rob K.", "Sem D."]  # an unknown card filters nothing


def test_gallery_photos_keep_their_place_and_the_first_loads_at_once(client, world):
    """Each photo states its size (the page does not jump while photos arrive) and only photos
    further down wait until scrolled to; the size is the thumbnail's, in proportion."""
    staff = world.users["participant"]
    sign_protocol(world.protocol, actor=staff)
    client.force_login(staff)
    second = PersonFactory(partnership=world.deventer, display_name="Sem D.")
    MeasureFactory(person=second, kind="yellow")
    second.photos.create(original="x.jpg", thumbnail="x-t.jpg", width=1200, height=1600)
    photo = world.banned.photos.get()
    page = client.get(reverse("bans:gallery")).content.decode()
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == 2
    first, other = images
    expected = fitted_size(photo.width, photo.height, GALLERY_BOXES["m"])
    assert f'width="{expected[0]}" height="{expected[1]}"' in first
    assert 'loading="lazy"' not in first and 'fetchpriority="high"' in first
    # 1200 x 1600 shown at 480 x 640; the srcset offers the thumbnail and twice the size.
    assert 'width="480" height="640"' in other and 'loading="lazy"' in other
    assert "?size=s 240w" in other and "?size=m 480w" in other and "?size=l 960w" in other


def test_gallery_photos_are_large_enough_to_recognise_someone(client, world):
    """Issue 18: at least 480 px wide for a portrait on a phone, twice that for a dense screen,
    watermarked at that size; a tampered size gets the normal one."""
    staff = world.users["participant"]
    sign_protocol(world.protocol, actor=staff)
    client.force_login(staff)
    person = PersonFactory(partnership=world.deventer, display_name="Sem D.")
    MeasureFactory(person=person, kind="red")
    services.add_photo(
        person,
        process_upload(upload(cctv_still(width=1500, height=2000, seed=4))),
        actor=world.users["officer"],
    )
    url = reverse("bans:gallery_image", args=[person.pk, person.photos.get().pk])

    def size(query):
        response = client.get(url + query, follow=True)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return Image.open(io.BytesIO(body)).size

    assert size("?size=m") == (480, 640)
    assert size("?size=l") == (960, 1280)
    assert size("?size=s") == (240, 320)
    assert size("") == size("?size=xxl") == (480, 640)


def test_the_compact_list_shows_small_photos_one_person_per_row(client, world):
    staff = world.users["participant"]
    sign_protocol(world.protocol, actor=staff)
    client.force_login(staff)
    world.banned  # noqa: B018 (a person with a photo in the gallery)
    page = client.get(reverse("bans:gallery"), {"view": "list"}).content.decode()
    assert 'class="gallery gallery--list"' in page
    assert "?size=s" in page and "srcset" not in page
    assert 'name="view" value="list"' in page  # a search keeps the list


def test_photos_from_before_get_their_rendition_once(world, tmp_path):
    """The gallery scales a large rendition made when a photo is added; photos from 0.8 have
    none until the command made it, and a second run finds nothing to do."""
    from io import StringIO

    from django.core.management import call_command

    photo = world.banned.photos.get()
    assert photo.display and default_storage.exists(photo.display.name)
    assert Image.open(default_storage.open(photo.display.name)).size == (640, 480)
    old = photo.display.name
    type(photo).objects.filter(pk=photo.pk).update(display="")
    out = StringIO()
    call_command("make_gallery_renditions", stdout=out)
    photo.refresh_from_db()
    assert photo.display and photo.display.name != old
    assert "1 renditions made, 0 photos" in out.getvalue()
    out = StringIO()
    call_command("make_gallery_renditions", stdout=out)
    assert "0 renditions made, 0 photos" in out.getvalue()
