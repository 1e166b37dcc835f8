"""Regression tests for the review of the register."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from bans import retention, services
from bans.models import Measure, MeasureChange, MeasureStatus, Person
from merchants import services as merchant_services
from merchants.services import sign_protocol
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.bans.test_policy import offence


@pytest.fixture
def signed(client, world):
    sign_protocol(world.protocol, actor=world.users["participant"])
    client.force_login(world.users["participant"])
    return client


def test_gallery_search_never_matches_the_full_name(signed, world):
    assert world.banned.full_name.startswith("Voornaam")
    assert signed.get(reverse("bans:gallery"), {"q": "achternaam"}).context["people"] == []
    assert [
        p.display_name for p in signed.get(reverse("bans:gallery"), {"q": "rob"}).context["people"]
    ] == ["Rob K."]


def test_staff_of_a_deactivated_shop_lose_the_gallery(signed, world):
    photo = world.banned.photos.get()
    merchant_services.set_shop_active(world.shop, active=False, actor=world.users["coordinator"])
    # Deactivating the shop logged its staff out; logged in again, the gallery stays shut.
    assert signed.get(reverse("bans:gallery"))["Location"].startswith(reverse("account_login"))
    signed.force_login(world.users["participant"])
    assert signed.get(reverse("bans:gallery")).status_code == 403
    assert (
        signed.get(reverse("bans:gallery_image", args=[world.banned.pk, photo.pk])).status_code
        == 403
    )


def test_revoking_a_card_revokes_its_shop_ban_and_the_person_can_go(world):
    officer = world.users["officer"]
    person = PersonFactory(partnership=world.deventer)
    incident = offence(world, date.today())
    services.link_incident(person, incident, actor=officer)
    card, shop_ban = services.propose_measures(person, incident, actor=officer)
    services.revoke(card, actor=officer, reason="Piet Pietersen, Dorpsstraat 1")
    shop_ban.refresh_from_db()
    assert shop_ban.status == MeasureStatus.REVOKED
    assert retention.strip_people()["people"] == 1
    assert not MeasureChange.objects.filter(measure__person=person).exclude(reason="").exists()


def test_a_decided_offence_is_not_proposed_again(world):
    officer = world.users["officer"]
    person = PersonFactory(partnership=world.deventer)
    incident = offence(world, date.today())
    services.link_incident(person, incident, actor=officer)
    services.confirm(services.propose_measures(person, incident, actor=officer)[0], actor=officer)
    with pytest.raises(services.RegisterError):
        services.propose_measures(person, incident, actor=officer)


def test_a_late_decision_starts_the_measure_on_the_day_of_the_decision(world):
    person = PersonFactory(partnership=world.deventer)
    proposed = MeasureFactory(
        person=person,
        proposed=True,
        starts_on=date.today() - timedelta(days=20),
        ends_on=date.today() - timedelta(days=20) + timedelta(days=364),
    )
    services.confirm(proposed, actor=world.users["officer"])
    proposed.refresh_from_db()
    assert proposed.starts_on == date.today()
    assert proposed.ends_on == date.today() + timedelta(days=364)


def test_tampered_ids_are_404_not_500(client, world, signed):
    seen = reverse("bans:sighting", args=[world.banned.pk])
    assert signed.post(seen, {"shop": "abc", "confirmed": "1"}).status_code == 302
    client.force_login(world.users["officer"])
    response = client.post(reverse("bans:link_person", args=[world.incident.pk]), {"person": "abc"})
    assert response.status_code == 404


def test_no_sighting_button_or_report_for_a_yellow_card(signed, world):
    assert world.banned.measures.get().kind == "red"
    yellow = PersonFactory(partnership=world.deventer, display_name="Ann Y.")
    MeasureFactory(person=yellow, kind="yellow")
    page = signed.get(reverse("bans:gallery"))
    assert page.text.count('action="/register/gallery/') == 1  # only Rob K. (red card)
    response = signed.post(
        reverse("bans:sighting", args=[yellow.pk]), {"confirmed": "1"}, follow=True
    )
    assert "geen collectief winkelverbod" in response.text


def test_merge_into_a_merged_person_is_refused(world):
    admin = world.users["administrator"]
    a, b, c = (PersonFactory(partnership=world.deventer) for _ in range(3))
    services.merge_people(c, b, actor=admin)
    with pytest.raises(services.RegisterError):
        services.merge_people(b, a, actor=admin)
    a.refresh_from_db()
    assert a.merged_into is None and a.full_name


def test_client_ip_behind_the_proxy(client, world, settings):
    from merchants.models import AuditEvent

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.force_login(world.users["officer"])
    client.get(
        reverse("bans:person", args=[world.person.pk]),
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        REMOTE_ADDR="10.0.0.2",
    )
    assert AuditEvent.objects.get(action="bans.person.viewed").ip_address == "203.0.113.9"


def test_stale_proposal_does_not_keep_someone_for_ever(world):
    person = PersonFactory(partnership=world.deventer)
    measure = MeasureFactory(person=person, proposed=True)
    assert retention.strip_people()["people"] == 0
    Measure.objects.filter(pk=measure.pk).update(created_at=measure.created_at - timedelta(days=40))
    assert retention.strip_people()["people"] == 1
    assert Person.objects.get(pk=person.pk).personal_data_removed_at
