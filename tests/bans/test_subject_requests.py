import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from bans import services
from bans.models import SubjectRequest


def test_request_gets_a_four_week_deadline_and_shows_overdue(client, world):
    client.force_login(world.users["administrator"])
    response = client.post(
        reverse("bans:subject_requests"),
        {
            "kind": "erasure",
            "requester": "Mark Visser",
            "received_on": "2026-10-01",
            "person": world.person.pk,
        },
    )
    assert response.status_code == 302
    item = SubjectRequest.objects.get()
    assert item.due_on == date(2026, 10, 29) and item.person == world.person
    page = client.get(reverse("bans:subject_requests"))
    assert "te laat" in page.text


def test_bad_requests_are_refused_with_a_message(client, world):
    client.force_login(world.users["administrator"])
    future = client.post(
        reverse("bans:subject_requests"),
        {
            "kind": "access",
            "requester": "X",
            "received_on": (date.today() + timedelta(days=3)).isoformat(),
        },
    )
    assert future.status_code == 400
    stranger = client.post(
        reverse("bans:subject_requests"),
        {"kind": "access", "requester": "X", "received_on": "2026-10-01", "person": 999999},
    )
    assert stranger.status_code == 400
    assert not SubjectRequest.objects.exists()


def test_close_once(world):
    item = world.subject_request
    services.close_subject_request(item, actor=world.users["administrator"], status="handled")
    assert item.status == "handled" and item.handled_on == date.today()
    with pytest.raises(services.RegisterError):
        services.close_subject_request(item, actor=world.users["administrator"], status="rejected")


def test_access_report_lists_the_data_and_who_viewed_it(client, world):
    client.force_login(world.users["officer"])
    client.get(reverse("bans:person", args=[world.person.pk]))
    client.force_login(world.users["administrator"])
    response = client.get(reverse("bans:access_report", args=[world.person.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert world.person.full_name in text
    assert world.users["officer"].get_full_name() in text
    # What happened, in words: the person reading the report cannot know our internal codes.
    assert "Persoonspagina geopend" in text and "bans.person.viewed" not in text


def test_the_access_log_says_what_happened_in_words(client, world):
    client.force_login(world.users["officer"])
    client.get(reverse("bans:person", args=[world.person.pk]))
    client.get(reverse("incidents:case_pdf", args=[world.incident.pk]))
    client.force_login(world.users["administrator"])
    page = client.get(reverse("bans:access_log")).content.decode()
    assert "Persoonspagina geopend" in page and "Dossier van een melding afgedrukt" in page
    for code in (
        "bans.person.viewed",
        "incidents.pdf.case_printed",
        "incidents.incident",
        "<code>",
    ):
        assert code not in page
    english = client.get(reverse("bans:access_log"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Opened the person&#x27;s page" in english and "Printed a case file" in english
