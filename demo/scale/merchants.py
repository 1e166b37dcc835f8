"""The national-scale partnerships with their claim settings, areas and shops, and their accounts:
a user per role and partnership, a staff member (owner) per shop with the protocol signed, TOTP for
the roles that need it. Everything in ``bulk_create``.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from demo.scale.common import (
    SCALE_DOMAIN,
    SCALE_PASSWORD,
    SCALE_TOTP_SECRET,
    SLUG_PREFIX,
    partnership_code,
)

# --- merchants ------------------------------------------------------------------------------------


@dataclass
class _World:
    partnerships: list
    shops: dict  # partnership id -> [(shop id, area id)]
    staff: dict  # partnership id -> [user id per shop, same order]
    officers: dict  # partnership id -> officer user id
    officers_per_partnership: int = 1


def _merchants(scale, now):
    from claims.models import ClaimSettings
    from merchants.models import AreaKind, Partnership, Shop, ShoppingArea

    partnerships = Partnership.objects.bulk_create(
        Partnership(
            name=f"KVO Schaal {i + 1:03d}",
            slug=f"{SLUG_PREFIX}{i + 1:03d}",
            code=partnership_code(i),
            municipality=f"Gemeente {i + 1:03d}",
        )
        for i in range(scale.partnerships)
    )
    ClaimSettings.objects.bulk_create(
        ClaimSettings(
            partnership=partnership,
            beneficiary=f"Stichting KVO Schaal {i + 1:03d}",
            iban="NL91ABNA0417164300",
        )
        for i, partnership in enumerate(partnerships)
    )
    areas = ShoppingArea.objects.bulk_create(
        ShoppingArea(
            partnership=partnership,
            name=f"Winkelgebied {j + 1}",
            kind=AreaKind.BUSINESS_PARK
            if j == scale.areas_per_partnership - 1
            else AreaKind.SHOPPING_AREA,
        )
        for partnership in partnerships
        for j in range(scale.areas_per_partnership)
    )
    number = iter(range(1, 10**9))
    shops = Shop.objects.bulk_create(
        Shop(
            area=area,
            name=f"Winkel {n}",
            address=f"Marktstraat {n % 200 + 1}",
            postcode="7411 BR",
            city="Deventer",
            bulletin_email=f"winkel{n}@{SCALE_DOMAIN}",
            participating_since=date(2021, 1, 1),
        )
        for area in areas
        for n in (next(number) for _ in range(scale.shops_per_area))
    )
    by_partnership = {p.pk: [] for p in partnerships}
    area_partnership = {a.pk: a.partnership_id for a in areas}
    for shop in shops:
        by_partnership[area_partnership[shop.area_id]].append((shop.pk, shop.area_id))
    return _World(partnerships, by_partnership, {}, {}, scale.officers_per_partnership)


def _accounts(world, now):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    from merchants.models import (
        Membership,
        ProtocolDeclaration,
        ProtocolVersion,
        ShopAssignment,
        User,
    )
    from merchants.roles import MFA_REQUIRED_ROLES, Role

    password = make_password(SCALE_PASSWORD)
    users, memberships, assignments = [], [], []
    for index, partnership in enumerate(world.partnerships, start=1):
        roles = [
            (Role.OFFICER, f"wijkagent{index}" + (f"-{k}" if k > 1 else ""))
            for k in range(1, world.officers_per_partnership + 1)
        ]
        roles += [
            (Role.ADMINISTRATOR, f"beheerder{index}"),
            (Role.COORDINATOR, f"coordinator{index}"),
            (Role.AUDITOR, f"auditor{index}"),
        ]
        for role, name in roles:
            user = User(email=f"{name}@{SCALE_DOMAIN}", password=password)
            users.append(user)
            memberships.append((user, Membership(partnership=partnership, role=role), None))
        for shop_id, _area in world.shops[partnership.pk]:
            user = User(email=f"medewerker{shop_id}@{SCALE_DOMAIN}", password=password)
            users.append(user)
            memberships.append(
                (user, Membership(partnership=partnership, role=Role.PARTICIPANT), shop_id)
            )
    User.objects.bulk_create(users, batch_size=5000)
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
        batch_size=5000,
    )
    for user, membership, _shop in memberships:
        membership.user = user
    Membership.objects.bulk_create([m for _u, m, _s in memberships], batch_size=5000)
    for user, membership, shop_id in memberships:
        if shop_id is not None:
            assignments.append(
                ShopAssignment(membership=membership, shop_id=shop_id, is_owner=True)
            )
            world.staff.setdefault(membership.partnership_id, []).append(user.pk)
        elif membership.role == Role.OFFICER:
            # The first officer is the one who decides in the generated data.
            world.officers.setdefault(membership.partnership_id, user.pk)
    ShopAssignment.objects.bulk_create(assignments, batch_size=5000)
    secret = encrypt(SCALE_TOTP_SECRET)
    Authenticator.objects.bulk_create(
        Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
        for user, membership, _shop in memberships
        if membership.role in MFA_REQUIRED_ROLES
    )
    versions = ProtocolVersion.objects.bulk_create(
        ProtocolVersion(
            partnership=partnership,
            version="1.0",
            title="Protocol collectieve winkelontzegging",
            body="Deelnemers gebruiken de gegevens alleen om personen de toegang te weigeren.",
            published_at=now - timedelta(days=400),
        )
        for partnership in world.partnerships
    )
    version_of = {v.partnership_id: v for v in versions}
    declarations = []
    for user, membership, shop_id in memberships:
        if shop_id is None:
            continue
        version = version_of[membership.partnership_id]
        declarations.append(ProtocolDeclaration(version=version, user=user, signed_at=now))
        declarations.append(
            ProtocolDeclaration(version=version, user=user, shop_id=shop_id, signed_at=now)
        )
    ProtocolDeclaration.objects.bulk_create(declarations, batch_size=5000)
