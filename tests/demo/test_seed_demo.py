"""`manage.py seed_demo`, as `make run` uses it: the Deventer partnership with its areas, shops
and accounts, two years of incidents, the register and about 200 civil claims; run again, it adds
nothing; with DEBUG off, the demo passwords stop working.

Seeding takes most of a minute (every letter is a real PDF), so this one test seeds four times in
all and calls the checks each app keeps beside its other tests (tests/incidents/test_demo.py,
tests/demo/test_register.py, tests/demo/test_claims.py).
"""

from allauth.mfa.models import Authenticator
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from alerts.models import settings_for as alert_settings_for
from bans import services
from bans.models import BAN_KINDS, IdentityRequest, MeasureKind, Objection, Person
from claims.models import Claim, settings_for
from demo.claims import ACCOUNT, BENEFICIARY, seed_claims
from demo.incidents import has_demo_incidents, seed_incidents
from demo.police_link import seed_police_link
from demo.register import DEMO_FULL_NAMES, seed_register
from incidents.models import Incident
from merchants.models import AreaKind, Membership, Partnership, Shop, ShoppingArea, User
from merchants.roles import Role
from plumbing.epc import normalise_iban
from tests.demo import test_claims as claims_checks
from tests.demo import test_incidents as incident_checks
from tests.demo import test_register as register_checks


def partnership_counts():
    return {
        "partnerships": Partnership.objects.count(),
        "shopping_areas": ShoppingArea.objects.filter(kind=AreaKind.SHOPPING_AREA).count(),
        "business_parks": ShoppingArea.objects.filter(kind=AreaKind.BUSINESS_PARK).count(),
        "shops": Shop.objects.count(),
        "users": User.objects.count(),
        "roles": set(Membership.objects.values_list("role", flat=True)),
    }


def everything():
    return (
        partnership_counts(),
        incident_checks.counts(),
        register_checks.counts(),
        claims_checks.counts(),
        police_link_counts(),
    )


def police_link_counts():
    return {
        "requests": list(IdentityRequest.objects.values_list("status", flat=True).order_by("pk")),
        "objections": list(Objection.objects.values_list("status", flat=True).order_by("pk")),
    }


def check_police_link(deventer):
    """A request waiting and one answered; an objection open and one rejected by the second
    officer, with its letter."""
    assert police_link_counts() == {
        "requests": ["open", "answered"],
        "objections": ["open", "rejected"],
    }
    rejected = Objection.objects.get(status="rejected")
    assert rejected.decided_by.email == "wijkagent2@demo.kvo.nl"
    assert rejected.measure.decided_by.email == "wijkagent@demo.kvo.nl"
    assert default_storage.exists(rejected.letter.name)


def test_seed_demo_fills_every_part_and_a_second_run_adds_nothing(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, claims=False)
    assert not Claim.objects.exists()
    deventer = Partnership.objects.get(slug="deventer")
    check_partnership(partnership_counts())
    check_incidents(deventer, incident_checks.counts())
    check_register(deventer, register_checks.counts())
    # The demo's shops get sightings and may warn each other, so both can be tried.
    alerts = alert_settings_for(deventer)
    assert alerts.pk and alerts.sightings_to_shops and alerts.warnings_from_shops
    check_police_link(deventer)

    call_command("seed_demo", verbosity=0)  # now with the claims
    first = everything()
    call_command("seed_demo", verbosity=0)
    assert everything() == first
    # Each part's seeder sees its own work and skips.
    assert seed_incidents(deventer)["skipped"]
    assert seed_register(deventer)["skipped"]
    assert seed_claims(deventer)["skipped"]
    assert seed_police_link(deventer)["skipped"]
    assert everything() == first
    check_claims(deventer)
    check_logins(settings)


def check_partnership(counts):
    assert counts["partnerships"] == 1
    assert counts["shopping_areas"] == 16 and counts["business_parks"] == 3
    assert counts["shops"] >= 300
    assert counts["roles"] == set(Role.values)
    names = set(ShoppingArea.objects.values_list("name", flat=True))
    assert {"Binnenstad", "Winkelhart Colmschate", "Keizerslanden"} <= names


def check_incidents(deventer, counts):
    assert has_demo_incidents(deventer)
    assert 3000 <= counts["incidents"] <= 4000
    assert Incident.objects.exclude(partnership=deventer).count() == 0
    now = timezone.now()
    incident_checks.check_trend(Incident.objects.all(), now)
    incident_checks.check_shops_and_reporters(Incident.objects.all())
    incident_checks.check_workflow(Incident.objects.all(), now)
    incident_checks.check_photos()
    incident_checks.check_police_track(Incident.objects.all(), now)


def check_register(deventer, counts):
    today = timezone.localdate()
    in_force = services.collective_in_force(deventer, today)
    assert 30 <= in_force.values("person").distinct().count() <= len(DEMO_FULL_NAMES)
    assert in_force.filter(kind__in=BAN_KINDS).exists()
    assert in_force.filter(kind=MeasureKind.YELLOW).exists()
    assert counts["people"] == counts["photos"]
    assert counts["notices"] == 5
    register_checks.check_people(list(Person.objects.filter(partnership=deventer)), today)
    register_checks.check_measures(deventer, today)
    register_checks.check_photos()
    register_checks.check_notices()


def check_claims(deventer):
    deventer.refresh_from_db()  # the claims seeder set the beneficiary and the account
    assert settings_for(deventer).beneficiary == BENEFICIARY
    assert normalise_iban(settings_for(deventer).iban) == ACCOUNT
    today = timezone.localdate()
    demo_claims = Claim.objects.filter(partnership=deventer).select_related(
        "incident__partnership", "person", "created_by"
    )
    claims_checks.check_states(demo_claims)
    claims_checks.check_cases(demo_claims)
    claims_checks.check_dates(demo_claims, deventer, today)
    claims_checks.check_ledger(deventer, demo_claims, today)
    claims_checks.check_bank(deventer)
    claims_checks.check_letters(demo_claims)


def check_logins(settings):
    owner = User.objects.get(email="eigenaar@demo.kvo.nl")
    assert owner.check_password("demo-kvo-2026")
    officer = User.objects.get(email="wijkagent@demo.kvo.nl")
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()
    settings.DEBUG = False
    call_command("seed_demo", verbosity=0, claims=False)
    owner.refresh_from_db()
    assert not owner.has_usable_password()
