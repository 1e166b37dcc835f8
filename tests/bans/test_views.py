from django.urls import reverse

from bans.models import Measure, MeasureStatus, Person
from merchants.models import AuditEvent


def test_officer_links_a_new_person_and_confirms_the_proposal(client, world):
    client.force_login(world.users["officer"])
    case = client.get(world.incident.get_absolute_url())
    assert "Koppel een persoon" in case.text

    response = client.post(
        reverse("bans:link_person", args=[world.incident.pk]),
        {"display_name": "Mark V.", "full_name": "Mark Visser", "description": "Lang, baard"},
    )
    person = Person.objects.get()
    assert response["Location"] == reverse("bans:person", args=[person.pk])
    page = client.get(response["Location"])
    # The identity opens for a stated purpose only.
    assert "Mark Visser" not in page.text and "Identiteitsgegevens tonen" in page.text
    page = client.get(response["Location"], {"purpose": "case", "purpose_text": "DEV-1"})
    assert "Mark Visser" in page.text
    assert AuditEvent.objects.filter(action="bans.person.viewed", object_id=str(person.pk)).exists()

    client.post(reverse("bans:propose", args=[person.pk, world.incident.pk]))
    yellow = Measure.objects.get(kind="yellow")
    client.post(reverse("bans:confirm", args=[yellow.pk]))
    yellow.refresh_from_db()
    assert yellow.status == MeasureStatus.ACTIVE
    letter = client.get(reverse("bans:notice", args=[yellow.pk]), {"purpose": "measure"})
    assert letter["Content-Type"] == "application/pdf"
    assert b"".join(letter.streaming_content).startswith(b"%PDF")
    assert "Mark V." in client.get(world.incident.get_absolute_url()).text


def test_search_finds_an_existing_person_without_accents(client, world):
    from tests.bans.factories import PersonFactory

    PersonFactory(partnership=world.deventer, display_name="Çağrı K.", full_name="Çağrı Kaya")
    client.force_login(world.users["officer"])
    page = client.get(reverse("bans:link_person", args=[world.incident.pk]), {"q": "cagri"})
    assert "Çağrı K." in page.text


def test_participant_never_reaches_identity_fields(client, world):
    client.force_login(world.users["participant"])
    assert client.get(reverse("bans:person", args=[world.person.pk])).status_code == 404
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("bans:person", args=[world.person.pk])).status_code == 404


def test_access_log_shows_who_looked_at_a_person(client, world):
    client.force_login(world.users["officer"])
    client.get(reverse("bans:person", args=[world.person.pk]))
    client.force_login(world.users["administrator"])
    page = client.get(reverse("bans:access_log"), {"person": world.person.pk})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    rows = list(page.context["page"])
    assert [e.action for e in rows] == ["bans.person.viewed"]
    assert rows[0].actor == world.users["officer"]
    other = client.get(reverse("bans:access_log"), {"person": 999999})
    assert list(other.context["page"]) == []
    assert client.get(reverse("bans:access_log"), {"since": "gisteren"}).status_code == 200


def test_administrator_merges_a_duplicate(client, world):
    from bans.models import Measure
    from tests.bans.factories import MeasureFactory, PersonFactory

    keep = world.person
    twin = PersonFactory(
        partnership=world.deventer, display_name="M. Visser", full_name="", address="Brink 1"
    )
    MeasureFactory(person=twin, kind="yellow")
    client.force_login(world.users["officer"])
    client.post(reverse("bans:merge", args=[keep.pk]), {"duplicate": twin.pk})
    twin.refresh_from_db()
    assert twin.merged_into is None  # the officer cannot merge
    client.force_login(world.users["administrator"])
    client.post(reverse("bans:merge", args=[keep.pk]), {"duplicate": twin.pk})
    twin.refresh_from_db()
    keep.refresh_from_db()
    assert twin.merged_into == keep and twin.address == ""
    assert keep.address == "Brink 1"
    assert Measure.objects.filter(person=keep).count() == 1
    response = client.post(
        reverse("bans:merge", args=[keep.pk]), {"duplicate": keep.pk}, follow=True
    )
    assert "Kies twee verschillende personen" in response.text


def test_print_view_is_logged_and_not_cached(client, world):
    from merchants.models import AuditEvent
    from merchants.services import sign_protocol

    sign_protocol(world.protocol, actor=world.users["participant"])
    assert world.banned.photos.exists()
    client.force_login(world.users["participant"])
    page = client.get(reverse("bans:gallery_print"), {"purpose": "counter"})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Rob K." in page.text and "Bakkerij Jansen" in page.text
    assert AuditEvent.objects.filter(action="bans.gallery.printed").count() == 1
