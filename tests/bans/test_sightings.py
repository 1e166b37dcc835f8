""" "Seen in my shop" asks first, says what to do now and can be withdrawn for a few minutes
(issue 18)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bans import sightings
from bans.services import RegisterError
from incidents.models import Incident
from merchants.models import AuditEvent
from merchants.services import sign_protocol


@pytest.fixture
def signed(client, world):
    sign_protocol(world.protocol, actor=world.users["participant"])
    client.force_login(world.users["participant"])
    return client


def test_without_confirmation_the_shop_is_asked_and_nothing_is_reported(signed, world):
    page = signed.post(reverse("bans:sighting", args=[world.banned.pk]), {"key": "x"})
    assert page.status_code == 200
    assert "Bel bij gevaar meteen 112" in page.text or "112" in page.text
    assert 'name="confirmed" value="1"' in page.text
    assert not Incident.objects.filter(kind="ban_violation").exists()


def test_confirmed_sighting_says_what_to_do_and_can_be_withdrawn(
    signed, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed.post(
            reverse("bans:sighting", args=[world.banned.pk]), {"confirmed": "1"}, follow=True
        )
    sighting = Incident.objects.get(kind="ban_violation")
    assert "112" in response.text and 'href="tel:112"' in response.text
    undo = reverse("bans:sighting_undo", args=[sighting.pk])
    assert undo in response.text
    with django_capture_on_commit_callbacks(execute=True):
        done = signed.post(undo, follow=True)
    assert "ingetrokken" in done.text
    assert not Incident.objects.filter(kind="ban_violation").exists()
    assert AuditEvent.objects.filter(action="bans.sighting.withdrawn").count() == 1
    subjects = [m.subject for m in mailoutbox]
    assert subjects == [
        "[KVO] Gezien: Rob K. in Bakkerij Jansen",
        "[KVO] Melding ingetrokken: Rob K.",
    ]
    assert "per vergissing" in mailoutbox[1].body


def test_the_undo_ends_after_five_minutes_or_once_the_officer_acted(signed, world):
    sighting = world.sighting
    later = sighting.created_at + sightings.UNDO_WINDOW + timedelta(seconds=1)
    with pytest.raises(RegisterError):
        sightings.withdraw_sighting(sighting, actor=world.users["participant"], now=later)
    Incident.objects.filter(pk=sighting.pk).update(status="in_review")
    sighting.refresh_from_db()
    page = signed.get(reverse("bans:sighting_done", args=[sighting.pk]))
    assert reverse("bans:sighting_undo", args=[sighting.pk]) not in page.text
    response = signed.post(reverse("bans:sighting_undo", args=[sighting.pk]), follow=True)
    assert "kan niet meer worden ingetrokken" in response.text
    assert Incident.objects.filter(pk=sighting.pk).exists()
    assert timezone.now() < later  # the window, not the clock, refused the first try


def test_a_sighting_stores_no_sentence_and_each_reader_reads_their_language(client, world):
    sighting = world.sighting
    assert sighting.description == ""
    client.force_login(world.users["officer"])
    url = sighting.get_absolute_url()
    assert "Gezien in de winkel: gemeld vanuit de galerij." in client.get(url).text
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert "Seen in the shop: reported from the gallery." in english
