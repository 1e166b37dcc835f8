from allauth.mfa.models import Authenticator
from django.core.management import call_command

from merchants.models import AreaKind, Membership, Partnership, Shop, ShoppingArea, User
from merchants.roles import Role


def counts():
    return {
        "partnerships": Partnership.objects.count(),
        "shopping_areas": ShoppingArea.objects.filter(kind=AreaKind.SHOPPING_AREA).count(),
        "business_parks": ShoppingArea.objects.filter(kind=AreaKind.BUSINESS_PARK).count(),
        "shops": Shop.objects.count(),
        "users": User.objects.count(),
        "roles": set(Membership.objects.values_list("role", flat=True)),
    }


def test_seed_demo_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, claims=False)
    first = counts()
    call_command("seed_demo", verbosity=0, claims=False)
    assert counts() == first
    assert first["partnerships"] == 1
    assert first["shopping_areas"] == 16 and first["business_parks"] == 3
    assert first["shops"] >= 300
    assert first["roles"] == set(Role.values)
    names = set(ShoppingArea.objects.values_list("name", flat=True))
    assert {"Binnenstad", "Winkelhart Colmschate", "Keizerslanden"} <= names


def test_demo_logins_work_only_in_debug(client, db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, claims=False)
    owner = User.objects.get(email="eigenaar@demo.kvo.nl")
    assert owner.check_password("demo-kvo-2026")
    officer = User.objects.get(email="wijkagent@demo.kvo.nl")
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()

    settings.DEBUG = False
    call_command("seed_demo", verbosity=0, claims=False)
    owner.refresh_from_db()
    assert not owner.has_usable_password()
