"""Dossier reminders: certificates ending in 6, 3 and 1 months, schouw, annual report and survey
due; to the partnership's coordinators, one email a day, each reminder once."""

import logging
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certification import reminders
from certification.models import Certificate, DossierItem, DossierReminder
from certification.tasks import daily_dossier_reminders
from merchants.roles import Role
from plumbing import mail as kvo_mail
from plumbing.dates import add_months
from tests.factories import MembershipFactory, UserFactory

ENDS = date(2026, 10, 31)


def record(area, kind, held_on):
    return DossierItem.objects.create(area=area, kind=kind, held_on=held_on, title=kind)


def keep_up(*areas, schouw=True):
    """The cycle of these areas is in order for 2026: only what a test adds is due."""
    for area in areas:
        record(area, "survey", date(2025, 3, 1))
        record(area, "annual_report", date(2026, 2, 15))
        if schouw:
            record(area, "inspection", date(2026, 3, 10))


def certificate(area, valid_until=ENDS, issued_on=date(2023, 11, 1), stars=3):
    return Certificate.objects.create(
        area=area,
        stars=stars,
        issued_on=issued_on,
        valid_until=valid_until,
        certifying_body="Kiwa NCP",
    )


def run(day):
    mail.outbox.clear()
    reminders.send_dossier_reminders(today=day)
    return list(mail.outbox)


def link(area):
    return "http://testserver" + reverse("certification:area_dossier", args=[area.pk])


@pytest.fixture
def quiet(world):
    keep_up(world.binnenstad, world.colmschate, world.zwolle_area)
    return world


def test_a_certificate_is_reminded_at_6_3_and_1_months_each_once(quiet):
    world = quiet
    cert = certificate(world.binnenstad)
    coordinator = world.users["coordinator"]

    assert run(date(2026, 4, 29)) == []  # six months before its last day is 30 April

    sent = run(date(2026, 5, 31))  # five months left
    assert [m.to for m in sent] == [[coordinator.email]]
    assert "Binnenstad" in sent[0].body and link(world.binnenstad) in sent[0].body
    # In the coordinator's language (Dutch): Django's own month names show it.
    assert "31 oktober 2026" in sent[0].body
    assert run(date(2026, 5, 31)) == []  # the same day again: nothing more
    assert run(date(2026, 6, 1)) == []

    assert len(run(date(2026, 8, 31))) == 1  # two months left: the 3-month one
    assert run(date(2026, 9, 15)) == []
    assert len(run(date(2026, 10, 11))) == 1  # twenty days left: the 1-month one
    assert run(date(2026, 10, 30)) == []

    sent_topics = DossierReminder.objects.filter(certificate=cert).values_list("topic", flat=True)
    assert sorted(sent_topics) == ["certificate_1", "certificate_3", "certificate_6"]
    assert all(r.sent_at and r.sent_to == [coordinator.pk] for r in cert.reminders.all())


def test_a_certificate_found_late_gets_only_the_tightest_reminder(quiet):
    certificate(quiet.binnenstad)
    assert len(run(date(2026, 10, 11))) == 1
    assert list(DossierReminder.objects.values_list("topic", flat=True)) == ["certificate_1"]


def test_a_new_certificate_starts_over_and_a_recorded_successor_stops_them(quiet):
    world = quiet
    certificate(world.binnenstad)
    assert len(run(date(2026, 5, 31))) == 1
    certificate(world.binnenstad, issued_on=date(2026, 11, 1), valid_until=date(2029, 10, 31))
    # The successor is recorded ahead of its start: the old one needs no more reminders.
    assert run(date(2026, 8, 31)) == []
    for area in (world.binnenstad, world.colmschate, world.zwolle_area):
        record(area, "survey", date(2029, 1, 10))
        record(area, "annual_report", date(2029, 2, 1))
    sent = run(date(2029, 5, 1))
    assert len(sent) == 1 and "31 oktober 2029" in sent[0].body


def test_a_coordinator_hears_only_about_their_own_partnership(quiet):
    world = quiet
    certificate(world.binnenstad)
    certificate(world.zwolle_area, stars=2)
    sent = {m.to[0]: m for m in run(date(2026, 5, 31))}
    deventer = sent[world.users["coordinator"].email]
    zwolle = sent[world.users["other_coordinator"].email]
    assert len(sent) == 2
    assert "Binnenstad" in deventer.body and "Zwolle" not in deventer.body
    assert "Zwolle Centrum" in zwolle.body and "Binnenstad" not in zwolle.body
    assert link(world.zwolle_area) in zwolle.body and link(world.binnenstad) not in zwolle.body

    # Zwolle has recertified; Deventer has not.
    certificate(world.zwolle_area, issued_on=date(2026, 6, 1), valid_until=date(2029, 5, 31))
    assert [m.to for m in run(date(2026, 8, 31))] == [[world.users["coordinator"].email]]


def test_other_roles_and_former_coordinators_get_nothing(quiet):
    world = quiet
    world.memberships["coordinator"].active = False
    world.memberships["coordinator"].save()
    current = MembershipFactory(partnership=world.deventer, role=Role.COORDINATOR).user
    certificate(world.binnenstad)
    assert [m.to for m in run(date(2026, 5, 31))] == [[current.email]]


def test_the_schouw_is_reminded_from_1_october_unless_one_is_recorded(world):
    keep_up(world.binnenstad, world.colmschate, world.zwolle_area, schouw=False)
    record(world.colmschate, "inspection", date(2026, 4, 2))
    record(world.zwolle_area, "inspection", date(2026, 5, 1))
    record(world.binnenstad, "inspection", date(2025, 11, 3))  # last year's does not count

    assert run(date(2026, 9, 30)) == []
    sent = run(date(2026, 10, 1))
    assert [m.to for m in sent] == [[world.users["coordinator"].email]]
    assert "Binnenstad" in sent[0].body and "Colmschate" not in sent[0].body
    assert run(date(2026, 10, 2)) == []
    reminder = DossierReminder.objects.get()
    assert (reminder.area, reminder.topic, reminder.period) == (
        world.binnenstad,
        "inspection",
        "2026",
    )

    # Recorded before the due date: no reminder that year.
    record(world.binnenstad, "inspection", date(2027, 6, 1))
    record(world.binnenstad, "annual_report", date(2027, 3, 1))
    for area in (world.colmschate, world.zwolle_area):
        record(area, "inspection", date(2027, 6, 1))
        record(area, "annual_report", date(2027, 3, 1))
    assert run(date(2027, 10, 1)) == []


def test_the_annual_report_is_reminded_from_1_april_once_a_year(world):
    keep_up(world.colmschate, world.zwolle_area)
    record(world.binnenstad, "survey", date(2025, 3, 1))
    record(world.binnenstad, "annual_report", date(2024, 3, 20))  # over 2023

    assert run(date(2026, 3, 31)) == []
    assert len(run(date(2026, 4, 1))) == 1
    assert run(date(2026, 6, 1)) == []
    assert DossierReminder.objects.get().period == "2025"


def test_the_survey_is_reminded_when_three_years_old_once_per_survey(quiet):
    world = quiet
    DossierItem.objects.filter(area=world.binnenstad, kind="survey").update(
        held_on=date(2023, 5, 2)
    )
    assert run(date(2026, 5, 1)) == []
    assert len(run(date(2026, 5, 3))) == 1
    assert run(date(2026, 7, 1)) == []
    record(world.binnenstad, "survey", date(2026, 9, 1))
    assert run(date(2026, 9, 2)) == []
    assert DossierReminder.objects.get().period == "2023-05-02"


def test_an_area_without_a_survey_is_reminded_once(world):
    keep_up(world.colmschate, world.zwolle_area)
    record(world.binnenstad, "annual_report", date(2026, 2, 15))
    world.users["coordinator"].language = "en"
    world.users["coordinator"].save()
    sent = run(date(2026, 5, 1))
    assert len(sent) == 1 and "No shop-owner survey has been recorded." in sent[0].body
    assert run(date(2027, 1, 5)) == []


def test_one_email_per_coordinator_lists_every_reminder_of_the_day(world):
    keep_up(world.binnenstad, world.zwolle_area)
    record(world.colmschate, "survey", date(2025, 3, 1))
    record(world.colmschate, "annual_report", date(2026, 2, 15))
    certificate(world.binnenstad)
    english = UserFactory(email="coordinator2@example.nl", full_name="Anna de Vries", language="en")
    MembershipFactory(user=english, partnership=world.deventer, role=Role.COORDINATOR)

    sent = {m.to[0]: m for m in run(date(2026, 10, 11))}
    assert sorted(sent) == sorted([world.users["coordinator"].email, english.email])

    message = sent[english.email]
    assert message.subject.endswith("KVO Deventer: reminders for the certification dossier")
    body = message.body
    assert "Hello Anna," in body
    assert "Binnenstad" in body and link(world.binnenstad) in body
    assert "Winkelhart Colmschate" in body and link(world.colmschate) in body
    assert "The certificate (3 stars) ends on 31 October 2026" in body
    assert "No site inspection (schouw) has been recorded for 2026." in body
    # Areas by name, each with its own reminders under it.
    assert body.index("Binnenstad") < body.index("The certificate") < body.index("Colmschate")
    html = message.alternatives[0][0]
    assert f'href="{link(world.binnenstad)}"' in html and f'href="{link(world.colmschate)}"' in html
    assert "Winkelhart Colmschate" in html and "31 October 2026" in html

    assert DossierReminder.objects.filter(sent_at__isnull=False).count() == 2
    assert run(date(2026, 10, 11)) == []


def test_a_failed_email_is_logged_retried_and_stops_no_one_else(quiet, monkeypatch, caplog):
    world = quiet
    certificate(world.binnenstad)
    certificate(world.zwolle_area)
    send = kvo_mail.send_templated_mail

    def flaky(prefix, context, *, to, language=None):
        if to == [world.users["coordinator"].email]:
            raise OSError("mail server down")
        return send(prefix, context, to=to, language=language)

    monkeypatch.setattr(reminders, "send_templated_mail", flaky)
    with caplog.at_level(logging.ERROR, logger="certification.reminders"):
        mail.outbox.clear()
        counts = reminders.send_dossier_reminders(today=date(2026, 5, 31))
    assert [m.to for m in mail.outbox] == [[world.users["other_coordinator"].email]]
    assert counts["failed"] == 1 and "mail server down" in caplog.text
    assert not DossierReminder.objects.get(area=world.binnenstad).sent_at

    monkeypatch.setattr(reminders, "send_templated_mail", send)
    assert [m.to for m in run(date(2026, 6, 1))] == [[world.users["coordinator"].email]]
    assert DossierReminder.objects.filter(sent_at__isnull=True).count() == 0


def test_a_partnership_that_fails_stops_no_other(quiet, monkeypatch, caplog):
    world = quiet
    certificate(world.binnenstad)
    certificate(world.zwolle_area)
    due = reminders.due_reminders

    def broken(area, today):
        if area.partnership_id == world.deventer.pk:
            raise ValueError("bad data")
        return due(area, today)

    monkeypatch.setattr(reminders, "due_reminders", broken)
    with caplog.at_level(logging.ERROR, logger="certification.reminders"):
        assert [m.to for m in run(date(2026, 5, 31))] == [[world.users["other_coordinator"].email]]
    assert "bad data" in caplog.text


def test_reminders_wait_for_a_coordinator(quiet):
    world = quiet
    world.memberships["other_coordinator"].active = False
    world.memberships["other_coordinator"].save()
    certificate(world.zwolle_area)
    assert run(date(2026, 5, 31)) == []  # Deventer's coordinator hears nothing of Zwolle
    successor = MembershipFactory(partnership=world.zwolle, role=Role.COORDINATOR).user
    assert [m.to for m in run(date(2026, 6, 1))] == [[successor.email]]


def test_the_daily_task_runs_the_job_for_today(quiet):
    today = timezone.localdate()
    certificate(
        quiet.binnenstad, issued_on=add_months(today, -30), valid_until=add_months(today, 2)
    )
    mail.outbox.clear()
    daily_dossier_reminders.delay()
    assert quiet.users["coordinator"].email in [m.to[0] for m in mail.outbox]
    assert DossierReminder.objects.filter(area=quiet.binnenstad, topic="certificate_3").exists()
