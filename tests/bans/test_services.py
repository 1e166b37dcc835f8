from datetime import date, timedelta

import pytest
from django.urls import reverse

from bans import services
from bans.models import Measure, MeasureKind, MeasureStatus
from plumbing.dates import last_day_of_term
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.bans.test_policy import offence


@pytest.fixture
def officer(world):
    return world.users["officer"]


@pytest.fixture
def person(world, officer):
    return services.create_person(
        partnership=world.deventer, actor=officer, display_name="Mark V.", full_name="Mark Visser"
    )


def test_first_offence_proposes_yellow_and_a_shop_ban_then_the_officer_confirms(
    world, officer, person
):
    incident = offence(world, date(2026, 3, 2))
    services.link_incident(person, incident, actor=officer)
    measures = services.propose_measures(person, incident, actor=officer, today=date(2026, 3, 3))
    assert [(m.kind, m.status) for m in measures] == [
        (MeasureKind.YELLOW, MeasureStatus.PROPOSED),
        (MeasureKind.INDIVIDUAL, MeasureStatus.PROPOSED),
    ]
    assert measures[1].issuing_shop == world.shop
    yellow = services.confirm(measures[0], actor=officer)
    assert yellow.status == MeasureStatus.ACTIVE and yellow.decided_by == officer
    assert [c.to_status for c in yellow.history.all()] == ["proposed", "active"]
    # Confirming the card decides the card: the shop ban waits for its own decision.
    measures[1].refresh_from_db()
    assert measures[1].status == MeasureStatus.PROPOSED
    shop_ban = services.confirm(measures[1], actor=officer)
    assert shop_ban.status == MeasureStatus.ACTIVE


def test_overriding_a_card_leaves_the_shop_ban_to_its_own_decision(world, officer, person):
    incident = offence(world, date(2026, 3, 2))
    services.link_incident(person, incident, actor=officer)
    card, shop_ban = services.propose_measures(person, incident, actor=officer)
    services.override(card, kind=MeasureKind.RED, months=12, reason="Agressief.", actor=officer)
    shop_ban.refresh_from_db()
    assert shop_ban.status == MeasureStatus.PROPOSED


def test_the_revoke_button_of_a_card_says_it_withdraws_the_shop_ban_proposal(
    world, officer, person, client_as
):
    incident = offence(world, date(2026, 3, 2))
    services.link_incident(person, incident, actor=officer)
    _card, shop_ban = services.propose_measures(person, incident, actor=officer)
    note = "De winkelontzegging die voor hetzelfde feit is voorgesteld, vervalt daarmee ook."
    page = client_as("officer").get(reverse("bans:person", args=[person.pk])).content.decode()
    assert page.count(note) == 1  # on the card's revoke form, not on the shop ban's own
    services.confirm(shop_ban, actor=officer)
    page = client_as("officer").get(reverse("bans:person", args=[person.pk])).content.decode()
    assert note not in page


def test_new_offence_three_months_later_proposes_red(world, officer, person):
    first = offence(world, date(2026, 3, 2))
    services.link_incident(person, first, actor=officer)
    yellow = services.confirm(
        services.propose_measures(person, first, actor=officer, today=date(2026, 3, 2))[0],
        actor=officer,
    )
    # As if decided back then (a measure starts on the day it is decided).
    Measure.objects.filter(pk=yellow.pk).update(
        starts_on=date(2026, 3, 2), ends_on=date(2027, 3, 1)
    )
    second = offence(world, date(2026, 6, 2))
    services.link_incident(person, second, actor=officer)
    proposal = services.propose_measures(person, second, actor=officer, today=date(2026, 6, 3))
    assert [m.kind for m in proposal] == [MeasureKind.RED]
    assert "gele kaart" in proposal[0].proposal_text


def test_only_an_officer_decides(world, person):
    incident = offence(world, date(2026, 3, 2))
    services.link_incident(person, incident, actor=world.users["officer"])
    measure = services.propose_measures(person, incident, actor=world.users["officer"])[0]
    for role in ("administrator", "coordinator", "participant"):
        with pytest.raises(services.RegisterError):
            services.confirm(measure, actor=world.users[role])
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PROPOSED


def test_override_needs_a_reason_and_keeps_it(world, officer, person):
    incident = offence(world, date(2026, 3, 2))
    services.link_incident(person, incident, actor=officer)
    measure = services.propose_measures(person, incident, actor=officer, today=date(2026, 3, 2))[0]
    with pytest.raises(services.RegisterError):
        services.override(measure, kind=MeasureKind.RED, months=12, reason=" ", actor=officer)
    services.override(
        measure, kind=MeasureKind.RED, months=24, reason="Dreigde met een mes", actor=officer
    )
    measure.refresh_from_db()
    assert (measure.kind, measure.ends_on, measure.decision_reason) == (
        MeasureKind.RED,
        last_day_of_term(max(date(2026, 3, 2), date.today()), 24),
        "Dreigde met een mes",
    )


def test_second_red_card_for_the_same_offence_is_refused(world, officer, person):
    incident = offence(world, date(2026, 3, 2))
    services.link_incident(person, incident, actor=officer)
    MeasureFactory(
        person=person,
        kind=MeasureKind.RED,
        incident=incident,
        starts_on=date(2026, 3, 2),
        ends_on=date(2027, 3, 1),
    )
    # The offence has a decided red card: no new proposal for it at all.
    with pytest.raises(services.RegisterError):
        services.propose_measures(person, incident, actor=officer, today=date(2026, 3, 2))


def test_person_of_another_partnership_cannot_be_linked(world, officer):
    stranger = PersonFactory(partnership=world.zwolle)
    with pytest.raises(services.RegisterError):
        services.link_incident(stranger, offence(world, date(2026, 3, 2)), actor=officer)


def test_search_forgives_accents_and_order(world, officer):
    services.create_person(
        partnership=world.deventer, actor=officer, display_name="Ömer Ç.", full_name="Ömer Çelik"
    )
    found = list(services.find_people(world.deventer, "celik omer"))
    assert [p.display_name for p in found] == ["Ömer Ç."]
    assert not services.find_people(world.zwolle, "celik")


def test_search_forgives_a_typo(world, officer):
    services.create_person(
        partnership=world.deventer, actor=officer, display_name="Mark V.", full_name="Mark Visser"
    )
    services.create_person(
        partnership=world.deventer,
        actor=officer,
        display_name="Mohammed B.",
        full_name="Mohammed Bakkali",
    )
    assert [p.display_name for p in services.find_people(world.deventer, "mark fisser")] == [
        "Mark V."
    ]
    assert [p.display_name for p in services.find_people(world.deventer, "Mohamed")] == [
        "Mohammed B."
    ]
    assert services.find_people(world.deventer, "Jansen") == []


def test_expiry_is_daily_and_idempotent(world, person):
    measure = MeasureFactory(person=person, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    assert services.expire_measures(today=date(2025, 12, 31)) == 0  # the last day still counts
    assert services.expire_measures(today=date(2026, 1, 1)) == 1
    assert services.expire_measures(today=date(2026, 1, 2)) == 0
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.EXPIRED
    assert measure.history.last().to_status == "expired"


def test_revoke_needs_a_reason(world, officer, person):
    measure = MeasureFactory(person=person, ends_on=date.today() + timedelta(days=30))
    with pytest.raises(services.RegisterError):
        services.revoke(measure, actor=officer, reason="")
    services.revoke(measure, actor=officer, reason="Verkeerde persoon")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REVOKED


def test_a_proposal_reads_in_the_readers_language(world, person, client):
    """Issue 18: the reason is stored as a code and its figures, not as a Dutch sentence; the
    officer who reads in English sees English, with dates written the reader's way."""
    from django.utils import translation

    officer = world.users["officer"]
    first = offence(world, date(2026, 3, 2))
    services.link_incident(person, first, actor=officer)
    with translation.override("nl"):
        (card, _ban) = services.propose_measures(person, first, actor=officer)
    card.refresh_from_db()
    assert card.proposal_code == "first_offence" and card.proposal_reason == ""
    assert card.proposal_params == {"day": "2026-03-02", "months": 12}
    with translation.override("en"):
        assert card.proposal_text.startswith("No measure in force on March 2, 2026: a yellow card")
    with translation.override("nl"):
        assert card.proposal_text.startswith("Geen maatregel van kracht op 2 maart 2026")
    officer.language = "en"
    officer.save()
    client.force_login(officer)
    page = client.get(reverse("bans:person", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "No measure in force on" in page.text and "Geen maatregel" not in page.text
