"""How long sessions last, and ending them when access is withdrawn (issue 8)."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from merchants import services
from merchants.models import UserSession
from merchants.sessions import LOGGED_IN_AT, SEEN_AT
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory, add_totp


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def shift_clock(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"logged_in": LOGGED_IN_AT, "seen": SEEN_AT}[key]] = now - ago
    session.save()


def assert_logged_out(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_officer_idle_for_thirty_minutes_is_logged_out(world):
    client = logged_in(world.users["officer"])
    shift_clock(client, seen=31 * 60)
    response = client.get(reverse("incidents:queue"))
    assert_logged_out(response)
    assert "next=%2Fincidents%2Fqueue%2F" in response["Location"]
    page = client.get(response["Location"])
    assert "na 30 minuten zonder activiteit" in page.content.decode()
    # The session is gone for good: the old cookie opens nothing.
    assert_logged_out(client.get(reverse("incidents:queue")))


def test_an_officer_active_within_thirty_minutes_stays(world):
    client = logged_in(world.users["officer"])
    shift_clock(client, seen=29 * 60)
    assert client.get(reverse("incidents:queue")).status_code == 200
    assert time.time() - client.session[SEEN_AT] < 5


def test_a_coordinator_is_logged_out_twelve_hours_after_login_however_busy(world):
    client = logged_in(world.users["coordinator"])
    shift_clock(client, logged_in=12 * 3600 + 5, seen=10)
    response = client.get(reverse("merchants:shop_list"))
    assert_logged_out(response)
    page = client.get(response["Location"])
    assert "hoogstens 12 uur" in page.content.decode()


def test_privileged_session_cookies_expire_with_the_idle_limit(world):
    client = logged_in(world.users["administrator"])
    assert client.session.get_expiry_age() == 30 * 60


def test_shop_staff_keep_their_session_for_hours(world):
    client = logged_in(world.users["participant"])
    shift_clock(client, logged_in=20 * 3600, seen=5 * 3600)
    assert client.get(reverse("incidents:mine")).status_code == 200


def test_deactivating_a_user_ends_every_session_at_once(world):
    user = world.users["participant"]
    phone, desktop = logged_in(user), logged_in(user)
    assert UserSession.objects.filter(user=user).count() == 2
    services.set_user_active(user, active=False, actor=world.users["coordinator"])
    for client in (phone, desktop):
        assert_logged_out(client.get(reverse("incidents:mine")))
    assert not UserSession.objects.filter(user=user).exists()
    assert not Session.objects.filter(
        session_key__in=[phone.session.session_key, desktop.session.session_key]
    ).exists()


def test_deactivating_a_shop_logs_its_staff_out_and_nobody_else(world):
    staff = logged_in(world.users["participant"])
    neighbour = logged_in(world.users["neighbour_owner"])
    coordinator = logged_in(world.users["coordinator"])
    response = coordinator.post(
        reverse("merchants:shop_set_active", kwargs={"pk": world.shop.pk}), {"active": "0"}
    )
    assert response.status_code == 302
    assert_logged_out(staff.get(reverse("incidents:mine")))
    assert neighbour.get(reverse("incidents:mine")).status_code == 200
    assert coordinator.get(reverse("merchants:shop_list")).status_code == 200


def test_ending_a_membership_logs_the_person_out(world):
    staff = logged_in(world.users["participant"])
    coordinator = logged_in(world.users["coordinator"])
    coordinator.post(
        reverse("merchants:member_end", kwargs={"pk": world.memberships["participant"].pk})
    )
    assert_logged_out(staff.get(reverse("incidents:mine")))


def test_logging_out_forgets_the_session(world):
    client = logged_in(world.users["participant"])
    client.post(reverse("account_logout"))
    assert not UserSession.objects.filter(user=world.users["participant"]).exists()


def _login_with_totp(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]


def test_the_django_admin_needs_a_second_factor_in_this_session(db):
    staff = UserFactory(email="beheer@example.nl", is_staff=True, is_superuser=True)
    add_totp(staff)
    admin_index = reverse("admin:index")

    # A session without TOTP (here made directly; in life e.g. from a link) does not get in.
    client = logged_in(staff)
    response = client.get(admin_index)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))

    client = Client()
    _login_with_totp(client, staff)
    assert client.get(admin_index).status_code == 200


def test_staff_without_totp_are_sent_to_set_it_up_before_the_admin(db):
    staff = UserFactory(email="nieuw@example.nl", is_staff=True, is_superuser=True)
    response = logged_in(staff).get(reverse("admin:index"))
    assert response["Location"] == reverse("mfa_activate_totp")
