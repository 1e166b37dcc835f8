import re

import pytest
from allauth.account.models import EmailAddress
from django.test import TestCase
from django.urls import reverse

from merchants import services
from merchants.models import AuditEvent, Invitation, Membership, User
from merchants.roles import Role
from tests.factories import InvitationFactory, MembershipFactory

LINK = re.compile(r"http://testserver/invite/([\w-]+)/")
NEW_PASSWORD = "Winkeldief-Vangen-2026"


def committed():
    """Emails leave when the transaction commits: run those callbacks at the end of the block."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def invite_owner(client, world, email="nieuw@winkel.nl"):
    client.force_login(world.users["coordinator"])
    data = {
        "email": email,
        "role": Role.PARTICIPANT,
        "shops": [world.neighbour_shop.pk],
        "is_owner": "on",
    }
    with committed():
        return client.post(reverse("merchants:invitation_create"), data)


def token_from(mail):
    return LINK.search(mail.body).group(1)


class TestCoordinatorInvites:
    def test_invitation_email_is_dutch_with_a_working_link(self, client, world, mailoutbox):
        response = invite_owner(client, world)

        assert response.status_code == 302
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == ["nieuw@winkel.nl"]
        assert mail.subject == "[KVO] Uitnodiging voor KVO Deventer"
        assert "nodigt u uit voor KVO Deventer als deelnemer" in mail.body
        assert "Drogisterij Smit" in mail.body
        assert "De link werkt één keer en verloopt na 7 dagen." in mail.body
        html, mimetype = mail.alternatives[0]
        assert mimetype == "text/html"
        assert "Uitnodiging accepteren" in html
        token = token_from(mail)
        assert f"/invite/{token}/" in html
        invitation = Invitation.objects.get(email="nieuw@winkel.nl")
        assert invitation.token_hash == Invitation.hash_token(token)
        assert invitation.is_owner and list(invitation.shops.all()) == [world.neighbour_shop]
        assert AuditEvent.objects.filter(action="merchants.invitation.sent").count() == 1

    def test_form_posted_twice_sends_one_invitation(self, client, world, mailoutbox):
        invite_owner(client, world)
        response = invite_owner(client, world)

        assert response.status_code == 200
        assert "Er staat nog een uitnodiging open voor nieuw@winkel.nl" in response.text
        assert Invitation.objects.filter(email="nieuw@winkel.nl").count() == 1
        assert len(mailoutbox) == 1

    def test_existing_member_cannot_be_invited_again(self, client, world, mailoutbox):
        client.force_login(world.users["coordinator"])
        response = client.post(
            reverse("merchants:invitation_create"),
            {"email": "OFFICER@example.nl", "role": Role.OFFICER},
        )
        assert response.status_code == 200
        assert "officer@example.nl heeft deze rol al in KVO Deventer." in response.text
        assert not mailoutbox

    def test_participant_without_shop_is_refused_with_a_message(self, client, world):
        client.force_login(world.users["coordinator"])
        response = client.post(
            reverse("merchants:invitation_create"),
            {"email": "a@b.nl", "role": Role.PARTICIPANT},
        )
        assert "Kies minstens één winkel voor een deelnemer." in response.text
        assert not Invitation.objects.filter(email="a@b.nl").exists()

    def test_tampered_shop_id_from_another_partnership_is_refused(self, client, world):
        client.force_login(world.users["coordinator"])
        response = client.post(
            reverse("merchants:invitation_create"),
            {"email": "a@b.nl", "role": Role.PARTICIPANT, "shops": [world.zwolle_shop.pk]},
        )
        assert response.status_code == 200
        assert "is geen beschikbare keuze." in response.text
        assert not Invitation.objects.filter(email="a@b.nl").exists()

    def test_expired_open_invitation_is_replaced(self, world, mailoutbox):
        old = InvitationFactory(
            partnership=world.deventer, email="x@y.nl", expired=True, shops=[world.shop]
        )
        services.invite(
            partnership=world.deventer,
            email="x@y.nl",
            role=Role.PARTICIPANT,
            shops=[world.shop],
            actor=world.users["coordinator"],
        )
        old.refresh_from_db()
        assert old.status == Invitation.Status.REVOKED
        assert Invitation.objects.pending().filter(email="x@y.nl").count() == 1

    def test_resend_kills_the_old_link(self, client, world, mailoutbox):
        invite_owner(client, world)
        old_token = token_from(mailoutbox[0])
        invitation = Invitation.objects.get(email="nieuw@winkel.nl")
        with committed():
            client.post(reverse("merchants:invitation_resend", args=[invitation.pk]))

        assert len(mailoutbox) == 2
        new_token = token_from(mailoutbox[1])
        assert new_token != old_token
        client.logout()
        assert (
            client.get(reverse("merchants:invitation_accept", args=[old_token])).status_code == 404
        )
        assert (
            client.get(reverse("merchants:invitation_accept", args=[new_token])).status_code == 200
        )

    def test_revoked_link_explains_itself(self, client, world):
        client.force_login(world.users["coordinator"])
        client.post(reverse("merchants:invitation_revoke", args=[world.invitation.pk]))
        client.logout()

        response = client.get(reverse("merchants:invitation_accept", args=[world.invitation.token]))
        assert response.status_code == 410
        assert "Deze uitnodiging is ingetrokken." in response.text


class TestAccepting:
    def test_new_person_sets_a_password_and_can_log_in(self, client, world):
        url = reverse("merchants:invitation_accept", args=[world.invitation.token])
        page = client.get(url)
        assert "Kies een wachtwoord voor uw account." in page.text

        response = client.post(
            url,
            {"full_name": "Fatima de Boer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        user = User.objects.get(email=world.invitation.email)
        assert user.full_name == "Fatima de Boer"
        assert EmailAddress.objects.get(user=user).verified
        membership = Membership.objects.get(user=user)
        assert membership.role == Role.PARTICIPANT
        assert list(membership.shops.all()) == [world.shop]
        login = client.post(
            reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD}
        )
        assert login.status_code == 302 and login["Location"] == "/"

    def test_reused_link_is_refused_and_nothing_changes(self, client, world):
        url = reverse("merchants:invitation_accept", args=[world.invitation.token])
        data = {"full_name": "Fatima de Boer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        client.post(url, data)
        second = client.post(url, {**data, "full_name": "Iemand Anders"})

        assert second.status_code == 410
        assert "Deze uitnodiging is al gebruikt." in second.text
        assert User.objects.filter(email=world.invitation.email).get().full_name == "Fatima de Boer"
        assert Membership.objects.filter(user__email=world.invitation.email).count() == 1

    def test_expired_link(self, client, world):
        invitation = InvitationFactory(partnership=world.deventer, expired=True, shops=[world.shop])
        response = client.get(reverse("merchants:invitation_accept", args=[invitation.token]))
        assert response.status_code == 410
        assert "Deze uitnodiging is verlopen." in response.text

    def test_forged_link(self, client, world):
        response = client.get(reverse("merchants:invitation_accept", args=["nep-token-123"]))
        assert response.status_code == 404
        assert "Wij kennen deze link niet." in response.text

    @pytest.mark.parametrize(
        "password1,password2,message",
        [
            ("kort", "kort", "Dit wachtwoord is te kort."),
            ("12345678901", "12345678901", "Dit wachtwoord bevat alleen cijfers."),
            (NEW_PASSWORD, NEW_PASSWORD + "x", "De twee wachtwoorden verschillen."),
        ],
    )
    def test_bad_password_saves_nothing(self, client, world, password1, password2, message):
        url = reverse("merchants:invitation_accept", args=[world.invitation.token])
        response = client.post(
            url, {"full_name": "Fatima", "password1": password1, "password2": password2}
        )
        assert response.status_code == 200
        assert message in response.text
        assert not User.objects.filter(email=world.invitation.email).exists()
        world.invitation.refresh_from_db()
        assert world.invitation.status == Invitation.Status.PENDING

    def test_existing_account_logs_in_first_then_accepts(self, client, world):
        invitation = InvitationFactory(
            partnership=world.deventer, email="officer@example.nl", role=Role.ADMINISTRATOR
        )
        url = reverse("merchants:invitation_accept", args=[invitation.token])
        page = client.get(url)
        assert "Er is al een account voor officer@example.nl." in page.text

        client.force_login(world.users["officer"])
        client.post(url)

        assert Membership.objects.filter(
            user=world.users["officer"], role=Role.ADMINISTRATOR, active=True
        ).exists()

    def test_logged_in_as_someone_else(self, client, world):
        client.force_login(world.users["participant"])
        response = client.get(reverse("merchants:invitation_accept", args=[world.invitation.token]))
        assert response.status_code == 403
        assert "Deze uitnodiging is voor iemand anders" in response.text
        world.invitation.refresh_from_db()
        assert world.invitation.status == Invitation.Status.PENDING


class TestShopOwnerInvitesStaff:
    def test_owner_invites_staff_for_own_shop(self, client, world, mailoutbox):
        client.force_login(world.users["owner"])
        with committed():
            response = client.post(
                reverse("merchants:my_shop_staff", args=[world.shop.pk]),
                {"email": "kassa@jansen.nl"},
            )
        assert response.status_code == 302
        invitation = Invitation.objects.get(email="kassa@jansen.nl")
        assert invitation.role == Role.PARTICIPANT and not invitation.is_owner
        assert list(invitation.shops.all()) == [world.shop]
        assert "Bakkerij Jansen" in mailoutbox[0].body

    def test_owner_cannot_reach_another_shop(self, client, world):
        client.force_login(world.users["owner"])
        for shop in (world.neighbour_shop, world.zwolle_shop):
            response = client.post(
                reverse("merchants:my_shop_staff", args=[shop.pk]), {"email": "x@y.nl"}
            )
            assert response.status_code == 404
        assert not Invitation.objects.filter(email="x@y.nl").exists()

    @pytest.mark.parametrize(
        "role,shop,is_owner",
        [
            (Role.PARTICIPANT, "neighbour_shop", False),  # someone else's shop
            (Role.OFFICER, None, False),  # a role above participant
            (Role.PARTICIPANT, "shop", True),  # a second owner
        ],
    )
    def test_owner_may_only_invite_staff_for_own_shop(self, world, role, shop, is_owner):
        with pytest.raises(services.InvitationError):
            services.invite(
                partnership=world.deventer,
                email="a@b.nl",
                role=role,
                shops=[getattr(world, shop)] if shop else [],
                is_owner=is_owner,
                actor=world.users["owner"],
            )
        assert not Invitation.objects.filter(email="a@b.nl").exists()

    def test_plain_participant_cannot_invite(self, world):
        with pytest.raises(services.InvitationError):
            services.invite(
                partnership=world.deventer,
                email="a@b.nl",
                role=Role.PARTICIPANT,
                shops=[world.shop],
                actor=world.users["participant"],
            )

    def test_owner_removes_staff_member(self, client, world):
        client.force_login(world.users["owner"])
        staff = world.memberships["participant"]
        client.post(reverse("merchants:my_shop_staff_remove", args=[world.shop.pk, staff.pk]))
        staff.refresh_from_db()
        assert not staff.active
        assert client.get(reverse("home")).status_code == 200

    def test_owner_cannot_remove_staff_of_another_shop(self, client, world):
        other = MembershipFactory(partnership=world.deventer, shops=[world.neighbour_shop])
        client.force_login(world.users["owner"])
        response = client.post(
            reverse("merchants:my_shop_staff_remove", args=[world.shop.pk, other.pk])
        )
        assert response.status_code == 404
        other.refresh_from_db()
        assert other.active

    def test_bulletin_address(self, client, world):
        client.force_login(world.users["owner"])
        url = reverse("merchants:my_shop_bulletin", args=[world.shop.pk])
        bad = client.post(url, {"bulletin_email": "geen-adres"})
        assert "Voer een geldig e-mailadres in." in bad.text
        client.post(url, {"bulletin_email": "Bulletin@Jansen.NL"})
        world.shop.refresh_from_db()
        assert world.shop.bulletin_email == "bulletin@jansen.nl"


def test_ended_membership_loses_access(client, world):
    services.end_membership(world.memberships["coordinator"], actor=world.users["officer"])
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("merchants:member_list")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_make_one_account(world):
    """A double tap on a phone sends two requests at once: one account, one membership."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions: PostgreSQL (CI), not the SQLite default")
    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        try:
            barrier.wait(timeout=10)
            services.accept_invitation(
                world.invitation, full_name="Fatima de Boer", password=NEW_PASSWORD
            )
            outcomes.append("accepted")
        except services.InvitationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "refused"]
    assert User.objects.filter(email=world.invitation.email).count() == 1
    assert Membership.objects.filter(user__email=world.invitation.email).count() == 1
