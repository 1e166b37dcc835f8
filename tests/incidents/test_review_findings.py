"""Regression tests for the review of incident reporting."""

import uuid
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from incidents import services
from incidents.models import Incident
from incidents.workflow import Status
from merchants import services as merchant_services
from tests.factories import MembershipFactory, ShopFactory, UserFactory
from tests.incidents.factories import report, report_fields


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def test_no_email_to_someone_who_lost_access(world, mailoutbox):
    incident = world.incident  # reported before: only the status email is looked at
    merchant_services.end_membership(world.memberships["participant"], actor=world.users["owner"])
    with committed():
        services.transition(incident, to=Status.IN_REVIEW, actor=world.users["officer"])
    assert mailoutbox == []


def test_mail_server_down_keeps_the_change_and_answers_normally(client, world, monkeypatch):
    def refuse(*args, **kwargs):
        raise SMTPServerDisconnected("connection refused")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    client.force_login(world.users["officer"])
    with committed():
        response = client.post(
            reverse("incidents:move", args=[world.incident.pk]), {"to": Status.IN_REVIEW}
        )
    assert response.status_code == 302
    world.incident.refresh_from_db()
    assert world.incident.status == Status.IN_REVIEW
    assert world.incident.history.last().notified_at is None  # the retry will send it


def test_deactivated_shop_no_longer_reads_its_cases(client, world):
    merchant_services.set_shop_active(world.shop, active=False, actor=world.users["coordinator"])
    client.force_login(world.users["participant"])
    assert client.get(world.incident.get_absolute_url()).status_code == 404
    client.force_login(world.users["officer"])
    assert client.get(world.incident.get_absolute_url()).status_code == 200


def test_staff_of_two_shops_must_choose(client, world):
    staff = UserFactory()
    other = ShopFactory(area=world.binnenstad)
    MembershipFactory(user=staff, partnership=world.deventer, shops=[world.shop, other])
    client.force_login(staff)
    form = client.get(reverse("incidents:report")).context["form"]
    assert form["shop"].value() is None
    assert "Kies de winkel" in str(form["shop"])


def test_back_button_and_a_new_report_is_not_swallowed(world):
    key = uuid.uuid4()
    first, _ = services.report_incident(
        shop=world.shop,
        reporter=world.users["participant"],
        fields=report_fields(),
        submission_key=key,
    )
    second, created = services.report_incident(
        shop=world.shop,
        reporter=world.users["participant"],
        fields=report_fields(description="Een andere diefstal, later op de dag."),
        submission_key=key,
    )
    assert created and second.pk != first.pk


def test_first_contact_is_never_before_the_report(world):
    officer = world.users["officer"]
    services.record_contact(
        world.incident,
        kind="phone",
        contacted_at=world.incident.created_at - timedelta(hours=20),
        actor=officer,
    )
    world.incident.refresh_from_db()
    assert world.incident.first_contact_at == world.incident.created_at


def test_status_contacted_sets_first_contact(world):
    services.transition(world.incident, to=Status.CONTACTED, actor=world.users["officer"])
    world.incident.refresh_from_db()
    assert world.incident.first_contact_at is not None


def test_duplicates_link_to_the_head_and_never_loop(client, world):
    staff, officer = world.users["participant"], world.users["officer"]
    a, b, c = (report(staff, world.shop) for _ in range(3))
    services.mark_duplicate(b, original=a, actor=officer)
    services.mark_duplicate(c, original=b, actor=officer)
    c.refresh_from_db()
    assert c.duplicate_of == a  # to the head of the chain
    with pytest.raises(services.IncidentError):
        services.mark_duplicate(a, original=c, actor=officer)
    client.force_login(officer)
    d = report(staff, world.shop)
    client.post(reverse("incidents:duplicate", args=[d.pk]), {"original": a.reference})
    d.refresh_from_db()
    assert d.duplicate_of == a


def test_export_with_a_bad_date_is_refused(client, world):
    client.force_login(world.users["officer"])
    data = {"since": "gisteren", "purpose": "case"}
    assert client.get(reverse("incidents:export"), data).status_code == 400


def test_lost_submission_key_still_reports(client, world):
    from tests.incidents.test_reporting import form_data

    client.force_login(world.users["participant"])
    data = form_data(world, submission_key="geen-uuid")
    response = client.post(reverse("incidents:report"), data)
    assert response.status_code == 302
    assert Incident.objects.filter(description__startswith="Vrouw nam").exists()
