"""Regression tests for the review of the foundation (ownership, admin login, bad input)."""

import pytest
from allauth.account.models import EmailAddress
from django.test import TestCase
from django.urls import reverse

from merchants import services
from merchants.access import owned_shops
from merchants.models import Invitation, Membership, ShopAssignment
from merchants.roles import Role
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    ShopFactory,
    UserFactory,
    add_totp,
)


def accept(invitation, user):
    services.accept_invitation(invitation, user=user)
    user.__dict__.pop("_kvo_memberships", None)


class TestOwnershipIsPerShop:
    def test_owner_invited_as_staff_elsewhere_does_not_own_that_shop(self, world):
        owner = world.users["owner"]
        invitation = InvitationFactory(
            partnership=world.deventer, email=owner.email, shops=[world.neighbour_shop]
        )
        accept(invitation, owner)
        assert set(owned_shops(owner)) == {world.shop}
        links = dict(
            ShopAssignment.objects.filter(membership__user=owner).values_list("shop", "is_owner")
        )
        assert links == {world.shop.pk: True, world.neighbour_shop.pk: False}

    def test_staff_invited_as_owner_elsewhere_stays_staff_here(self, world):
        staff = world.users["participant"]
        other = ShopFactory(area=world.colmschate)
        invitation = InvitationFactory(
            partnership=world.deventer, email=staff.email, shops=[other], is_owner=True
        )
        accept(invitation, staff)
        assert set(owned_shops(staff)) == {other}

    def test_staff_can_be_promoted_to_owner_of_the_same_shop(self, client, world):
        client.force_login(world.users["coordinator"])
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(
                reverse("merchants:invitation_create"),
                {
                    "email": world.users["participant"].email,
                    "role": Role.PARTICIPANT,
                    "shops": [world.shop.pk],
                    "is_owner": "on",
                },
            )
        invitation = Invitation.objects.get(email=world.users["participant"].email)
        accept(invitation, world.users["participant"])
        assert world.shop in owned_shops(world.users["participant"])

    def test_ended_owner_invited_back_as_staff_gets_only_the_new_shop(self, world):
        owner = world.users["owner"]
        services.end_membership(world.memberships["owner"], actor=world.users["coordinator"])
        other = ShopFactory(area=world.colmschate)
        accept(
            InvitationFactory(partnership=world.deventer, email=owner.email, shops=[other]), owner
        )
        membership = Membership.objects.get(user=owner, role=Role.PARTICIPANT)
        assert membership.active
        assert list(membership.shops.all()) == [other]
        assert not owned_shops(owner).exists()

    def test_owner_cannot_remove_a_co_owner(self, client, world):
        co_owner = MembershipFactory(
            partnership=world.deventer, shops=[world.shop], shops__owner=True
        )
        client.force_login(world.users["owner"])
        response = client.post(
            reverse("merchants:my_shop_staff_remove", args=[world.shop.pk, co_owner.pk]),
            follow=True,
        )
        assert (
            "Alleen de coördinator kan een eigenaar van deze winkel verwijderen." in response.text
        )
        co_owner.refresh_from_db()
        assert co_owner.active and co_owner.shops.filter(pk=world.shop.pk).exists()

    def test_owner_withdraws_a_staff_invitation(self, client, world):
        client.force_login(world.users["owner"])
        client.post(
            reverse(
                "merchants:my_shop_invitation_revoke", args=[world.shop.pk, world.invitation.pk]
            )
        )
        world.invitation.refresh_from_db()
        assert world.invitation.status == Invitation.Status.REVOKED


class TestAdminAndSecondFactor:
    def test_admin_login_goes_through_allauth(self, client, db):
        response = client.get(reverse("admin:login"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_staff_without_totp_is_sent_to_setup(self, client, db):
        staff = UserFactory(is_staff=True, is_superuser=True)
        client.force_login(staff)
        response = client.get(reverse("admin:index"))
        assert response["Location"] == reverse("mfa_activate_totp")
        add_totp(staff)
        # Setting TOTP up is not using it: this session proves the factor before the admin opens
        # (the whole way through is in test_sessions.py).
        response = client.get(reverse("admin:index"))
        assert response["Location"].startswith(reverse("mfa_reauthenticate"))


class TestBadInput:
    def test_nobody_invites_themselves(self, world):
        coordinator = world.users["coordinator"]
        with pytest.raises(services.InvitationError, match="uzelf"):
            services.invite(
                partnership=world.deventer,
                email=coordinator.email.upper(),
                role=Role.ADMINISTRATOR,
                actor=coordinator,
            )

    @pytest.mark.parametrize("value", ["abc", "", "1e9", "99999999"])
    def test_switch_partnership_with_a_bad_id_is_404(self, client, world, value):
        client.force_login(world.users["coordinator"])
        response = client.post(reverse("merchants:switch_partnership"), {"partnership": value})
        assert response.status_code == 404

    def test_overlong_email_is_a_form_error(self, client, world):
        client.force_login(world.users["coordinator"])
        response = client.post(
            reverse("merchants:invitation_create"),
            {"email": "a" * 250 + "@b.nl", "role": Role.OFFICER},
        )
        assert response.status_code == 200
        assert "niet meer dan 254 tekens bevat" in response.text
        assert not Invitation.objects.filter(role=Role.OFFICER).exists()

    def test_address_that_is_someone_elses_extra_address(self, client, world):
        officer = world.users["officer"]
        EmailAddress.objects.create(user=officer, email="prive@example.nl", verified=True)
        invitation = InvitationFactory(
            partnership=world.deventer, email="prive@example.nl", role=Role.ADMINISTRATOR
        )
        url = reverse("merchants:invitation_accept", args=[invitation.token])
        page = client.post(
            url,
            {"full_name": "X", "password1": "Sterk-Genoeg-123", "password2": "Sterk-Genoeg-123"},
        )
        assert page.status_code == 200
        assert "Er is al een account voor prive@example.nl." in page.text
        client.force_login(officer)
        client.post(url)
        assert Membership.objects.filter(user=officer, role=Role.ADMINISTRATOR).exists()

    def test_deactivating_a_shop_withdraws_its_invitations(self, client, world):
        services.set_shop_active(world.shop, active=False, actor=world.users["coordinator"])
        world.invitation.refresh_from_db()
        assert world.invitation.status == Invitation.Status.REVOKED
        response = client.get(reverse("merchants:invitation_accept", args=[world.invitation.token]))
        assert response.status_code == 410

    def test_set_active_without_a_value_changes_nothing(self, client, world):
        client.force_login(world.users["coordinator"])
        client.post(reverse("merchants:shop_set_active", args=[world.shop.pk]), {})
        world.shop.refresh_from_db()
        assert world.shop.active

    def test_ampersand_in_partnership_name_is_not_escaped_in_the_subject(self, world, mailoutbox):
        world.deventer.name = "KVO Deventer & Bathmen"
        world.deventer.save()
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.invite(
                partnership=world.deventer,
                email="a@b.nl",
                role=Role.OFFICER,
                actor=world.users["coordinator"],
            )
        assert mailoutbox[0].subject == "[KVO] Uitnodiging voor KVO Deventer & Bathmen"
