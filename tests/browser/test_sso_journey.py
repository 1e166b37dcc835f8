"""Single sign-on in Chromium against the local OpenID Connect provider (tests/oidc_provider.py):
an invited officer links the organisation's account and logs in; an officer whose provider login
had no second factor is asked for the app's TOTP; a stranger from the same provider gets nothing."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from merchants.models import Membership, User
from merchants.roles import Role
from tests.factories import TOTP_SECRET, InvitationFactory
from tests.oidc_provider import provider_for


@pytest.fixture
def provider(live_server, world, settings):
    settings.SSO_LOCAL_PROVIDERS = True  # the provider runs on loopback, over http
    provider = provider_for(world.deventer, live_server.url)
    yield provider
    provider.close()


def sign_in_at_provider(page, provider, email, *, second_factor):
    page.wait_for_url(re.compile("^" + re.escape(provider.issuer)))
    assert "Test identity provider" in page.content()
    page.get_by_label("Email").fill(email)
    if second_factor:
        page.get_by_label("Second factor used").check()
    page.get_by_role("button", name="Sign in").click()


def test_sso_invited_officer_totp_without_factor_and_a_stranger(
    browser, live_server, world, provider, axe_check, shoot
):
    from tests.browser.conftest import DESKTOP, PHONE, assert_fits

    # 1. The invited officer opens the invitation on a phone and continues with the provider.
    invitation = InvitationFactory(
        partnership=world.deventer, email="r.dekker@politie.example", role=Role.OFFICER
    )
    officer_page = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    officer_page.goto(
        live_server.url + reverse("merchants:invitation_accept", args=[invitation.token])
    )
    axe_check(officer_page)
    assert_fits(officer_page, "the invitation with single sign-on")
    shoot("1-invitation", target=officer_page)
    officer_page.get_by_role("button", name="Verder met Politie-account").click()
    sign_in_at_provider(officer_page, provider, "r.dekker@politie.example", second_factor=True)
    officer_page.wait_for_url(live_server.url + reverse("home"))
    officer = User.objects.get(email="r.dekker@politie.example")
    assert Membership.objects.get(user=officer).role == Role.OFFICER
    assert SocialAccount.objects.filter(user=officer, provider="kvo-deventer").exists()
    # The provider vouched for a second factor: straight to work, no TOTP set-up.
    officer_page.goto(live_server.url + reverse("incidents:queue"))
    assert officer_page.url == live_server.url + reverse("incidents:queue")
    shoot("2-officer-at-work", target=officer_page)

    # 2. The partnership's own officer (with TOTP; linked the provider's account from the profile
    # earlier, see tests/merchants/test_single_sign_on.py) logs in at the provider without a
    # second factor: the app asks for its code before anything else.
    officer = world.users["officer"]
    SocialAccount.objects.create(user=officer, provider="kvo-deventer", uid=officer.email)
    desk = browser.new_context(viewport=DESKTOP, locale="nl-NL").new_page()
    desk.goto(live_server.url + reverse("account_login"))
    axe_check(desk)
    shoot("3-login-page", target=desk)
    desk.get_by_role("button", name="Politie-account (KVO Deventer)").click()
    sign_in_at_provider(desk, provider, world.users["officer"].email, second_factor=False)
    desk.wait_for_url(live_server.url + reverse("mfa_authenticate"))
    shoot("4-totp-asked", target=desk)
    desk.goto(live_server.url + reverse("incidents:queue"))
    assert desk.url != live_server.url + reverse("incidents:queue")  # not in before the code
    desk.wait_for_url(live_server.url + reverse("mfa_authenticate"))
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    desk.locator("input[name=code]").fill(code)
    desk.locator("form button[type=submit]").first.click()
    desk.wait_for_url(live_server.url + reverse("home"))
    desk.goto(live_server.url + reverse("incidents:queue"))
    assert desk.url == live_server.url + reverse("incidents:queue")

    # 3. A stranger with an account at the same provider gets a refusal and no account.
    users = User.objects.count()
    stranger = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    stranger.goto(live_server.url + reverse("account_login"))
    stranger.get_by_role("button", name="Politie-account (KVO Deventer)").click()
    sign_in_at_provider(stranger, provider, "vreemde@politie.example", second_factor=True)
    stranger.wait_for_load_state()
    text = stranger.locator("main").inner_text()
    assert "Geen toegang met dit account" in text
    assert "is niet gekoppeld aan KVO Deventer" in text
    axe_check(stranger)
    assert_fits(stranger, "the refusal")
    shoot("5-stranger-refused", target=stranger)
    stranger.goto(live_server.url + reverse("incidents:queue"))
    assert stranger.url.startswith(live_server.url + reverse("account_login"))
    assert User.objects.count() == users
