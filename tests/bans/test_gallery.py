import io

from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from merchants.models import AuditEvent
from merchants.services import sign_protocol
from tests.bans.factories import MeasureFactory, PersonFactory


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
    assert Image.open(io.BytesIO(image.content)).size == Image.open(io.BytesIO(stored)).size
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
