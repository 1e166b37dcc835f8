"""manage.py create_partnership: a fresh installation gets its first partnership and coordinator."""

import re
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from merchants.models import AuditEvent, Invitation, Membership, Partnership, User
from merchants.roles import Role
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

LINK = re.compile(r"http://testserver/invite/([\w-]+)/")
PASSWORD = "Winkeldief-Vangen-2026"
NEW = [
    "--name", "KVO Apeldoorn",
    "--slug", "apeldoorn",
    "--code", "APD",
    "--municipality", "Apeldoorn",
    "--coordinator", "Coordinator@Apeldoorn.nl",
]  # fmt: skip

pytestmark = pytest.mark.django_db


class RefusingSMTP(BaseEmailBackend):
    """A mail server that is not there (a wrong EMAIL_URL on a first installation)."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "mail.example.nl: connection refused")


def run(*args):
    """The command's console output; mails leave when its transaction commits."""
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("create_partnership", *args, stdout=out)
    return out.getvalue()


def test_creates_the_partnership_and_invites_its_first_coordinator():
    output = run(*NEW)

    partnership = Partnership.objects.get(slug="apeldoorn")
    assert (partnership.name, partnership.code, partnership.municipality) == (
        "KVO Apeldoorn",
        "APD",
        "Apeldoorn",
    )
    assert partnership.active
    invitation = Invitation.objects.get(partnership=partnership)
    assert invitation.email == "coordinator@apeldoorn.nl"
    assert invitation.role == Role.COORDINATOR
    assert invitation.invited_by is None
    assert invitation.sent_at is not None
    assert list(
        AuditEvent.objects.filter(partnership=partnership)
        .order_by("pk")
        .values_list("action", "actor")
    ) == [("merchants.partnership.created", None), ("merchants.invitation.sent", None)]

    (message,) = mail.outbox
    assert message.to == ["coordinator@apeldoorn.nl"]
    assert message.subject == "[KVO] Uitnodiging voor KVO Apeldoorn"
    assert "U bent uitgenodigd voor KVO Apeldoorn als coördinator." in message.body
    token = LINK.search(message.body).group(1)
    assert invitation.token_hash == Invitation.hash_token(token)

    assert "Created partnership KVO Apeldoorn (slug apeldoorn, code APD)." in output
    assert "Invitation for coordinator@apeldoorn.nl as coordinator sent" in output
    assert "http://testserver/" in output


def test_the_coordinator_sets_a_password_and_must_then_set_up_totp(client):
    run(*NEW)
    token = LINK.search(mail.outbox[0].body).group(1)
    url = reverse("merchants:invitation_accept", args=[token])

    response = client.post(
        url, {"full_name": "Anouk Visser", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302

    user = User.objects.get(email__iexact="coordinator@apeldoorn.nl")
    membership = Membership.objects.get(user=user)
    assert (membership.partnership.slug, membership.role) == ("apeldoorn", Role.COORDINATOR)
    login = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert login.status_code == 302
    # A coordinator works with a second factor: the first page is the TOTP set-up.
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_an_existing_slug_is_refused_and_nothing_changes():
    PartnershipFactory(name="KVO Apeldoorn-Zuid", slug="apeldoorn", code="APZ")

    with pytest.raises(CommandError, match=r"slug 'apeldoorn' already exists.*--resend"):
        run(*NEW)

    assert Partnership.objects.filter(slug="apeldoorn").get().name == "KVO Apeldoorn-Zuid"
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "option,value,message",
    [
        ("--code", "apd1", "--code: Gebruik 2 tot 6 hoofdletters."),
        ("--slug", "Apel doorn", "--slug:"),
        ("--coordinator", "geen-adres", "'geen-adres' is not an email address."),
    ],
)
def test_bad_values_are_refused_before_anything_is_saved(option, value, message):
    args = list(NEW)
    args[args.index(option) + 1] = value

    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)

    assert not Partnership.objects.exists()
    assert mail.outbox == []


def test_a_name_or_code_in_use_by_another_partnership_is_refused():
    PartnershipFactory(name="KVO Apeldoorn", slug="apeldoorn-oud", code="APO")
    PartnershipFactory(name="KVO Apeldoorn-Noord", slug="apeldoorn-noord", code="APD")

    with pytest.raises(CommandError, match=r"--name: .*--code: "):
        run(*NEW)

    assert Partnership.objects.count() == 2


def test_a_new_partnership_needs_all_its_fields():
    with pytest.raises(CommandError, match="needs --name, --code, --municipality"):
        run("--slug", "apeldoorn", "--coordinator", "c@apeldoorn.nl")


@pytest.mark.django_db(transaction=True)
def test_a_failed_mail_is_resent_with_a_fresh_link(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingSMTP"
    # Real commits: the mail is sent, and fails, when the command's transaction commits.
    with pytest.raises(CommandError, match="KVO Apeldoorn is saved, but the invitation mail"):
        call_command("create_partnership", *NEW, stdout=StringIO())
    first = Invitation.objects.get()
    assert first.sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    output = run("--slug", "apeldoorn", "--coordinator", "coordinator@apeldoorn.nl", "--resend")

    assert "Created partnership" not in output
    invitation = Invitation.objects.get()
    assert invitation.pk == first.pk
    assert invitation.sent_at is not None
    assert invitation.token_hash != first.token_hash
    token = LINK.search(mail.outbox[0].body).group(1)
    assert invitation.token_hash == Invitation.hash_token(token)
    assert AuditEvent.objects.filter(action="merchants.invitation.resent").count() == 1


def test_resend_is_refused_once_the_partnership_has_a_coordinator():
    partnership = PartnershipFactory(slug="apeldoorn")
    MembershipFactory(user=UserFactory(), partnership=partnership, role=Role.COORDINATOR)

    with pytest.raises(CommandError, match="already has a coordinator"):
        run("--slug", "apeldoorn", "--coordinator", "nog-een@apeldoorn.nl", "--resend")

    assert mail.outbox == []


def test_resend_for_an_unknown_slug_is_refused():
    with pytest.raises(CommandError, match="no partnership with slug 'nergens'"):
        run("--slug", "nergens", "--coordinator", "c@nergens.nl", "--resend")
