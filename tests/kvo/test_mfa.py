from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory


def test_officer_without_totp_is_sent_to_setup_from_every_page(client, world):
    officer = UserFactory()
    MembershipFactory(user=officer, partnership=world.deventer, role="officer")
    client.force_login(officer)
    for url in (reverse("home"), reverse("merchants:shop_list"), reverse("merchants:profile")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_the_way_out_stays_open(client, world):
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, partnership=world.deventer, role="coordinator")
    client.force_login(coordinator)
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


def test_participants_and_auditors_are_not_forced(client, world):
    for role in ("participant", "owner", "auditor"):
        client.force_login(world.users[role])
        assert client.get(reverse("home")).status_code == 200


def test_staff_role_with_totp_passes(client, world):
    client.force_login(world.users["administrator"])
    assert client.get(reverse("home")).status_code == 200
