"""Single sign-on against a real OpenID Connect provider on loopback (tests/oidc_provider.py):
an invited officer links and logs in; a provider's login without a second factor still needs
the app's TOTP; a stranger, a shop owner or someone else's invitation gets nothing."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from merchants.models import AuditEvent, Membership, User
from merchants.roles import Role
from merchants.sso_models import SingleSignOn
from tests.factories import TOTP_SECRET, InvitationFactory
from tests.oidc_provider import LoginAtProvider, provider_for

SERVER = "http://testserver"


@pytest.fixture
def provider(world, settings):
    settings.SSO_LOCAL_PROVIDERS = True  # the provider runs on loopback, over http
    provider = provider_for(world.deventer, SERVER)
    yield provider
    provider.close()


def sso_login(
    client, provider, email, *, second_factor, invitation=None, next_url=None, link=False
):
    form = {"invitation": invitation.token} if invitation else {}
    if next_url:
        form["next"] = next_url
    if link:
        form["process"] = "connect"
    start = client.post(reverse("merchants:sso_start", args=["deventer"]), form)
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer)
    back = LoginAtProvider(provider).sign_in(
        start["Location"], email, second_factor=second_factor, back_to=SERVER
    )
    return client.get(back.removeprefix(SERVER))


def link(world, provider, role="officer", email=None):
    """The member links the provider's account from the profile, logged in (password and TOTP)."""
    user = world.users[role]
    client = Client()
    client.force_login(user)
    profile = client.get(reverse("merchants:profile")).content.decode()
    assert "Politie-account koppelen" in profile
    done = sso_login(client, provider, email or user.email, second_factor=False, link=True)
    assert done.status_code in (302, 403), done.content.decode()[:300]
    return done


def logged_in_as(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


def test_an_invited_officer_links_the_organisations_account_and_logs_in(client, world, provider):
    invitation = InvitationFactory(
        partnership=world.deventer, email="r.dekker@politie.example", role=Role.OFFICER
    )
    page = client.get(reverse("merchants:invitation_accept", args=[invitation.token]))
    assert "Verder met Politie-account" in page.content.decode()

    answer = sso_login(
        client, provider, "R.Dekker@politie.example", second_factor=True, invitation=invitation
    )

    assert answer.status_code == 302 and answer["Location"] == reverse("home")
    officer = logged_in_as(client)
    assert officer.email == "r.dekker@politie.example" and not officer.has_usable_password()
    assert Membership.objects.get(user=officer).role == Role.OFFICER
    assert SocialAccount.objects.get(user=officer).provider == "kvo-deventer"
    # The provider vouched for a second factor: the officer works without setting up TOTP.
    assert client.get(reverse("incidents:queue")).status_code == 200

    # The next time, the login page's button is enough; no invitation needed.
    client.logout()
    login_page = client.get(reverse("account_login"))
    assert "Politie-account (KVO Deventer)" in login_page.content.decode()
    # The browser may follow the button's redirect to the provider: CSP form-action allows it.
    form_action = re.search(r"form-action ([^;]+)", login_page["Content-Security-Policy"])
    assert form_action.group(1).split() == ["'self'", provider.issuer]
    # (The provider knows the person by the same subject id as the first time.)
    answer = sso_login(client, provider, "R.Dekker@politie.example", second_factor=True)
    assert answer["Location"] == reverse("home") and logged_in_as(client) == officer


def test_a_member_links_from_the_profile_before_the_provider_alone_lets_him_in(
    client, world, provider
):
    officer = world.users["officer"]
    refused = sso_login(client, provider, officer.email, second_factor=True)
    assert refused.status_code == 403 and logged_in_as(client) is None
    assert "log dan eenmaal in met uw e-mailadres" in refused.content.decode()

    linked = link(world, provider)

    assert linked["Location"] == reverse("merchants:profile")
    assert SocialAccount.objects.get(user=officer).provider == "kvo-deventer"
    answer = sso_login(client, provider, officer.email, second_factor=True)
    assert answer["Location"] == reverse("home") and logged_in_as(client) == officer


def test_a_provider_account_with_another_address_is_not_linked(client, world, provider):
    refused = link(world, provider, email="iemand.anders@politie.example")
    assert refused.status_code == 403
    assert "heeft een ander e-mailadres" in refused.content.decode()
    assert not SocialAccount.objects.exists()


def test_a_login_without_a_second_factor_at_the_provider_asks_for_the_apps_totp(
    client, world, provider
):
    officer = world.users["officer"]  # has TOTP
    link(world, provider)

    answer = sso_login(client, provider, officer.email, second_factor=False)

    assert answer["Location"] == reverse("mfa_authenticate")
    assert logged_in_as(client) is None
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    done = client.post(reverse("mfa_authenticate"), {"code": code})
    assert done.status_code == 302 and logged_in_as(client) == officer
    assert client.get(reverse("incidents:queue")).status_code == 200


def test_with_a_second_factor_at_the_provider_the_app_asks_for_none(client, world, provider):
    officer = world.users["officer"]
    link(world, provider)
    answer = sso_login(client, provider, officer.email, second_factor=True)
    assert answer["Location"] == reverse("home") and logged_in_as(client) == officer


def test_an_officer_without_totp_and_without_a_provider_factor_must_set_one_up(
    client, world, provider
):
    invitation = InvitationFactory(
        partnership=world.deventer, email="j.bos@politie.example", role=Role.OFFICER
    )
    sso_login(client, provider, "j.bos@politie.example", second_factor=False, invitation=invitation)
    assert logged_in_as(client).email == "j.bos@politie.example"
    assert client.get(reverse("incidents:queue"))["Location"] == reverse("mfa_activate_totp")
    # The set-up page opens at once: the login just now counts, no password is asked (there is
    # none).
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 and 'name="code"' in setup.content.decode()


@pytest.mark.parametrize(
    "who",
    ["stranger", "shop_owner", "someone_elses_invitation", "participant_invitation"],
)
def test_nobody_else_gets_an_account_or_a_session(client, world, provider, who):
    email, invitation = "vreemde@politie.example", None
    if who == "shop_owner":
        email = world.users["owner"].email  # shop owners log in with their password
    elif who == "someone_elses_invitation":
        invitation = InvitationFactory(
            partnership=world.deventer, email="collega@politie.example", role=Role.OFFICER
        )
    elif who == "participant_invitation":
        invitation = InvitationFactory(
            partnership=world.deventer, email=email, role=Role.PARTICIPANT
        )
    users_before = User.objects.count()

    answer = sso_login(client, provider, email, second_factor=True, invitation=invitation)

    assert answer.status_code == 403
    assert "is niet gekoppeld aan KVO Deventer" in answer.content.decode()
    assert logged_in_as(client) is None
    assert User.objects.count() == users_before and not SocialAccount.objects.exists()
    assert AuditEvent.objects.filter(action="merchants.sso.refused").exists()


def test_an_officer_of_another_partnership_is_refused(client, world, provider):
    other = User.objects.create_user("agent@zwolle.example", password=None)
    Membership.objects.create(user=other, partnership=world.zwolle, role=Role.OFFICER)
    answer = sso_login(client, provider, other.email, second_factor=True)
    assert answer.status_code == 403 and logged_in_as(client) is None


def test_a_linked_officer_whose_membership_ended_is_refused(client, world, provider):
    officer = world.users["officer"]
    link(world, provider)
    Membership.objects.filter(user=officer).update(active=False)
    answer = sso_login(client, provider, officer.email, second_factor=True)
    assert answer.status_code == 403 and logged_in_as(client) is None


def test_the_coordinator_configures_the_provider_and_a_wrong_issuer_is_caught(
    client_as, world, provider
):
    SingleSignOn.objects.all().delete()
    coordinator = client_as("coordinator")
    # The coordinator finds the page from the home page.
    assert reverse("merchants:sso_settings") in coordinator.get(reverse("home")).content.decode()
    url = reverse("merchants:sso_settings")
    form = {
        "enabled": "on",
        "name": "Politie-account",
        "client_id": provider.client_id,
        "client_secret": provider.secret,
        "email_claim": "email",
        "mfa_acr_values": "",
    }
    wrong = coordinator.post(url, {**form, "issuer": "http://127.0.0.1:9/"})
    assert wrong.status_code == 400
    assert "Op dit adres antwoordt geen OpenID Connect-provider." in wrong.content.decode()
    saved = coordinator.post(url, {**form, "issuer": provider.issuer + "/"})
    assert saved.status_code == 302
    config = SingleSignOn.objects.get(partnership=world.deventer)
    assert config.issuer == provider.issuer and config.client_secret == provider.secret
    # Saving again without typing the secret keeps it.
    coordinator.post(url, {**form, "issuer": provider.issuer, "client_secret": ""})
    config.refresh_from_db()
    assert config.client_secret == provider.secret
    # Another client id (or issuer): the links made with the old one go.
    link(world, provider)
    assert SocialAccount.objects.count() == 1
    coordinator.post(url, {**form, "issuer": provider.issuer, "client_id": "nieuw"}, follow=True)
    assert not SocialAccount.objects.exists()
    changed = AuditEvent.objects.filter(action="merchants.sso.changed").last()
    assert "client_id" in changed.data["changed"] and provider.secret not in str(changed.data)


def test_a_provider_must_be_https_on_the_internet_unless_allowed(client_as, world, settings):
    settings.SSO_LOCAL_PROVIDERS = False
    page = client_as("coordinator").post(
        reverse("merchants:sso_settings"),
        {
            "name": "Intern",
            "issuer": "http://127.0.0.1:9000",
            "client_id": "x",
            "client_secret": "y",
            "email_claim": "email",
        },
    )
    assert "moet beginnen met https://" in page.content.decode()
    page = client_as("coordinator").post(
        reverse("merchants:sso_settings"),
        {
            "name": "Intern",
            "issuer": "https://127.0.0.1:9000",
            "client_id": "x",
            "client_secret": "y",
            "email_claim": "email",
        },
    )
    assert "Op dit adres antwoordt geen OpenID Connect-provider." in page.content.decode()
    assert not SingleSignOn.objects.exists()


def test_after_the_login_the_officer_goes_where_he_was_going_but_never_elsewhere(
    client, world, provider
):
    officer = world.users["officer"]
    link(world, provider)
    queue = reverse("incidents:queue")
    answer = sso_login(client, provider, officer.email, second_factor=True, next_url=queue)
    assert answer["Location"] == queue
    client.logout()
    answer = sso_login(
        client, provider, officer.email, second_factor=True, next_url="https://evil.example/"
    )
    assert answer["Location"] == reverse("home")
