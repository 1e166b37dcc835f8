"""factory_boy factories, one trait per lifecycle state (`InvitationFactory(expired=True)`)."""

import secrets
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.utils import timezone

from merchants.models import (
    AreaKind,
    Invitation,
    Membership,
    Partnership,
    ProtocolVersion,
    Shop,
    ShopAssignment,
    ShoppingArea,
    User,
)
from merchants.roles import Role

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.nl")
    full_name = factory.Faker("name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    class Params:
        inactive = factory.Trait(is_active=False)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"KVO Plaats {n}")
    slug = factory.Sequence(lambda n: f"plaats-{n}")
    code = factory.Sequence(lambda n: "P" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    municipality = "Plaats"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShoppingArea

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Winkelgebied {n}")
    kind = AreaKind.SHOPPING_AREA

    class Params:
        business_park = factory.Trait(kind=AreaKind.BUSINESS_PARK)


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Winkel {n}")
    address = factory.Sequence(lambda n: f"Brink {n + 1}")
    postcode = "7411 BR"
    city = "Deventer"
    bulletin_email = factory.Sequence(lambda n: f"winkel{n}@example.nl")

    class Params:
        deactivated = factory.Trait(active=False, deactivated_at=factory.LazyFunction(timezone.now))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.PARTICIPANT

    @factory.post_generation
    def shops(obj, create, extracted, owner=False, **kwargs):
        """MembershipFactory(shops=[shop]) for staff; add shops__owner=True for its owner."""
        if create and extracted:
            for shop in extracted:
                ShopAssignment.objects.create(membership=obj, shop=shop, is_owner=owner)

    class Params:
        ended = factory.Trait(active=False, ended_at=factory.LazyFunction(timezone.now))


class InvitationFactory(factory.django.DjangoModelFactory):
    """Keeps the raw token on the instance as `.token`, as only the email would have it."""

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.nl")
    role = Role.PARTICIPANT
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    token_hash = factory.LazyAttribute(lambda o: Invitation.hash_token(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    @classmethod
    def _create(cls, model_class, *args, token=None, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        obj.token = token
        return obj

    @factory.post_generation
    def shops(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.shops.set(extracted)

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
        )
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))


class ProtocolVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtocolVersion

    partnership = factory.SubFactory(PartnershipFactory)
    version = factory.Sequence(lambda n: f"2026.{n}")
    title = "Protocol collectief winkelverbod"
    body = "Tekst van het protocol."
    published_at = factory.LazyFunction(timezone.now)


def add_totp(user, secret=TOTP_SECRET):
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )


def claim_settings(partnership, **values):
    """Save the partnership's claim settings with these values; the rest keep the defaults. The
    partnership object the test holds sees them at once (its cached row is replaced)."""
    from claims.models import ClaimSettings

    row = ClaimSettings.objects.update_or_create(partnership=partnership, defaults=values)[0]
    partnership.claim_settings = row
    return row


def bulletin_mode(partnership, mode):
    """Save how the partnership's bulletins reach the shops ("link" or "inline")."""
    from bulletins.models import BulletinSettings

    row = BulletinSettings.objects.update_or_create(
        partnership=partnership, defaults={"mode": mode}
    )[0]
    partnership.bulletin_settings = row
    return row
