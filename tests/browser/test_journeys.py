import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from merchants import services
from merchants.models import Invitation, Membership, User
from merchants.roles import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

LINK = re.compile(r"http://[\w.:]+/invite/[\w-]+/")
OWNER_PASSWORD = "Oranje-Slot-Toonbank-42"


def totp_now(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_invited_shop_owner_joins_and_invites_staff(
    page, live_server, world, mailoutbox, shoot, axe_check
):
    services.invite(
        partnership=world.deventer,
        email="henk@bakkerijjansen.nl",
        role=Role.PARTICIPANT,
        shops=[world.neighbour_shop],
        is_owner=True,
        actor=world.users["coordinator"],
        base_url=live_server.url,
    )
    invitation_mail = mailoutbox[0]
    assert invitation_mail.subject == "[KVO] Uitnodiging voor KVO Deventer"
    link = LINK.search(invitation_mail.body).group(0)
    assert link.startswith(live_server.url)

    # The owner opens the link on a phone and chooses a password.
    page.goto(link)
    assert page.locator("h1").inner_text() == "Welkom bij KVO Deventer"
    axe_check(page)
    shoot("1-accept")
    page.get_by_label("Uw naam").fill("Henk Jansen")
    page.get_by_label("Kies een wachtwoord").fill(OWNER_PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Mijn account aanmaken").click()

    # Then logs in with it.
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert "Uw account is klaar." in page.locator(".messages").inner_text()
    axe_check(page)
    shoot("2-login")
    page.get_by_label("E-mailadres").fill("henk@bakkerijjansen.nl")
    page.get_by_label("Wachtwoord").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Hallo Henk" in page.locator("h1").inner_text()
    axe_check(page)
    shoot("3-home")

    # Invites a member of staff for the shop.
    page.get_by_role("link", name="Medewerkers van Drogisterij Smit").click()
    axe_check(page)
    page.get_by_label("E-mailadres van de medewerker").fill("kassa@bakkerijjansen.nl")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    assert (
        "Er is een uitnodiging verstuurd naar kassa@bakkerijjansen.nl."
        in page.locator(".messages").inner_text()
    )
    assert "kassa@bakkerijjansen.nl" in page.locator("main").inner_text()
    shoot("4-staff")

    staff_mail = mailoutbox[1]
    assert staff_mail.to == ["kassa@bakkerijjansen.nl"]
    assert staff_mail.subject == "[KVO] Uitnodiging voor KVO Deventer"
    assert "Henk Jansen nodigt u uit voor KVO Deventer als deelnemer." in staff_mail.body
    assert "Winkel: Drogisterij Smit" in staff_mail.body
    assert LINK.search(staff_mail.body).group(0).startswith(live_server.url)
    assert "Uitnodiging accepteren" in staff_mail.alternatives[0][0]
    staff_invitation = Invitation.objects.get(email="kassa@bakkerijjansen.nl")
    assert list(staff_invitation.shops.all()) == [world.neighbour_shop]
    owner = User.objects.get(email="henk@bakkerijjansen.nl")
    assert Membership.objects.get(user=owner).assignments.get(shop=world.neighbour_shop).is_owner


def test_officer_is_forced_into_totp_then_logs_in_with_a_code(
    page, live_server, world, shoot, axe_check
):
    officer = UserFactory(email="agent.bakker@politie.nl", full_name="Sanne Bakker")
    MembershipFactory(user=officer, partnership=world.deventer, role=Role.OFFICER)

    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label("E-mailadres").fill(officer.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    # Every page leads to the TOTP setup until it is done.
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    page.goto(live_server.url + reverse("merchants:shop_list"))
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    axe_check(page)
    shoot("1-totp-setup")
    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    page.get_by_label("Code uit de app").fill(totp_now(secret))
    page.get_by_role("button", name="Activeren").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    shoot("2-recovery-codes")

    # Log out, log in again: now the code is asked for.
    page.locator(".logout-form button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mailadres").fill(officer.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    axe_check(page)
    shoot("3-code")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Inloggen").click()
    assert "Onjuiste code." in page.locator("main").inner_text()
    page.get_by_label("Code").fill(totp_now(secret))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Wijkagent" in page.locator("main").inner_text()
    page.goto(live_server.url + reverse("merchants:shop_list"))
    assert page.locator("h1").inner_text() == "Winkels"
    shoot("4-shops")
