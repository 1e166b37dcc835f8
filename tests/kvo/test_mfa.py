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


def test_setup_page_says_why(client, world):
    officer = UserFactory()
    MembershipFactory(user=officer, partnership=world.deventer, role="officer")
    client.force_login(officer)
    client.get(reverse("home"))
    # allauth asks for the password again unless a password login just happened; simulate that.
    from allauth.account.internal.flows.login import record_authentication

    request = type("R", (), {"session": client.session, "user": officer})()
    record_authentication(request, officer, method="password", email=officer.email)
    request.session.save()
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "heeft uw account tweestapsverificatie nodig" in page.text


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
