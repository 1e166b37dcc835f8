"""The weekly access review: many people opened at once, access at night, exports and people
outside the user's areas, sent once a week to the administrators with links to the log."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bans import access_review
from bans.models import AccessReview, AccessReviewSettings
from merchants.models import AuditEvent
from tests.bans.factories import PersonFactory

MONDAY = date(2026, 12, 7)  # the review goes out on this Monday, about the week before


def at(day, hour, minute=0):
    return datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


def opened(world, user, person, moment, action="bans.person.viewed", **data):
    return AuditEvent.objects.create(
        action=action,
        actor=user,
        partnership=world.deventer,
        object_type="bans.person",
        object_id=str(person.pk),
        created_at=moment,
        data=data,
    )


@pytest.fixture
def people(world):
    return [PersonFactory(partnership=world.deventer) for _ in range(20)]


def test_many_people_in_an_hour_at_night_and_an_export_are_reported(world, people, mailoutbox):
    officer, admin = world.users["officer"], world.users["administrator"]
    tuesday = MONDAY - timedelta(days=6)
    for index, person in enumerate(people[:17]):  # 17 people in 34 minutes
        opened(world, officer, person, at(tuesday, 14, 2 * index))
    opened(world, admin, people[0], at(tuesday, 23, 40))
    AuditEvent.objects.create(
        action="incidents.export.full",
        actor=officer,
        partnership=world.deventer,
        created_at=at(tuesday, 16),
        data={"purpose": "police", "purpose_text": "PL06"},
    )
    # Out of the week: not counted.
    for person in people:
        opened(world, officer, person, at(MONDAY, 10))

    review = access_review.send_review(world.deventer, today=MONDAY)
    found = review.findings
    assert [(b["user"], b["people"]) for b in found["bursts"]] == [(officer.get_full_name(), 17)]
    assert [(n["user"], n["count"]) for n in found["night"]] == [(admin.get_full_name(), 1)]
    assert found["exports"][0]["purpose"] == "Overdracht aan de politie: PL06"
    (mail,) = mailoutbox
    assert mail.to == [admin.email]
    assert (
        mail.subject == "[KVO] Controle toegangslog KVO Deventer, 30 november tot 6 december 2026"
    )
    assert f"{officer.get_full_name()}: 17 personen tussen 01-12-2026 14:00 en 14:32" in mail.body
    link = f"http://testserver{reverse('bans:access_log')}?user={officer.pk}"
    assert f"{link}&since=2026-12-01&until=2026-12-01" in mail.body
    assert "23:40" in mail.body and "doel: Overdracht aan de politie: PL06" in mail.body
    # Once a week.
    assert access_review.send_review(world.deventer, today=MONDAY).pk == review.pk
    assert len(mailoutbox) == 1


def test_the_thresholds_are_the_partnerships(world, people, mailoutbox):
    officer = world.users["officer"]
    tuesday = MONDAY - timedelta(days=6)
    for index, person in enumerate(people[:6]):
        opened(world, officer, person, at(tuesday, 10, 5 * index))
    AccessReviewSettings.objects.create(
        partnership=world.deventer,
        people_at_once=5,
        window_minutes=30,
        night_from=9,
        night_until=11,
    )
    found = access_review.findings(world.deventer, MONDAY - timedelta(days=7), MONDAY)
    assert [b["people"] for b in found["bursts"]] == [6]
    assert found["night"][0]["count"] == 6  # "night" from 9 until 11 here
    AccessReviewSettings.objects.filter(partnership=world.deventer).update(window_minutes=10)
    assert (
        access_review.findings(world.deventer, MONDAY - timedelta(days=7), MONDAY)["bursts"] == []
    )


def test_a_shop_opening_a_person_of_another_area(world, mailoutbox):
    from bans.services import link_incident
    from incidents.models import Incident

    person = PersonFactory(partnership=world.deventer)
    elsewhere = Incident.objects.filter(pk=world.incident.pk)
    link_incident(person, world.incident, actor=world.users["officer"])
    elsewhere.update(area=world.colmschate)
    tuesday = MONDAY - timedelta(days=6)
    opened(
        world, world.users["participant"], person, at(tuesday, 12), action="bans.sighting.reported"
    )
    opened(world, world.users["officer"], person, at(tuesday, 12, 5))  # officers: whole partnership
    found = access_review.findings(world.deventer, MONDAY - timedelta(days=7), MONDAY)
    assert [(o["user"], o["person"]) for o in found["outside"]] == [
        (world.users["participant"].get_full_name(), person.pk)
    ]


def test_a_quiet_week_says_so_and_the_settings_page_saves(client, world, mailoutbox):
    access_review.send_review(world.deventer, today=MONDAY)
    assert "Deze week valt niets op." in mailoutbox[0].body
    assert AccessReview.objects.get().sent_at
    client.force_login(world.users["administrator"])
    response = client.post(
        reverse("bans:access_review"),
        {
            "people_at_once": "8",
            "window_minutes": "30",
            "night_from": "23",
            "night_until": "5",
            "flag_exports": "on",
        },
    )
    assert response.status_code == 302
    assert AccessReviewSettings.objects.get(partnership=world.deventer).people_at_once == 8
    changed = AuditEvent.objects.get(action="bans.access_review.settings_changed")
    assert changed.data["people_at_once"] == {"old": "15", "new": "8"}
    bad = client.post(
        reverse("bans:access_review"),
        {"people_at_once": "1", "window_minutes": "0", "night_from": "25", "night_until": "5"},
    )
    assert bad.status_code == 400
