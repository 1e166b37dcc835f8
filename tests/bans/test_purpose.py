"""Access with a purpose: identity fields, exports and printouts of people ask why, and the
access log keeps the answer with the event."""

import pytest
from django.urls import reverse

from merchants.models import AuditEvent
from merchants.services import sign_protocol


def event(action):
    return AuditEvent.objects.filter(action=action).latest("pk")


class TestIdentityFields:
    @pytest.fixture
    def person(self, world):
        person = world.person
        person.full_name, person.address = "Mark Visser", "Brink 12"
        person.save()
        return person

    def test_hidden_until_a_purpose_is_given_then_logged_with_it(self, client, world, person):
        client.force_login(world.users["officer"])
        url = reverse("bans:person", args=[person.pk])
        page = client.get(url).content.decode()
        assert "Brink 12" not in page and "Waarom hebt u dit nodig?" in page
        assert not AuditEvent.objects.filter(action="bans.person.identity_opened").exists()
        page = client.get(url, {"purpose": "claim", "purpose_text": "DEV-2026-00012"})
        assert "Brink 12" in page.content.decode()
        opened = event("bans.person.identity_opened")
        assert opened.actor == world.users["officer"] and opened.object_id == str(person.pk)
        assert opened.data == {"purpose": "claim", "purpose_text": "DEV-2026-00012"}

    @pytest.mark.parametrize(
        "query",
        [{"purpose": "other"}, {"purpose": "curious"}, {"purpose": "counter"}],
    )
    def test_otherwise_needs_words_and_a_purpose_from_the_list(self, client, world, person, query):
        client.force_login(world.users["administrator"])
        page = client.get(reverse("bans:person", args=[person.pk]), query).content.decode()
        assert "Brink 12" not in page
        assert not AuditEvent.objects.filter(action="bans.person.identity_opened").exists()

    def test_the_access_log_shows_the_purpose(self, client, world, person):
        client.force_login(world.users["officer"])
        client.get(
            reverse("bans:person", args=[person.pk]),
            {"purpose": "other", "purpose_text": "Vraag van de officier van justitie"},
        )
        client.force_login(world.users["administrator"])
        log = client.get(reverse("bans:access_log"), {"person": person.pk}).content.decode()
        assert "Bekeek de identiteitsgegevens" in log
        assert "Anders (leg uit): Vraag van de officier van justitie" in log


def test_the_full_export_asks_first(client, world):
    client.force_login(world.users["officer"])
    url = reverse("incidents:export")
    page = client.get(url, {"since": "2026-01-01"})
    assert page["Content-Type"].startswith("text/html")
    assert 'name="since" value="2026-01-01"' in page.content.decode()  # carried along
    assert not AuditEvent.objects.filter(action="incidents.export.full").exists()
    export = client.get(url, {"since": "2026-01-01", "purpose": "police", "purpose_text": "PL06"})
    assert export["Content-Type"].startswith("text/csv")
    data = event("incidents.export.full").data
    assert (data["purpose"], data["purpose_text"], data["since"]) == (
        "police",
        "PL06",
        "2026-01-01",
    )


def test_printing_the_gallery_asks_the_shop_why(client, world):
    sign_protocol(world.protocol, actor=world.users["participant"])
    assert world.banned.pk
    client.force_login(world.users["participant"])
    url = reverse("bans:gallery_print")
    page = client.get(url).content.decode()
    assert "Rob K." not in page and "Mensen met een maatregel herkennen in de winkel" in page
    assert "Een civiele vordering" not in page  # the shop's list is its own
    assert client.get(url, {"purpose": "claim"}).status_code == 400
    printed = client.get(url, {"purpose": "counter"})
    assert "Rob K." in printed.content.decode()
    assert event("bans.gallery.printed").data["purpose"] == "counter"


def test_a_notice_letter_asks_and_a_claim_or_a_pack_carries_its_own(client, world):
    client.force_login(world.users["officer"])
    url = reverse("bans:notice", args=[world.notice.measure_id])
    assert client.get(url)["Content-Type"].startswith("text/html")
    letter = client.get(url, {"purpose": "measure"})
    assert letter["Content-Type"] == "application/pdf"
    assert event("bans.notice.printed").data["purpose"] == "measure"
    client.get(reverse("claims:detail", args=[world.claim.pk]))
    assert event("claims.claim.viewed").data["purpose"] == "claim"
    client.get(reverse("incidents:police_pack", args=[world.incident.pk]))
    assert event("incidents.pack.made").data["purpose"] == "police"
