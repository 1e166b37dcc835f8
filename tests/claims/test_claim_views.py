"""The claims pages as the officer and the coordinator use them, bad input included."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bans import services
from claims.models import BankImport, Claim, ClaimPayment, ClaimSettings
from merchants.roles import Role
from tests.bans.factories import PersonFactory
from tests.bans.test_policy import offence
from tests.claims.camt import statement
from tests.factories import MembershipFactory, claim_settings


@pytest.fixture
def eligible(world):
    incident = offence(world, timezone.localdate() - timedelta(days=2))
    person = PersonFactory(
        partnership=world.deventer,
        full_name="Sanne de Boer",
        birth_date=timezone.localdate().replace(year=2000),
        address="Brink 3, 7411 BR Deventer",
    )
    services.link_incident(person, incident, actor=world.users["officer"])
    return incident, person


def lines(*rows):
    data = {"line-TOTAL_FORMS": "3", "line-INITIAL_FORMS": "0", "line-MAX_NUM_FORMS": "10"}
    for i, (description, amount) in enumerate(rows):
        data[f"line-{i}-description"] = description
        data[f"line-{i}-amount"] = amount
    return data


def text_of(response):
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_incident_page_offers_a_claim_when_the_case_qualifies(client_as, eligible):
    incident, _person = eligible
    page = client_as("officer").get(incident.get_absolute_url())
    assert reverse("claims:new", args=[incident.pk]) in page.content.decode()


def test_the_officer_makes_a_claim_with_dutch_amounts_and_prints_the_letter(
    client_as, world, eligible
):
    incident, person = eligible
    client = client_as("officer")
    response = client.post(
        reverse("claims:new", args=[incident.pk]),
        {"person": person.pk, **lines(("Parfum", "49,95"), ("Schade aan rek", "12,50"))},
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    assert claim.total == Decimal("243.45") and claim.status == "draft"
    response = client.post(reverse("claims:send", args=[claim.pk]), {"email": ""})
    assert response.status_code == 302
    letter = client.get(reverse("claims:letter", args=[claim.pk]))
    assert letter["Content-Type"] == "application/pdf"
    text = text_of(letter).replace("\xa0", " ")
    assert claim.number in text and "243,45" in text and "6:162" in text
    # A second click on "send" changes nothing and says why.
    again = client.post(reverse("claims:send", args=[claim.pk]), {"email": ""}, follow=True)
    assert "al verstuurd" in again.content.decode()


@pytest.mark.parametrize(
    "row,message",
    [
        (("Parfum", "49,955"), "2 cijfers achter de komma"),
        (("Parfum", "-5"), "boven nul"),
        (("", "12,00"), "Beschrijf"),
        (("Parfum", "veel"), "Voer een getal in"),
    ],
)
def test_bad_damage_lines_are_explained_and_nothing_is_made(client_as, eligible, row, message):
    incident, person = eligible
    response = client_as("officer").post(
        reverse("claims:new", args=[incident.pk]), {"person": person.pk, **lines(row)}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Claim.objects.exists()


def test_an_ineligible_case_says_why_and_refuses(client_as, world, eligible):
    incident, person = eligible
    person.birth_date = timezone.localdate().replace(year=timezone.localdate().year - 13)
    person.save()
    client = client_as("coordinator")
    page = client.get(reverse("claims:new", args=[incident.pk]))
    assert "14 jaar of ouder" in page.content.decode()
    client.post(reverse("claims:new", args=[incident.pk]), {"person": person.pk, **lines()})
    assert not Claim.objects.exists()


def test_a_tampered_person_id_is_a_404(client_as, world, eligible):
    incident, _person = eligible
    stranger = PersonFactory(partnership=world.zwolle, full_name="X", birth_date="1990-01-01")
    response = client_as("officer").post(
        reverse("claims:new", args=[incident.pk]), {"person": stranger.pk, **lines()}
    )
    assert response.status_code == 404 and not Claim.objects.exists()


def test_a_payment_dated_tomorrow_is_refused_with_a_message(client_as, world):
    claim = world.claim
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_as("coordinator").post(
        reverse("claims:payment", args=[claim.pk]),
        {"payment-amount": "10,00", "payment-paid_on": tomorrow, "payment-method": "cash"},
        follow=True,
    )
    assert "toekomst" in response.content.decode()
    assert not ClaimPayment.objects.exists()


def test_the_coordinator_imports_a_statement_and_sees_the_claim_paid(client_as, world):
    claim = world.claim
    client = client_as("coordinator")
    data = statement([{"amount": "205.98", "ref": claim.payment_reference}])
    upload = io.BytesIO(data)
    upload.name = "afschrift.xml"
    response = client.post(reverse("claims:bank"), {"statement": upload}, follow=True)
    assert "1 geboekt" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "paid"
    upload = io.BytesIO(data)
    upload.name = "afschrift.xml"
    response = client.post(reverse("claims:bank"), {"statement": upload}, follow=True)
    assert "al geïmporteerd" in response.content.decode()
    assert BankImport.objects.count() == 1 and ClaimPayment.objects.count() == 1
    page = client.get(reverse("claims:distribution")).content.decode()
    assert "205,98" in page and "Bakkerij Jansen" in page


@pytest.mark.parametrize(
    "content,message",
    [
        (b"<html>Mijn bank</html>", "geen CAMT.053"),
        (b"x" * (10 * 1024 * 1024 + 1), "10 MB"),
    ],
)
def test_a_wrong_bank_file_gets_a_clear_error(client_as, world, content, message):
    claim_settings(world.deventer, iban="NL91ABNA0417164300")
    upload = io.BytesIO(content)
    upload.name = "afschrift.xml"
    response = client_as("coordinator").post(reverse("claims:bank"), {"statement": upload})
    assert response.status_code == 200 and message in response.content.decode()
    assert not BankImport.objects.exists()


def test_exports_for_the_books_and_the_collection_agency(client_as, world):
    from bans.selectors import access_log
    from claims.reminders import send_reminders

    claim = world.claim
    Claim.objects.filter(pk=claim.pk).update(
        due_on=timezone.localdate() - timedelta(days=40), email="kees@example.nl"
    )
    today = timezone.localdate()
    send_reminders(today=today)
    send_reminders(today=today + timedelta(days=20))
    books = b"".join(client_as("coordinator").get(reverse("claims:csv")).streaming_content).decode(
        "utf-8-sig"
    )
    assert claim.number in books and "245,98" in books and "Kees Bakker" not in books
    # The hand-over file has names: the officer makes it, once per claim, and it is logged.
    client = client_as("officer")
    agency = client.post(reverse("claims:collection_csv"))
    text = b"".join(agency.streaming_content).decode("utf-8-sig")
    assert "Kees Bakker" in text and "Brink 10" in text
    assert Claim.objects.get(pk=claim.pk).handed_over_on == timezone.localdate()
    again = b"".join(client.post(reverse("claims:collection_csv")).streaming_content)
    assert b"Kees Bakker" not in again
    logged = access_log(world.deventer, person=claim.person)
    assert logged.filter(action="claims.books.collection_exported").count() == 1


def test_the_coordinator_keeps_the_books_without_names(client_as, world):
    from bans.selectors import access_log

    claim = world.claim
    page = client_as("coordinator").get(reverse("claims:detail", args=[claim.pk]))
    assert "Kees Bakker" not in page.content.decode() and "Brink 10" not in page.content.decode()
    listing = client_as("coordinator").get(reverse("claims:list") + "?q=Bakker")
    assert claim.number not in listing.content.decode()  # no search by name either
    page = client_as("officer").get(reverse("claims:detail", args=[claim.pk]))
    assert "Kees Bakker" in page.content.decode()
    assert (
        access_log(world.deventer, person=claim.person)
        .filter(action="claims.claim.viewed")
        .exists()
    )


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("iban", "NL00ABNA0417164300", "geldig IBAN"),
        ("shop_percent", "80", "samen meer dan 100%"),
    ],
)
def test_claim_settings_refuse_a_bad_iban_and_shares_over_100(
    client_as, world, field, value, message
):
    data = {
        "fixed_amount": "181,00",
        "beneficiary": "Stichting KVO Deventer",
        "iban": "nl91 abna 0417 1643 00",
        "due_days": "15",
        "reminder_days": "14",
        "shop_percent": "50",
        "admin_percent": "25",
        field: value,
    }
    client = client_as("coordinator")
    response = client.post(reverse("claims:settings"), data)
    assert response.status_code == 200 and message in response.content.decode()
    data[field] = {"iban": "nl91 abna 0417 1643 00", "shop_percent": "60"}[field]
    assert client.post(reverse("claims:settings"), data).status_code == 302
    assert ClaimSettings.objects.get(partnership=world.deventer).iban == "NL91ABNA0417164300"


def test_list_totals_count_only_open_claims_as_outstanding(client_as, world):
    from claims.payments import write_off

    claim = world.claim  # sent: 205.98 outstanding
    write_off(claim, actor=world.users["coordinator"], reason="Onvindbaar")
    page = client_as("coordinator").get(reverse("claims:list")).content.decode()
    totals = page[page.index('class="totals"') : page.index("</dl>", page.index('class="totals"'))]
    assert "Openstaand</dt><dd>€\xa00,00" in totals
    assert "Afgeschreven</dt><dd>€\xa0205,98" in totals


def test_the_coordinator_books_payments_without_seeing_who_paid(client_as, world):
    """A payer's name or account number can say who is in the register (the person, a parent):
    the coordinator sees the amount, date and reference of a payment waiting for a decision, not
    the payer. Someone who also handles identity (administrator) sees the payer."""
    claim = world.claim
    payment = {"amount": "50.00", "ref": claim.payment_reference, "name": "J. Prins-Verhoef"}
    data = statement([{**payment, "iban": "NL02RABO0123456789"}])
    upload = io.BytesIO(data)
    upload.name = "afschrift.xml"
    client = client_as("coordinator")
    client.post(reverse("claims:bank"), {"statement": upload})
    page = client.get(reverse("claims:bank")).content.decode()
    assert "50,00" in page and claim.number in page  # a partial payment: waiting, with its claim
    assert "Prins-Verhoef" not in page and "NL02RABO0123456789" not in page
    assert "niet getoond" in page
    MembershipFactory(
        user=world.users["coordinator"], partnership=world.deventer, role=Role.ADMINISTRATOR
    )
    page = client_as("coordinator").get(reverse("claims:bank")).content.decode()
    assert "Prins-Verhoef" in page and "NL02RABO0123456789" in page


def test_the_coordinator_refused_a_claim_letter_is_told_why(client_as, world):
    """Not a bare "no access, ask your coordinator" to the coordinator: the page says that the
    letter holds identity only the officer and the administrator see, and where the rest is."""
    response = client_as("coordinator").get(reverse("claims:letter", args=[world.claim.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "alleen de wijkagent en de beheerder zien" in page
    assert "Vraag het dan aan de coördinator" not in page


def test_the_case_page_offers_no_second_claim_for_the_same_person(client_as, world):
    """One claim per case and person: once it is made, the panel shows it and no button to make
    another; once cancelled, the button is back."""
    claim = world.claim
    url = claim.incident.get_absolute_url()
    page = client_as("officer").get(url).content.decode()
    assert claim.number in page and "Schadeclaim opstellen" not in page
    Claim.objects.filter(pk=claim.pk).update(status="cancelled")
    page = client_as("officer").get(url).content.decode()
    assert "Schadeclaim opstellen" in page
