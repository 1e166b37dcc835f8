import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from bans import services
from claims import services as claim_services
from claims.models import Claim
from claims.services import create_claim, eligibility, money, rf_reference, take_number
from tests.bans.factories import PersonFactory
from tests.bans.test_policy import offence


@pytest.fixture
def case(world):
    incident = offence(world, date(2026, 6, 15))
    person = PersonFactory(
        partnership=world.deventer, full_name="Mark Visser", birth_date=date(2012, 6, 15)
    )
    services.link_incident(person, incident, actor=world.users["officer"])
    return incident, person


def test_eligible_case_gets_a_numbered_claim_with_a_reference(world, case):
    incident, person = case
    claim = create_claim(
        incident,
        person,
        actor=world.users["officer"],
        lines=[("Twee flessen wijn", "24.98")],
    )
    assert claim.number.startswith("DEV-2026-") and claim.sequence == 1
    assert claim.fixed_amount == Decimal("181.00")
    assert claim.lines.get().amount == Decimal("24.98")
    assert claim.snapshot["full_name"] == "Mark Visser"
    digits = "".join(
        str(int(c, 36)) for c in claim.payment_reference[4:] + claim.payment_reference[:4]
    )
    assert int(digits) % 97 == 1  # a valid ISO 11649 reference


@pytest.mark.parametrize(
    "change,reason",
    [
        ({"birth_date": date(2012, 6, 16)}, "was 13 on the day"),
        ({"full_name": ""}, "not identified"),
        ({"caught_in_act": False}, "not caught in the act"),
        ({"police_report": "will_do"}, "No police report"),
    ],
)
def test_each_rule_is_explained(world, case, change, reason):
    from django.utils import translation

    incident, person = case
    for field, value in change.items():
        setattr(person if hasattr(person, field) else incident, field, value)
    with translation.override("en"):
        verdict = eligibility(incident, person)
    assert not verdict.ok and any(reason in r for r in verdict.reasons)
    with pytest.raises(services.RegisterError):
        create_claim(incident, person, actor=world.users["officer"])
    assert not Claim.objects.exists()


def test_fourteen_on_the_day_itself_is_enough(world, case):
    incident, person = case  # born 15 June 2012, incident 15 June 2026
    assert eligibility(incident, person).ok


@pytest.mark.parametrize("value", ["1.005", "abc", "-"])
def test_money_refuses_three_decimals_and_nonsense(value):
    with pytest.raises(services.RegisterError):
        money(value)


def test_negative_damage_line_is_refused(world, case):
    incident, person = case
    with pytest.raises(services.RegisterError):
        create_claim(incident, person, actor=world.users["officer"], lines=[("Korting", "-5")])
    assert not Claim.objects.exists()


def test_numbers_run_on_and_restart_each_year(world):
    numbers = [take_number(world.deventer, 2026) for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert take_number(world.deventer, 2027) == 1
    assert take_number(world.zwolle, 2026) == 1


def test_rf_reference_matches_the_standard_example():
    assert rf_reference("539007547034") == "RF18539007547034"  # ISO 11649's own example


@pytest.mark.django_db(transaction=True)
def test_parallel_creation_gives_no_gap_and_no_duplicate(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions: PostgreSQL (CI), not the SQLite default")
    cases = []
    for _ in range(8):
        incident = offence(world, date(2026, 6, 15))
        person = PersonFactory(
            partnership=world.deventer, full_name="X Y", birth_date=date(1990, 1, 1)
        )
        services.link_incident(person, incident, actor=world.users["officer"])
        cases.append((incident, person))
    barrier = threading.Barrier(len(cases))
    errors = []

    def make(incident, person):
        try:
            barrier.wait(timeout=10)
            create_claim(incident, person, actor=world.users["officer"])
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=make, args=case) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(Claim.objects.values_list("sequence", flat=True)) == list(range(1, 9))
    assert claim_services.MINIMUM_AGE == 14
