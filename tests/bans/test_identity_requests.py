"""Name-and-address requests: asked by the officer or the coordinator, mailed to the police as a
PDF, reminded, answered into the person's identity fields, and counted on the dashboard."""

import io
from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bans import identity
from bans.models import IdentityRequest, Person
from bans.services import create_person, link_incident
from merchants.models import AuditEvent
from tests.incidents.factories import report

MAILBOX = "naw.verzoeken@politie.example"


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def ask(client, incident, **changes):
    data = {
        "legal_ground": "civil_claim",
        "ask_name": "on",
        "ask_address": "on",
        "mailbox": MAILBOX,
        "remind_after_days": "14",
        **changes,
    }
    with committed():
        return client.post(reverse("bans:identity_request_new", args=[incident.pk]), data)


def pdf_text(data):
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def answer(client, request, **changes):
    data = {
        "outcome": "answered",
        "answered_on": timezone.localdate().isoformat(),
        "full_name": "Jan de Vries",
        "birth_date": "1990-04-02",
        "address": "Brink 1",
        "residence": "7411 BR Deventer",
        **changes,
    }
    return client.post(reverse("bans:identity_answer", args=[request.pk]), data)


class TestAsking:
    def test_the_officer_asks_and_the_police_mailbox_gets_the_pdf(self, client, world, mailoutbox):
        officer = world.users["officer"]
        client.force_login(officer)
        response = ask(client, world.incident, explanation="Schade € 181 plus twee flessen wijn.")
        request = IdentityRequest.objects.get()
        assert response.url == reverse("bans:identity_request", args=[request.pk])
        assert request.number == f"NAW-DEV-{request.pk:05d}"
        (mail,) = mailoutbox
        assert mail.to == [MAILBOX] and mail.reply_to == [officer.email]
        assert mail.subject == (
            f"[KVO] Verzoek om naam en adres {request.number} "
            f"({world.incident.police_report_number})"
        )
        assert "Beantwoord dit verzoek door op deze e-mail te antwoorden, ook als" in mail.body
        (name, data, kind) = mail.attachments[0]
        assert (name, kind) == (f"{request.number}.pdf", "application/pdf")
        text = pdf_text(data)
        for expected in (
            "Verzoek om naam en adres",
            request.number,
            world.incident.police_report_number,
            world.incident.reference,
            "in deze zaak is aangehouden of herkend: naam, adres en woonplaats.",
            "Schadeverhaal: civiele vordering (art. 6:162 BW)",
            officer.email,
        ):
            assert expected in text, expected
        request.refresh_from_db()
        assert request.sent_at and request.send_error == ""
        # Sent once: a retried task finds it sent.
        assert identity.send_request(request.pk) is False
        assert len(mailoutbox) == 1

    def test_one_open_request_per_case(self, client, world):
        client.force_login(world.users["officer"])
        ask(client, world.incident)
        first = IdentityRequest.objects.get()
        page = client.get(reverse("bans:identity_request_new", args=[world.incident.pk]))
        assert page.url == reverse("bans:identity_request", args=[first.pk])
        with pytest.raises(identity.IdentityError, match=first.number):
            identity.file_request(
                world.incident,
                actor=world.users["officer"],
                legal_ground="civil_claim",
                mailbox=MAILBOX,
            )

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"ask_name": "", "ask_address": ""}, "Vraag ten minste één gegeven."),
            ({"legal_ground": "other"}, "Leg de grond van het verzoek uit."),
            ({"mailbox": "politie"}, "Voer een geldig e-mailadres in."),
            ({"remind_after_days": "400"}, "deze waarde hoogstens 60 is"),
        ],
    )
    def test_a_bad_request_comes_back_and_nothing_is_sent(
        self, client, world, mailoutbox, changes, message
    ):
        client.force_login(world.users["officer"])
        response = ask(client, world.incident, **changes)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not IdentityRequest.objects.exists() and mailoutbox == []

    def test_the_coordinator_asks_but_records_no_answer(self, client, world, mailoutbox):
        coordinator = world.users["coordinator"]
        client.force_login(coordinator)
        ask(client, world.incident)
        request = IdentityRequest.objects.get()
        assert request.requested_by == coordinator and len(mailoutbox) == 1
        page = client.get(reverse("bans:identity_request", args=[request.pk])).content.decode()
        assert "Het antwoord van de politie" not in page
        assert answer(client, request).status_code == 403
        request.refresh_from_db()
        assert request.status == "open"


class TestReminders:
    def sent(self, world, days_ago):
        request = world.identity_request
        IdentityRequest.objects.filter(pk=request.pk).update(
            sent_at=timezone.now() - timedelta(days=days_ago)
        )
        return request

    def test_a_reminder_after_the_term_and_once(self, world, mailoutbox):
        request = self.sent(world, days_ago=15)
        assert identity.send_reminders() == 1
        assert identity.send_reminders() == 0  # the same day: nothing more
        (mail,) = mailoutbox
        assert mail.subject.startswith(
            f"[KVO] Herinnering: verzoek om naam en adres {request.number}"
        )
        assert "nog geen antwoord" in mail.body
        later = timezone.now() + timedelta(days=14, hours=1)
        assert identity.send_reminders(now=later) == 1
        request.refresh_from_db()
        assert request.reminders == 2

    def test_nothing_before_the_term_or_after_the_answer(self, client, world, mailoutbox):
        request = self.sent(world, days_ago=13)
        assert identity.send_reminders() == 0
        client.force_login(world.users["officer"])
        answer(client, request, outcome="refused")
        assert identity.send_reminders(now=timezone.now() + timedelta(days=30)) == 0
        assert mailoutbox == []

    def test_a_dead_mail_server_keeps_the_reminder_for_the_next_run(self, world, settings):
        request = self.sent(world, days_ago=20)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        assert identity.send_reminders() == 0
        request.refresh_from_db()
        assert request.reminders == 0 and request.last_reminded_at is None
        assert request.send_error


class TestAnswer:
    def test_the_answer_makes_the_person_and_fills_in_the_identity(self, client, world):
        officer = world.users["officer"]
        request = world.identity_request
        client.force_login(officer)
        response = answer(client, request)
        request.refresh_from_db()
        person = request.person
        assert response.url == reverse("bans:person", args=[person.pk])
        assert (request.status, request.closed_by) == ("answered", officer)
        assert person.display_name == "Jan V."
        assert (person.full_name, str(person.birth_date)) == ("Jan de Vries", "1990-04-02")
        assert (person.address, person.residence) == ("Brink 1", "7411 BR Deventer")
        assert list(person.incidents.all()) == [world.incident]
        event = AuditEvent.objects.get(action="bans.person.identity_recorded")
        assert event.object_id == str(person.pk) and "Brink" not in str(event.data)

    def test_the_linked_person_gets_the_address_and_a_draft_claim_too(self, client, world):
        from claims.services import create_claim

        officer = world.users["officer"]
        person = create_person(
            partnership=world.deventer,
            actor=officer,
            display_name="Kees B.",
            full_name="Kees Bakker",
            birth_date=timezone.localdate().replace(year=1985),
        )
        link_incident(person, world.incident, actor=officer)
        claim = create_claim(world.incident, person, actor=officer)
        assert claim.snapshot["address"] == ""
        request = world.identity_request
        client.force_login(world.users["administrator"])
        answer(
            client,
            request,
            full_name="Kees Bakker",
            birth_date="",
            address="Lange Bisschopstraat 3",
        )
        person.refresh_from_db()
        claim.refresh_from_db()
        assert person.address == "Lange Bisschopstraat 3" and person.birth_date.year == 1985
        assert claim.snapshot["address"] == "Lange Bisschopstraat 3"
        assert Person.objects.count() == 1

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"full_name": ""}, "full_name", "vul de volledige naam in"),
            ({"answered_on": "2099-01-01"}, "answered_on", "ligt in de toekomst"),
            ({"birth_date": "1800-01-01"}, "birth_date", "Controleer de geboortedatum."),
        ],
    )
    def test_a_bad_answer_comes_back_and_changes_nothing(
        self, client, world, changes, field, message
    ):
        request = world.identity_request
        client.force_login(world.users["officer"])
        response = answer(client, request, **changes)
        assert response.status_code == 400
        assert message in response.content.decode()
        request.refresh_from_db()
        assert request.status == "open" and not Person.objects.exists()


def test_the_figures_count_open_answered_and_the_median_days(client, world):
    officer = world.users["officer"]
    client.force_login(officer)
    for days in (4, 10, 30):
        incident = report(world.users["participant"], world.shop)
        ask(client, incident)
        request = IdentityRequest.objects.latest("pk")
        IdentityRequest.objects.filter(pk=request.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
        if days != 30:
            request.refresh_from_db()
            answer(client, request, answered_on=timezone.localdate().isoformat())
    assert identity.figures(world.deventer) == {"open": 1, "answered": 2, "median_days": 7}
    page = client.get(reverse("dashboard")).content.decode()
    assert "Open verzoeken om naam en adres" in page and "mediaan 7 dagen" in page


def test_the_claim_page_says_it_waits(client, world):
    from claims.services import create_claim

    officer = world.users["officer"]
    person = create_person(
        partnership=world.deventer,
        actor=officer,
        display_name="Kees B.",
        full_name="Kees Bakker",
        birth_date=timezone.localdate().replace(year=1985),
    )
    link_incident(person, world.incident, actor=officer)
    claim = create_claim(world.incident, person, actor=officer)
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Vraag de politie om naam en adres" in page
    request = world.identity_request
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert f"wacht op het antwoord van de politie op verzoek {request.number}" in page


class TestWhoTheAnswerIsAbout:
    def test_with_two_people_linked_the_officer_chooses(self, client, world):
        officer = world.users["officer"]
        people = [
            create_person(partnership=world.deventer, actor=officer, display_name=name)
            for name in ("Kees B.", "Piet D.")
        ]
        for person in people:
            link_incident(person, world.incident, actor=officer)
        request = world.identity_request
        client.force_login(officer)
        response = answer(client, request)
        assert response.status_code == 400
        assert "Kies over wie het antwoord gaat." in response.content.decode()
        answer(client, request, person=str(people[1].pk))
        people[1].refresh_from_db()
        assert people[1].full_name == "Jan de Vries" and Person.objects.count() == 2

    def test_a_link_made_after_filing_gets_the_answer(self, client, world):
        officer = world.users["officer"]
        request = world.identity_request
        person = create_person(partnership=world.deventer, actor=officer, display_name="Kees B.")
        link_incident(person, world.incident, actor=officer)
        client.force_login(officer)
        answer(client, request)
        person.refresh_from_db()
        assert person.full_name == "Jan de Vries" and Person.objects.count() == 1

    def test_the_administrator_does_not_put_new_people_in_the_register(self, client, world):
        request = world.identity_request
        client.force_login(world.users["administrator"])
        answer(client, request)
        request.refresh_from_db()
        assert request.status == "open" and not Person.objects.exists()

    def test_a_stripped_person_is_not_filled_in_again(self, client, world):
        officer = world.users["officer"]
        person = create_person(partnership=world.deventer, actor=officer, display_name="Kees B.")
        link_incident(person, world.incident, actor=officer)
        request = world.identity_request
        Person.objects.filter(pk=person.pk).update(
            display_name="—", personal_data_removed_at=timezone.now()
        )
        client.force_login(officer)
        answer(client, request)
        person.refresh_from_db()
        assert person.full_name == ""
        request.refresh_from_db()
        assert request.person.full_name == "Jan de Vries" and request.person != person


def test_a_coordinators_request_is_answered_to_the_officers(client, world, mailoutbox):
    client.force_login(world.users["coordinator"])
    ask(client, world.incident)
    (mail,) = mailoutbox
    assert mail.reply_to == [world.users["officer"].email]
    assert world.users["coordinator"].email not in pdf_text(mail.attachments[0][1])


def test_after_three_reminders_it_is_closed_and_an_unsent_one_goes_again(world, mailoutbox):
    request = world.identity_request  # never sent: the test's transaction does not commit
    IdentityRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    identity.send_reminders()
    request.refresh_from_db()
    assert request.sent_at and len(mailoutbox) == 1
    now = timezone.now()
    for _round in range(3):
        now += timedelta(days=14)
        assert identity.send_reminders(now=now) == 1
    now += timedelta(days=14)
    assert identity.send_reminders(now=now) == 0
    request.refresh_from_db()
    assert (request.reminders, request.status) == (3, "refused")
    assert len(mailoutbox) == 4
