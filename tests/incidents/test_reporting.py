import io
import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from incidents.models import Incident, IncidentPhoto, KeptPhoto, StatusChange
from incidents.workflow import Status
from merchants.models import AuditEvent
from tests.incidents.factories import cctv_still, upload


def exif_with_gps():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 15.0, 30.0)
    gps[3] = "E"
    gps[4] = (6.0, 9.0, 40.0)
    return exif


def form_data(world, **overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "shop": world.shop.pk,
        "kind": "shoplifting",
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Vrouw nam drie lippenstiften mee zonder te betalen.",
        "goods_value": "41,85",
        "police_report": "will_do",
        "person_description": "Blond, lange jas",
        "person_age": "40",
    }
    return {**data, **overrides}


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["participant"])
    return client


class TestReportForm:
    def test_form_is_mobile_ready(self, staff, world):
        page = staff.get(reverse("incidents:report"))
        assert page.status_code == 200
        # Gallery and camera both: `capture` would force the camera on phones.
        assert 'accept="image/*"' in page.text and "capture=" not in page.text
        # Date and time are one stop on the keyboard, filled in with now, the Dutch way.
        assert 'type="datetime-local"' not in page.text
        assert re.search(r'name="occurred_at" value="\d\d-\d\d-20\d\d \d\d:\d\d"', page.text)
        assert page.context["form"]["shop"].value() == world.shop.pk
        for sensitive in ("ethnic", "religion", "nationality", "health"):
            assert sensitive not in {f.lower() for f in page.context["form"].fields}

    def test_report_with_two_photos(self, staff, world):
        data = form_data(world)
        data["photos"] = [
            upload(cctv_still(seed=1, exif=exif_with_gps()), "IMG_0001.JPG"),
            upload(cctv_still(seed=2, fmt="PNG"), "schermafbeelding.png", "image/png"),
        ]
        response = staff.post(reverse("incidents:report"), data)

        incident = Incident.objects.get()
        assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
        assert incident.shop == world.shop and incident.area == world.binnenstad
        assert incident.partnership == world.deventer
        assert incident.reporter == world.users["participant"]
        assert str(incident.goods_value) == "41.85"
        assert incident.status == Status.REPORTED
        assert list(incident.history.values_list("to_status", flat=True)) == [Status.REPORTED]
        assert AuditEvent.objects.filter(action="incidents.incident.reported").count() == 1
        photos = list(incident.photos.all())
        assert len(photos) == 2
        for photo in photos:
            stored = default_storage.open(photo.original.name).read()
            assert b"Exif" not in stored and b"GPS" not in stored
            image = Image.open(io.BytesIO(stored))
            assert image.format == "JPEG" and not image.getexif()
            assert "IMG_0001" not in photo.original.name
        # The EXIF orientation was applied before the EXIF went: 640x480 stands upright.
        assert (photos[0].width, photos[0].height) == (480, 640)
        detail = staff.get(response["Location"])
        assert "Bedankt" in detail.text

    def test_double_submit_creates_one_incident(self, staff, world):
        data = form_data(world)
        first = staff.post(reverse("incidents:report"), data)
        second = staff.post(reverse("incidents:report"), data)
        assert Incident.objects.count() == 1
        assert first["Location"] == second["Location"]

    @pytest.mark.parametrize(
        "field,value,message",
        [
            ("occurred_at", "2099-01-01T10:00", "niet in de toekomst liggen"),
            ("description", "x" * 20_000, "niet meer dan 5000 tekens"),
            ("goods_value", "-5", "minstens 0"),
            ("goods_value", "250000", "hoogstens 100000"),
            ("person_age", "400", "hoogstens 110"),
            ("person_birth_date", "2099-05-01", "kan niet in de toekomst liggen"),
            ("kind", "murder", "geen beschikbare keuze"),
        ],
    )
    def test_bad_input_keeps_the_form_and_saves_nothing(self, staff, world, field, value, message):
        response = staff.post(reverse("incidents:report"), form_data(world, **{field: value}))
        assert response.status_code == 200
        assert message in response.text
        assert "Blond, lange jas" in response.text  # what was typed stays
        assert not Incident.objects.exists()

    def test_another_shops_id_is_refused(self, staff, world):
        for shop in (world.neighbour_shop, world.zwolle_shop):
            response = staff.post(reverse("incidents:report"), form_data(world, shop=shop.pk))
            assert "Selecteer een geldige keuze." in response.text
        assert not Incident.objects.exists()

    @pytest.mark.parametrize(
        "payload,name",
        [
            (b"dit is geen foto", "bon.jpg"),
            (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a.svg"),
            (cctv_still()[:4000], "afgebroken.jpg"),
        ],
    )
    def test_bad_photo_is_refused_and_nothing_is_stored(
        self, staff, world, payload, name, tmp_path
    ):
        data = form_data(world, photos=[upload(payload, name)])
        response = staff.post(reverse("incidents:report"), data)
        assert response.status_code == 200
        # The error names the file; nothing is kept of it.
        assert name in response.text
        assert not Incident.objects.exists() and not IncidentPhoto.objects.exists()
        assert not KeptPhoto.objects.exists()
        assert not any((tmp_path / "private").rglob("*.jpg"))

    def test_script_in_text_is_shown_escaped(self, staff, world):
        script = "<script>alert('x')</script>"
        staff.post(reverse("incidents:report"), form_data(world, description=script))
        page = staff.get(Incident.objects.get().get_absolute_url())
        assert script not in page.text
        assert "&lt;script&gt;" in page.text

    def test_officer_and_coordinator_cannot_report(self, client, world):
        for role in ("officer", "coordinator"):
            client.force_login(world.users[role])
            assert client.get(reverse("incidents:report")).status_code == 403


class TestPhotos:
    def test_photo_is_private_and_not_cached(self, client, world):
        client.force_login(world.users["participant"])
        response = client.get(reverse("incidents:photo", args=[world.incident.pk, world.photo.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"

    def test_photo_of_another_incident_is_404(self, client, world):
        from tests.incidents.factories import report

        other = report(world.users["neighbour_owner"], world.neighbour_shop, photos=1)
        client.force_login(world.users["officer"])
        url = reverse("incidents:photo", args=[world.incident.pk, other.photos.get().pk])
        assert client.get(url).status_code == 404


def test_history_is_written_once_per_report(world):
    assert StatusChange.objects.filter(incident=world.incident).count() == 1


class TestHostileUploads:
    def test_fifty_megabytes_is_refused_without_saving(self, staff, world):
        big = upload(b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024), "groot.jpg")
        response = staff.post(reverse("incidents:report"), form_data(world, photos=[big]))
        assert response.status_code == 200
        assert "groter dan 15 MB" in response.text
        assert not Incident.objects.exists()

    def test_decompression_bomb_is_refused_quickly(self, staff, world):
        import time

        buffer = io.BytesIO()
        Image.new("1", (30_000, 30_000)).save(buffer, "PNG")
        started = time.perf_counter()
        response = staff.post(
            reverse("incidents:report"),
            form_data(world, photos=[upload(buffer.getvalue(), "bom.png", "image/png")]),
        )
        assert time.perf_counter() - started < 5
        assert "meer dan 40 megapixels" in response.text
        assert not Incident.objects.exists()

    def test_seven_photos_is_one_too_many(self, staff, world):
        photos = [upload(cctv_still(seed=i), f"{i}.jpg") for i in range(7)]
        response = staff.post(reverse("incidents:report"), form_data(world, photos=photos))
        assert "Voeg maximaal 6 foto" in response.text
        assert not Incident.objects.exists()


def test_a_public_note_never_travels_by_mail(world, mailoutbox):
    from django.test import TestCase

    from incidents import services

    incident = world.incident  # reported before: only the status email is looked at
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.transition(
            incident,
            to=Status.IN_REVIEW,
            actor=world.users["officer"],
            public_note="<script>alert(1)</script>",
        )
    html = mailoutbox[0].alternatives[0][0]
    # The note never travels by mail at all (it may name people); the shop logs in to read it.
    assert "alert(1)" not in html and "alert(1)" not in mailoutbox[0].body


def test_the_aangifte_question_is_answered_by_the_reporter_not_preset(staff, world):
    """A civil claim depends on the answer: nothing is pre-selected, required questions are
    marked, and a report without the answer is refused with the question kept open."""
    page = staff.get(reverse("incidents:report")).content.decode()
    for value in ("yes", "will_do", "no"):
        radio = re.search(rf'<input[^>]*name="police_report"[^>]*value="{value}"[^>]*>', page)
        assert radio and "checked" not in radio.group(0), value
    assert "Vragen met een * moeten beantwoord worden." in page
    assert '<legend class="required">Aangifte gedaan' in page
    data = form_data(world)
    del data["police_report"]
    refused = staff.post(reverse("incidents:report"), data)
    assert refused.status_code == 200 and "Dit veld is verplicht." in refused.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "typed", ["{d:%d-%m-%Y %H:%M}", "{d:%d-%m-%Y %H.%M}", "{d:%Y-%m-%dT%H:%M}"]
)
def test_date_and_time_typed_the_dutch_way(staff, world, typed):
    when = timezone.localtime() - timedelta(hours=2)
    data = form_data(world, occurred_at=typed.format(d=when))
    assert staff.post(reverse("incidents:report"), data).status_code == 302
    assert Incident.objects.get().occurred_at == when.replace(second=0, microsecond=0)


def test_a_date_it_cannot_read_says_how_to_write_it(staff, world):
    page = staff.post(reverse("incidents:report"), form_data(world, occurred_at="gisteren"))
    assert "dag-maand-jaar" in page.context["form"].errors["occurred_at"][0]
    assert not Incident.objects.exists()
