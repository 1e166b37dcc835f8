from datetime import timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import Incident, StatusChange
from incidents.workflow import TRANSITIONS, Status
from tests.incidents.factories import report, report_fields


@pytest.fixture
def officer(client, world):
    client.force_login(world.users["officer"])
    return client


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


class TestWorkflow:
    def test_transition_table_reaches_closed_from_every_state(self):
        for start in Status.values:
            seen, frontier = {start}, [start]
            while frontier:
                for nxt in TRANSITIONS[frontier.pop()]:
                    if nxt not in seen:
                        seen.add(nxt)
                        frontier.append(nxt)
            assert Status.CLOSED in seen or start == Status.CLOSED, start

    def test_officer_moves_the_case_and_the_reporter_is_told(self, officer, world, mailoutbox):
        incident = world.incident
        with committed():
            officer.post(
                reverse("incidents:move", args=[incident.pk]),
                {"to": Status.IN_REVIEW, "public_note": "Ik bel u vandaag nog."},
            )
        incident.refresh_from_db()
        assert incident.status == Status.IN_REVIEW
        change = incident.history.last()
        assert (change.from_status, change.to_status) == (Status.REPORTED, Status.IN_REVIEW)
        assert change.actor == world.users["officer"]
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == [world.users["participant"].email]
        assert mail.subject == f"[KVO] Uw melding {incident.reference}: In behandeling"
        assert f"http://testserver/incidents/{incident.pk}/" in mail.body
        # The note may name people: the mail only says there is one.
        assert "Ik bel u vandaag nog." not in mail.body
        assert "Log in om die te lezen." in mail.body
        assert "Lang, kort donker haar" not in mail.body
        # A retried task does not send it again.
        services.send_status_email(change.pk)
        assert len(mailoutbox) == 1

    def test_a_jump_the_table_forbids_is_refused(self, officer, world, mailoutbox):
        response = officer.post(
            reverse("incidents:move", args=[world.incident.pk]), {"to": Status.CLOSED}
        )
        assert response.status_code == 400
        world.incident.refresh_from_db()
        assert world.incident.status == Status.REPORTED
        assert StatusChange.objects.filter(incident=world.incident).count() == 1
        assert not mailoutbox

    def test_reopen_after_close(self, world):
        officer = world.users["officer"]
        for step in (Status.IN_REVIEW, Status.NO_ACTION, Status.CLOSED):
            services.transition(world.incident, to=step, actor=officer)
        assert world.incident.closed_at is not None
        services.transition(world.incident, to=Status.IN_REVIEW, actor=officer, public_note="Nieuw")
        world.incident.refresh_from_db()
        assert world.incident.status == Status.IN_REVIEW and world.incident.closed_at is None
        assert world.incident.history.count() == 5

    def test_reporter_sees_the_timeline_not_the_internal_notes(self, client, world):
        officer = world.users["officer"]
        services.transition(
            world.incident, to=Status.IN_REVIEW, actor=officer, public_note="Bekeken"
        )
        services.add_internal_note(world.incident, text="Oude bekende, zie zaak 12", actor=officer)
        client.force_login(world.users["participant"])
        page = client.get(world.incident.get_absolute_url())
        assert "Bekeken" in page.text and "In behandeling" in page.text
        assert "Oude bekende" not in page.text
        client.force_login(officer)
        assert "Oude bekende" in client.get(world.incident.get_absolute_url()).text


class TestContact:
    def test_first_contact_is_recorded(self, officer, world):
        when = timezone.localtime().replace(second=0, microsecond=0)
        officer.post(
            reverse("incidents:contact", args=[world.incident.pk]),
            {"kind": "phone", "contacted_at": when.strftime("%Y-%m-%dT%H:%M"), "note": "Gebeld"},
        )
        world.incident.refresh_from_db()
        assert world.incident.first_contact_at == max(when, world.incident.created_at)
        assert world.incident.contacts.get().note == "Gebeld"

    def test_contact_in_the_future_is_refused(self, officer, world):
        response = officer.post(
            reverse("incidents:contact", args=[world.incident.pk]),
            {"kind": "visit", "contacted_at": "2099-01-01T10:00"},
        )
        assert response.status_code == 400
        assert "kan niet in de toekomst liggen" in response.text
        assert not world.incident.contacts.exists()


class TestQueue:
    def test_oldest_uncontacted_case_first(self, officer, world):
        officer_user = world.users["officer"]
        older = report(world.users["participant"], world.shop)
        Incident.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=5))
        contacted = report(world.users["participant"], world.shop)
        services.record_contact(
            contacted, kind="phone", contacted_at=timezone.now(), actor=officer_user
        )
        newest = report(world.users["participant"], world.shop)
        page = officer.get(reverse("incidents:queue"))
        order = [i.pk for i in page.context["page"]]
        assert order.index(older.pk) < order.index(newest.pk) < order.index(contacted.pk)
        assert "te laat" in page.text

    def test_filters(self, officer, world):
        report(world.users["participant"], world.shop, kind="nuisance", police_report="no")
        report(world.users["participant"], world.shop, kind="shoplifting", police_report="yes")
        url = reverse("incidents:queue")
        assert officer.get(url, {"kind": "nuisance"}).context["page"].paginator.count == 1
        assert officer.get(url, {"aangifte": "yes"}).context["page"].paginator.count == 1
        assert officer.get(url, {"area": world.colmschate.pk}).context["page"].paginator.count == 0
        assert officer.get(url, {"area": "junk", "page": "x"}).status_code == 200

    def test_other_partnerships_cases_never_show(self, officer, world):
        from tests.factories import MembershipFactory, UserFactory

        zwolle_staff = UserFactory()
        MembershipFactory(user=zwolle_staff, partnership=world.zwolle, shops=[world.zwolle_shop])
        report(zwolle_staff, world.zwolle_shop, description="Zwolse melding")
        assert "Zwolse melding" not in officer.get(reverse("incidents:queue")).text


@pytest.mark.parametrize("page", ["incidents:queue", "incidents:mine"])
def test_query_count_at_10_and_1000_incidents(client, world, page):
    role = "officer" if page == "incidents:queue" else "participant"
    client.force_login(world.users[role])
    url = reverse(page)
    client.get(url)

    def grow_to(total):
        fields = report_fields()
        existing = Incident.objects.count()
        Incident.objects.bulk_create(
            Incident(
                partnership=world.deventer,
                shop=world.shop,
                area=world.binnenstad,
                reporter=world.users["participant"],
                **fields,
            )
            for _ in range(total - existing)
        )

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grow_to(10)
    small = count()
    grow_to(1000)
    large = count()
    assert small == large, f"{page}: {small} queries at 10 incidents, {large} at 1000"


def test_the_queue_finds_a_case_by_its_number_and_shops_by_name(client_as, world):
    """The officer types the number the shop mentions on the phone, or part of a shop's name; the
    page has no list of every shop to scroll, and it is called the same in menu and title."""
    from tests.incidents.factories import report

    wanted = report(world.users["participant"], world.shop)
    other = report(world.users["participant"], world.shop)
    client = client_as("officer")
    url = reverse("incidents:queue")

    def found(q):
        return {i.pk for i in client.get(url, {"q": q}).context["page"]}

    assert found(wanted.reference) == {wanted.pk}
    assert found(str(wanted.pk)) == {wanted.pk}
    assert found(world.shop.name[:6].lower()) == {wanted.pk, other.pk}
    assert found("Geen-Winkel-Zo") == set()
    assert found("X" * 70) == {wanted.pk, other.pk}  # too long: refused, the open cases stay
    page = client.get(url).content.decode()
    assert '<select name="shop"' not in page
    assert "<title>Wachtrij" in page and "<h1>Wachtrij</h1>" in page


def test_queue_filters_fold_on_a_phone_and_answer_in_the_page(client_as, world):
    """Without filters the panel is folded (enhance.js opens it on a wide screen); a filter
    opens it and counts; a filter sent from the page (htmx) gets the list alone back."""
    from tests.incidents.factories import report

    wanted = report(world.users["participant"], world.shop)
    client = client_as("officer")
    url = reverse("incidents:queue")
    folded = client.get(url).content.decode()
    assert '<details class="filters" data-filters>' in folded
    opened = client.get(url, {"q": wanted.reference}).content.decode()
    assert '<details class="filters" data-filters open>' in opened and "1 actief" in opened
    partial = client.get(url, {"q": wanted.reference}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="queue-results"') and "<html" not in body
    assert wanted.reference in body
    assert "HX-Request" in partial["Vary"]
    # Going back in history asks for the whole page again, and gets it.
    restore = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()
