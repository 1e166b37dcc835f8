"""Demo data for the ground floor: KVO Deventer with its areas, 320 shops, one user per role, a
protocol. Called by ``manage.py seed_demo`` (kvo), which adds the higher apps' demo data on top.

Idempotent: every object is found by its natural key first, so seeding again changes no counts. All
data is generated from a fixed seed, never from system randomness. Passwords and TOTP secrets are
only set when DEBUG is on; in production the accounts get unusable passwords.

This package keeps the seeding and its output; the areas are in ``areas``, the shops' names and
``generate_shops`` in ``shops``.
"""

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt, encrypt
from django.db import transaction

from bulletins.models import BulletinMode, BulletinSettings
from demo.merchants.areas import AREAS, OBJECTION_CONTACT, PARTNERSHIP, AreaSpec
from demo.merchants.shops import (
    BUSINESS_TYPES,
    DEMO_SHOP_COUNT,
    FAMILY_NAMES,
    OWNER_SHOP,
    RETAIL_TYPES,
    TRADING_NAMES,
    ShopRow,
    generate_shops,
)
from merchants.models import (
    AreaKind,
    Membership,
    Partnership,
    ProtocolVersion,
    Shop,
    ShopAssignment,
    ShoppingArea,
    User,
)
from merchants.roles import MFA_REQUIRED_ROLES, Role
from merchants.services import log_action, sign_protocol

__all__ = [
    "AREAS",
    "BUSINESS_TYPES",
    "DEMO_PASSWORD",
    "DEMO_SEED",
    "DEMO_SHOP_COUNT",
    "DEMO_TOTP_SECRET",
    "DEMO_USERS",
    "FAMILY_NAMES",
    "OBJECTION_CONTACT",
    "OWNER_SHOP",
    "PARTNERSHIP",
    "PROTOCOL_BODY",
    "PROTOCOL_PUBLISHED_AT",
    "PROTOCOL_TITLE",
    "PROTOCOL_VERSION",
    "RETAIL_TYPES",
    "TRADING_NAMES",
    "AreaSpec",
    "ShopRow",
    "generate_shops",
    "seed_merchants",
    "summary_lines",
    "write_logins",
]

# Shared with `demo_totp`, the tests and the README: the TOTP secret of every demo account with MFA.
DEMO_TOTP_SECRET = "KVODEMOKVODEMOKVODEMOKVODEMOKVOD"  # noqa: S105
DEMO_PASSWORD = "demo-kvo-2026"  # noqa: S105
DEMO_SEED = 2003  # the year the Deventer model started

DEMO_USERS = (
    # email, full name, role, owner, linked to the owner's shop
    ("wijkagent@demo.kvo.nl", "Henk Wolters", Role.OFFICER, False, False),
    # A second officer: objections are decided by someone other than who took the measure.
    ("wijkagent2@demo.kvo.nl", "Fatima el Idrissi", Role.OFFICER, False, False),
    ("beheerder@demo.kvo.nl", "Anouk Brinkman", Role.ADMINISTRATOR, False, False),
    ("coordinator@demo.kvo.nl", "Jeroen Kamphuis", Role.COORDINATOR, False, False),
    ("auditor@demo.kvo.nl", "Sanne Dijkstra", Role.AUDITOR, False, False),
    ("eigenaar@demo.kvo.nl", "Gerrit Jansen", Role.PARTICIPANT, True, True),
    ("medewerker@demo.kvo.nl", "Lotte Nijhof", Role.PARTICIPANT, False, True),
)

PROTOCOL_VERSION = "2026.1"
PROTOCOL_TITLE = "Protocol collectief winkelverbod Deventer"
PROTOCOL_PUBLISHED_AT = datetime(2026, 1, 1, 0, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
PROTOCOL_BODY = "\n\n".join(
    (
        "Dit protocol geldt voor alle deelnemers aan het Keurmerk Veilig Ondernemen "
        "Deventer. Wie het ondertekent, belooft zich aan de onderstaande afspraken te "
        "houden. Zonder ondertekening blijft de galerij met personen met een winkelverbod "
        "gesloten.",
        "1. Wie ziet wat. Deelnemende winkels zien van een persoon met een collectieve "
        "waarschuwing (gele kaart) of een collectief winkelverbod (rode kaart) alleen de "
        "naam, de foto, het signalement, de soort en datum van het incident en de maatregel "
        "met de looptijd. Adres, woonplaats, geboortedatum en geboorteplaats zien alleen de "
        "wijkagent en de beheerder van het register.",
        "2. Vertrouwelijkheid. De gegevens zijn uitsluitend bedoeld om een persoon de "
        "toegang tot de winkel te weigeren en, als dat niet lukt, de politie te bellen. U "
        "bespreekt ze niet met klanten of derden en gebruikt ze nergens anders voor. Elke "
        "raadpleging wordt vastgelegd.",
        "3. Geen foto's buiten het systeem. Foto's en afdrukken blijven binnen het "
        "afgeschermde systeem. Het is verboden ze op te hangen, door te sturen, te delen "
        "via sociale media of berichtenapps, of te kopiëren. Bulletins zijn voorzien van "
        "een watermerk met de naam van uw winkel en zijn niet bestemd om op te hangen.",
        "4. Bewaartermijn. Gegevens van een persoon worden automatisch verwijderd zodra de "
        "maatregel afloopt en er geen andere maatregel meer loopt. Incidenten zonder "
        "maatregel verliezen na een jaar hun persoonsgegevens; alleen anonieme feiten "
        "blijven voor de statistiek bewaard.",
        "5. Besluiten. Alleen de wijkagent besluit over een waarschuwing of een "
        "winkelverbod. Een persoon met een rode kaart die toch een deelnemende winkel "
        "betreedt, pleegt huisvredebreuk (artikel 138 Wetboek van Strafrecht).",
    )
)


# --- seeding --------------------------------------------------------------------------------------


def seed_merchants(*, debug, stdout=None) -> dict:
    """Create or complete the demo partnership; returns the partnership, its owner shop and users,
    and how many objects of each kind were new (``created``).

    ``debug`` decides whether the demo accounts get the public demo password and TOTP secret.
    ``stdout``, when given, receives a progress line.
    """
    with transaction.atomic():
        created = {}
        partnership, created["partnerships"] = Partnership.objects.get_or_create(
            slug=PARTNERSHIP["slug"],
            defaults=PARTNERSHIP | OBJECTION_CONTACT,
        )
        if not partnership.has_objection_address:  # seeded before the letters said where
            for name, value in OBJECTION_CONTACT.items():
                setattr(partnership, name, value)
            partnership.save(update_fields=list(OBJECTION_CONTACT))
        if created["partnerships"]:
            BulletinSettings.objects.create(partnership=partnership, mode=BulletinMode.INLINE)

        areas = {}
        created["areas"] = 0
        for spec in AREAS:
            area, new = ShoppingArea.objects.get_or_create(
                partnership=partnership, name=spec.name, defaults={"kind": spec.kind}
            )
            areas[spec.name] = area
            created["areas"] += new

        created["shops"] = _seed_shops(areas)
        owner_shop = Shop.objects.get(area=areas["Binnenstad"], name=OWNER_SHOP[0])

        users = {}
        created["users"] = 0
        for email, full_name, role, is_owner, in_shop in DEMO_USERS:
            user, new = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
            created["users"] += new
            _set_credentials(user, new, debug, mfa=role in MFA_REQUIRED_ROLES)
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            membership, _ = Membership.objects.get_or_create(
                user=user, partnership=partnership, role=role
            )
            membership.active = True
            membership.ended_at = None
            membership.save()
            if in_shop:
                ShopAssignment.objects.update_or_create(
                    membership=membership, shop=owner_shop, defaults={"is_owner": is_owner}
                )
            users[email] = user

        version, created["protocols"] = ProtocolVersion.objects.get_or_create(
            partnership=partnership,
            version=PROTOCOL_VERSION,
            defaults={
                "title": PROTOCOL_TITLE,
                "body": PROTOCOL_BODY,
                "published_at": PROTOCOL_PUBLISHED_AT,
            },
        )
        owner = users["eigenaar@demo.kvo.nl"]
        sign_protocol(version, actor=owner, shop=owner_shop)
        sign_protocol(version, actor=owner)

        if any(created.values()):
            log_action(
                "merchants.demo.seeded",
                partnership=partnership,
                obj=partnership,
                data={key: int(value) for key, value in created.items()},
            )
    if stdout is not None:
        stdout.write(
            f"Merchants: {partnership.name}, "
            + ", ".join(f"{int(value)} new {key}" for key, value in created.items())
        )
    return {
        "partnership": partnership,
        "owner_shop": owner_shop,
        "users": users,
        "created": created,
    }


def _seed_shops(areas):
    generated = generate_shops(random.Random(DEMO_SEED))  # noqa: S311 (demo data)
    existing = set(Shop.objects.filter(area__in=areas.values()).values_list("area_id", "name"))
    missing = [
        Shop(
            area=areas[area_name],
            name=row.name,
            address=row.address,
            postcode=row.postcode,
            city=row.city,
            kvk_number=row.kvk_number,
            bulletin_email=row.bulletin_email,
            participating_since=row.participating_since,
        )
        for area_name, rows in generated.items()
        for row in rows
        if (areas[area_name].pk, row.name) not in existing
    ]
    Shop.objects.bulk_create(missing, batch_size=200)
    return len(missing)


def _set_credentials(user, new, debug, *, mfa):
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
    if debug:
        # Re-hashing an unchanged password would log out every open demo session.
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if mfa and not totp.exists():
            Authenticator.objects.create(
                user=user,
                type=Authenticator.Type.TOTP,
                data={"secret": encrypt(DEMO_TOTP_SECRET)},
            )
        return
    # Without DEBUG no account may keep a publicly known password or TOTP secret, for instance
    # when a database seeded on a laptop ends up on a server.
    if new or user.check_password(DEMO_PASSWORD):
        user.set_unusable_password()
        user.save(update_fields=["password"])
    for authenticator in totp:
        if decrypt(authenticator.data.get("secret", "")) == DEMO_TOTP_SECRET:
            authenticator.delete()


# --- output ---------------------------------------------------------------------------------------


def summary_lines(partnership, created) -> list[str]:
    """The partnership's totals, with how many of each were new in this run."""
    areas = ShoppingArea.objects.filter(partnership=partnership)
    memberships = Membership.objects.filter(partnership=partnership)
    users = User.objects.filter(memberships__partnership=partnership).distinct()
    return [
        f"Partnership: {partnership.name} ({partnership.code})",
        f"  partnerships: {Partnership.objects.count()} ({int(created['partnerships'])} new)",
        f"  areas: {areas.count()} ({created['areas']} new): "
        f"{areas.filter(kind=AreaKind.SHOPPING_AREA).count()} KVO-W, "
        f"{areas.filter(kind=AreaKind.BUSINESS_PARK).count()} KVO-B",
        f"  shops: {Shop.objects.in_partnership(partnership).count()} ({created['shops']} new)",
        f"  users: {users.count()} ({created['users']} new)",
        f"  memberships: {memberships.count()}",
    ]


def write_logins(stdout, style, *, debug):
    """How to log in as the demo users: passwords and TOTP with DEBUG, password reset without."""
    if not debug:
        stdout.write(
            style.WARNING(
                "DEBUG is off: the demo accounts have no usable password and no TOTP device. "
                "Use 'Forgot password' (password reset) to give them one."
            )
        )
        for email, _name, role, is_owner, _in_shop in DEMO_USERS:
            stdout.write(f"  {email}  ({role}{', owner' if is_owner else ''})")
        return
    width = max(len(row[0]) for row in DEMO_USERS)
    stdout.write("Demo logins (DEBUG only):")
    stdout.write(f"  {'email':<{width}}  {'role':<20}  password")
    for email, _name, role, is_owner, _in_shop in DEMO_USERS:
        label = f"{role}{' (owner)' if is_owner else ''}"
        stdout.write(f"  {email:<{width}}  {label:<20}  {DEMO_PASSWORD}")
    stdout.write("")
    stdout.write(
        "Officer, administrator and coordinator also need a TOTP code from the secret "
        f"{DEMO_TOTP_SECRET}; 'python manage.py demo_totp' prints the current code."
    )
