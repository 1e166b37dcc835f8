from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from bans import policy
from bans.models import MeasureKind, search_key
from incidents.models import Incident
from plumbing.dates import add_months, last_day_of_term
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.incidents.factories import report

AMS = ZoneInfo("Europe/Amsterdam")
YELLOW_START, YELLOW_END = date(2026, 1, 15), date(2027, 1, 14)


def offence(world, day, kind="shoplifting", hour=14):
    incident = report(world.users["participant"], world.shop, kind=kind)
    moment = datetime(day.year, day.month, day.day, hour, 0, tzinfo=AMS)
    Incident.objects.filter(pk=incident.pk).update(occurred_at=moment)
    incident.occurred_at = moment
    return incident


@pytest.fixture
def person(world):
    return PersonFactory(partnership=world.deventer)


def test_terms():
    assert last_day_of_term(date(2026, 1, 15), 12) == date(2027, 1, 14)
    assert last_day_of_term(date(2026, 1, 15), 24) == date(2028, 1, 14)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert last_day_of_term(date(2026, 3, 1), 12) == date(2027, 2, 28)


def test_first_offence_gets_a_yellow_card_and_a_shop_ban(world, person):
    proposal = policy.propose(person, offence(world, date(2026, 1, 15)))
    assert proposal.kind == MeasureKind.YELLOW
    assert (proposal.starts_on, proposal.ends_on) == (YELLOW_START, YELLOW_END)
    assert proposal.individual_ban_until == YELLOW_END
    assert "gele kaart" in proposal.reason and "15 januari 2026" in proposal.reason


@pytest.mark.parametrize(
    "day,expected",
    [
        (YELLOW_START - timedelta(days=1), MeasureKind.YELLOW),  # before it started
        (YELLOW_START, MeasureKind.RED),
        (YELLOW_END - timedelta(days=1), MeasureKind.RED),
        (YELLOW_END, MeasureKind.RED),  # the last day still counts
        (YELLOW_END + timedelta(days=1), MeasureKind.YELLOW),  # over: a fresh start
    ],
)
def test_offence_around_a_yellow_card(world, person, day, expected):
    MeasureFactory(
        person=person, kind=MeasureKind.YELLOW, starts_on=YELLOW_START, ends_on=YELLOW_END
    )
    assert policy.propose(person, offence(world, day)).kind == expected


def test_the_day_of_an_offence_is_amsterdams_not_utcs(world, person):
    """Half past midnight on a warning's first day is the day before in UTC: still during the
    warning (found by CI, which ran across midnight)."""
    MeasureFactory(
        person=person, kind=MeasureKind.YELLOW, starts_on=YELLOW_START, ends_on=YELLOW_END
    )
    late = Incident.objects.get(pk=offence(world, YELLOW_START, hour=0).pk)  # as stored: UTC
    assert policy.propose(person, late).kind == MeasureKind.RED


@pytest.mark.parametrize(
    "day,expected",
    [
        (date(2027, 1, 14), MeasureKind.EXTENSION),
        (date(2027, 1, 15), MeasureKind.YELLOW),
    ],
)
def test_offence_around_a_red_card(world, person, day, expected):
    red = MeasureFactory(
        person=person, kind=MeasureKind.RED, starts_on=YELLOW_START, ends_on=YELLOW_END
    )
    proposal = policy.propose(person, offence(world, day))
    assert proposal.kind == expected
    if expected == MeasureKind.EXTENSION:
        assert proposal.extends == red
        assert proposal.starts_on == date(2027, 1, 15)
        assert proposal.ends_on == date(2028, 1, 14)


def test_extension_counts_as_the_ban_it_extends(world, person):
    MeasureFactory(
        person=person,
        kind=MeasureKind.EXTENSION,
        starts_on=date(2026, 6, 1),
        ends_on=date(2027, 5, 31),
    )
    assert policy.propose(person, offence(world, date(2027, 5, 31))).kind == MeasureKind.EXTENSION


@pytest.mark.parametrize("setting,expected", [(True, MeasureKind.RED), (False, MeasureKind.YELLOW)])
def test_aggression_goes_straight_to_red_when_configured(world, person, setting, expected):
    world.deventer.aggression_means_red_card = setting
    world.deventer.save()
    person.partnership.refresh_from_db()
    proposal = policy.propose(person, offence(world, date(2026, 3, 1), kind="aggression"))
    assert proposal.kind == expected
    if expected == MeasureKind.RED:
        assert proposal.ends_on == date(2028, 2, 29)  # 24 months, leap day


def test_revoked_proposed_and_expired_measures_do_not_count(world, person):
    for trait in ("revoked", "proposed", "expired"):
        MeasureFactory(person=person, kind=MeasureKind.RED, **{trait: True})
    assert policy.propose(person, offence(world, date.today())).kind == MeasureKind.YELLOW


@pytest.mark.parametrize(
    "day,expected",
    [(YELLOW_END, MeasureKind.EXTENSION), (YELLOW_END + timedelta(days=1), None)],
)
def test_sighting_matters_only_during_a_ban(world, person, day, expected):
    MeasureFactory(person=person, kind=MeasureKind.RED, starts_on=YELLOW_START, ends_on=YELLOW_END)
    MeasureFactory(
        person=person, kind=MeasureKind.YELLOW, starts_on=YELLOW_START, ends_on=date(2030, 1, 1)
    )
    proposal = policy.propose_for_sighting(person, day)
    assert (proposal.kind if proposal else None) == expected


def test_policy_terms_come_from_the_partnership(world, person):
    world.deventer.yellow_card_months = 6
    world.deventer.save()
    person.partnership.refresh_from_db()
    proposal = policy.propose(person, offence(world, date(2026, 1, 15)))
    assert proposal.ends_on == date(2026, 7, 14)


class TestConstraints:
    def test_second_red_card_for_the_same_offence_is_refused(self, world, person):
        incident = offence(world, date(2026, 2, 1))
        MeasureFactory(person=person, kind=MeasureKind.RED, incident=incident)
        with pytest.raises(IntegrityError), transaction.atomic():
            MeasureFactory(person=person, kind=MeasureKind.RED, incident=incident)
        MeasureFactory(person=person, kind=MeasureKind.RED, incident=incident, revoked=True)

    def test_end_before_start_is_refused(self, world, person):
        with pytest.raises(IntegrityError), transaction.atomic():
            MeasureFactory(person=person, starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 30))

    def test_individual_ban_needs_a_shop(self, world, person):
        with pytest.raises(IntegrityError), transaction.atomic():
            MeasureFactory(person=person, kind=MeasureKind.INDIVIDUAL)


def test_search_is_tolerant_of_accents_and_punctuation():
    assert search_key("Ömer-Çelik") == search_key("omer celik") == "omer celik"
    assert search_key("  Jan   de  VRIES ") == "jan de vries"
    assert search_key("Çağrı Łukasz Søren") == "cagri lukasz soren"
