import re

from django.urls import reverse

from tests.factories import PASSWORD

RESET_LINK = re.compile(r"http://testserver(/accounts/password/reset/key/[^\s]+/)")


def test_wrong_password_then_lockout(client, world):
    url = reverse("account_login")
    email = world.users["participant"].email
    first = client.post(url, {"login": email, "password": "fout"})
    assert (
        "Het e-mailadres en/of het wachtwoord dat u heeft opgegeven, is niet juist." in first.text
    )
    for _ in range(5):
        client.post(url, {"login": email, "password": "fout"})
    locked = client.post(url, {"login": email, "password": PASSWORD})
    assert locked.status_code == 200
    assert "Te veel mislukte inlogpogingen. Probeer het later opnieuw." in locked.text
    assert "_auth_user_id" not in client.session


def test_signup_is_closed(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "zelf@example.nl", "password1": "Sterk-Wachtwoord-9", "password2": "x"},
    )
    assert "Aanmelden is gesloten" in response.text
    assert "Vraag de coördinator" in response.text


def test_password_reset_mail_is_dutch_and_its_link_works(client, world, mailoutbox):
    user = world.users["participant"]
    client.post(reverse("account_reset_password"), {"email": user.email.upper()})

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [user.email]
    assert mail.subject == "[KVO] Nieuw wachtwoord instellen"
    assert "Beste gebruiker van KVO," in mail.body
    path = RESET_LINK.search(mail.body).group(1)

    form = client.get(path, follow=True)
    new_password = "Nieuw-Sterk-Wachtwoord-31"
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_reset_for_unknown_address_sends_nothing_and_says_the_same(client, db, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "niemand@example.nl"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_password_change_sends_a_notification(client, world, mailoutbox):
    user = world.users["owner"]
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    new_password = "Ander-Sterk-Wachtwoord-77"
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password)
    notice = mailoutbox[-1]
    assert notice.to == [user.email]
    assert "Uw wachtwoord is gewijzigd." in notice.body


def test_failed_logins_elsewhere_do_not_lock_out_the_owner(client, world):
    """Someone who knows an officer's address and types wrong passwords from their own machine is
    stopped, but the officer, from another address, still logs in with the right password."""
    url = reverse("account_login")
    email = world.users["participant"].email
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    for _ in range(6):
        client.post(url, {"login": email, "password": "fout"}, **attacker)
    stopped = client.post(url, {"login": email, "password": PASSWORD}, **attacker)
    assert "Te veel mislukte inlogpogingen" in stopped.text
    assert "_auth_user_id" not in client.session
    owner = client.post(url, {"login": email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert owner.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["participant"].pk)
