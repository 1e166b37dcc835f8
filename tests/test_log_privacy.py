"""Logs carry no personal data (issue 8): a journey through reporting, the register, the gallery,
bulletins and claims, with every log line captured as production writes it (JSON, level DEBUG),
then searched for the names, addresses, emails and photo file names the journey used."""

import io
import json
import logging
import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bans.models import Measure, Person
from incidents.models import Incident
from merchants.services import sign_protocol
from plumbing.logs import JsonFormatter, RequestIdFilter
from tests.incidents.factories import cctv_still, upload
from tests.incidents.test_reporting import exif_with_gps

FULL_NAME = "Kees Bakkerlaan"
DISPLAY_NAME = "Kees B."
ADDRESS = "Brinkstraat 17, 7411 BR Deventer"
BIRTH_PLACE = "Zutphen"


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_a_journey_leaves_no_personal_data_in_the_logs(
    client, world, captured_logs, settings, django_capture_on_commit_callbacks
):
    settings.BULLETIN_DELAY_SECONDS = 0
    staff, officer = world.users["participant"], world.users["officer"]
    world.shop.bulletin_email = "winkel@bakkerij-jansen.nl"
    world.shop.save()

    # A shop reports, with a phone photo whose file name and EXIF name the suspect.
    client.force_login(staff)
    response = client.post(
        reverse("incidents:report"),
        {
            "submission_key": str(uuid.uuid4()),
            "shop": world.shop.pk,
            "kind": "shoplifting",
            "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "description": f"{FULL_NAME} nam twee flessen wijn mee.",
            "goods_value": "24,98",
            "police_report": "yes",
            "police_report_channel": "online",
            "police_report_number": "PL0600-2026123456",
            "person_description": "Lang, rode jas",
            "person_age": "35",
            "photos": [upload(cctv_still(seed=3, exif=exif_with_gps()), "Kees_Bakkerlaan.jpg")],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.latest("pk")
    photo = incident.photos.get()

    # The officer searches the register by name (a query string), adds the person, decides.
    client.force_login(officer)
    client.get(reverse("incidents:queue"), {"q": FULL_NAME})
    client.get(reverse("bans:link_person", args=[incident.pk]), {"q": FULL_NAME})
    client.post(
        reverse("bans:link_person", args=[incident.pk]),
        {
            "display_name": DISPLAY_NAME,
            "full_name": FULL_NAME,
            "description": "Lang, rode jas",
            "birth_date": "1990-03-04",
            "birth_place": BIRTH_PLACE,
            "address": ADDRESS,
            "residence": "Deventer",
        },
    )
    person = Person.objects.get(full_name=FULL_NAME)
    client.get(reverse("bans:person", args=[person.pk]))
    client.post(reverse("bans:propose", args=[person.pk, incident.pk]))
    proposal = Measure.objects.filter(person=person).latest("pk")
    client.post(reverse("bans:confirm", args=[proposal.pk]))
    client.get(reverse("bans:notice", args=[proposal.pk]), {"purpose": "measure"})
    client.get(reverse("incidents:photo", args=[incident.pk, photo.pk]))
    client.get(reverse("bans:person", args=[987654]))  # a tampered id: 404

    # The shop signs the protocol and looks the person up in the gallery; a bulletin goes out.
    sign_protocol(world.protocol, actor=world.users["owner"], shop=world.shop)
    client.force_login(staff)
    client.post(reverse("merchants:protocol"), {"agree": "on"})
    client.get(reverse("bans:gallery"), {"q": DISPLAY_NAME})
    assert world.banned.pk
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bulletins:make"))

    lines = captured_logs.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    # The capture works: one access line per request, each with its request id.
    access = [r for r in records if r["logger"] == "kvo.access"]
    assert len(access) == 13
    assert all(re.fullmatch(r"[0-9a-f]{32}", r["request_id"]) for r in access)
    assert any(
        r["path"] == reverse("bans:person", args=[987654]) and r["status"] == 404 for r in access
    )
    assert [r["status"] for r in access] == [
        302,
        200,
        200,
        302,
        200,
        302,
        302,
        200,
        200,
        404,
        302,
        200,
        302,
    ]
    assert mail.outbox, "the journey sent no mail: it did not reach the bulletin"

    text = captured_logs.getvalue()
    forbidden = {
        FULL_NAME,
        "Bakkerlaan",
        "Brinkstraat",
        "7411",
        BIRTH_PLACE,
        "1990-03-04",
        "Kees_Bakkerlaan",
        "lippenstift",
        photo.original.name,
        photo.thumbnail.name,
        *[user.email for user in world.users.values() if user is not None],
        world.shop.bulletin_email,
    }
    for stored in (photo.original.name, photo.thumbnail.name):
        forbidden.add(stored.rsplit("/", 1)[-1].split(".")[0])
    leaks = sorted(value for value in forbidden if value and value in text)
    assert not leaks, f"personal data in the logs: {leaks}"
    assert "?" not in " ".join(r["path"] for r in access)
