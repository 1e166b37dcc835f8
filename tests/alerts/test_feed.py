"""The alert feed and what leads there: who sees which alerts, their states, the partial the page
polls for, opening a sighting through the access log, proposals told to the other officers, the
coordinator's settings, and sending to many devices at once."""

import uuid

import pytest

from alerts import services
from alerts.models import Alert, AlertDelivery, AlertSettings
from bans import services as register
from bans.sightings import report_sighting
from merchants.models import AuditEvent
from merchants.services import sign_protocol
from tests.alerts.test_sighting_alerts import device_for
from tests.alerts.test_sighting_alerts import sight as sighting
from tests.alerts.test_warnings import DESCRIPTION
from tests.factories import MembershipFactory, ShopFactory, UserFactory, add_totp
from tests.push_receiver import PushReceiver


@pytest.fixture
def receiver():
    service = PushReceiver()
    yield service
    service.close()


def queued_alert(world, capture):
    """A sighting and its alert, planned but never handed to a worker (a lost task, a dead
    worker, a delivery still to come)."""
    with capture(execute=False):
        incident = report_sighting(
            world.banned,
            reporter=world.users["participant"],
            shop=world.shop,
            submission_key=uuid.uuid4(),
        )
        return incident, services.alert_sighting(incident, world.banned)


def test_each_sees_the_alerts_meant_for_them(world, client_as, django_capture_on_commit_callbacks):
    warning = world.warning  # Binnenstad, from the participant
    seen = sighting(world, django_capture_on_commit_callbacks).alerts.get()
    elsewhere = ShopFactory(area=world.colmschate, name="Slijterij Colmschate")
    colleague = UserFactory(email="colmschate@example.nl")
    MembershipFactory(
        user=colleague, partnership=world.deventer, role="participant", shops=[elsewhere]
    )
    sign_protocol(world.protocol, actor=colleague)

    officer = client_as("officer").get("/alerts/").content.decode()
    assert f'data-alert="{warning.pk}"' in officer and f'data-alert="{seen.pk}"' in officer
    # The shop sees its area's warning; the sighting only once the partnership sends those.
    shop = client_as("participant").get("/alerts/").content.decode()
    assert f'data-alert="{warning.pk}"' in shop and f'data-alert="{seen.pk}"' not in shop
    AlertSettings.objects.filter(partnership=world.deventer).update(sightings_to_shops=True)
    shop = client_as("participant").get("/alerts/").content.decode()
    assert f'data-alert="{seen.pk}"' in shop
    # Another area of the same partnership sees neither, and may not open them.
    client = client_as("participant")
    client.force_login(colleague)
    assert "data-alert=" not in client.get("/alerts/").content.decode()
    assert client.get(f"/alerts/{warning.pk}/").status_code == 404
    assert client.get(f"/alerts/{seen.pk}/open/").status_code == 404
    # The feed lists no description: that is behind the alert's own page (and the access log).
    assert "groene jas" not in officer


def test_the_feed_polls_a_partial_that_shows_each_state(world, client_as):
    warning = world.warning
    client = client_as("officer")
    page = client.get("/alerts/").content.decode()
    assert 'hx-trigger="every 5s"' in page and 'hx-get="/alerts/"' in page
    partial = client.get("/alerts/", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert partial["Vary"].count("HX-Request") == 1
    assert "Geldig tot" in partial.content.decode()
    Alert.objects.filter(pk=warning.pk).update(expires_at=warning.created_at)
    assert "Verlopen" in client.get("/alerts/", headers={"HX-Request": "true"}).content.decode()
    Alert.objects.filter(pk=warning.pk).update(withdrawn_at=warning.created_at)
    assert "Ingetrokken" in client.get("/alerts/", headers={"HX-Request": "true"}).content.decode()


def test_opening_a_sighting_writes_the_access_log_and_lands_on_the_right_page(
    world, client_as, django_capture_on_commit_callbacks
):
    AlertSettings.objects.create(partnership=world.deventer, sightings_to_shops=True)
    sign_protocol(world.protocol, actor=world.users["owner"])
    incident = sighting(world, django_capture_on_commit_callbacks)
    alert = incident.alerts.get()
    officer = client_as("officer").get(f"/alerts/{alert.pk}/open/")
    assert officer["Location"] == incident.get_absolute_url()
    owner = client_as("owner").get(f"/alerts/{alert.pk}/open/")
    assert owner["Location"] == f"/register/gallery/#person-{world.banned.pk}"
    opened = AuditEvent.objects.filter(action="alerts.alert.opened", object_id=str(alert.pk))
    assert {e.actor for e in opened} == {world.users["officer"], world.users["owner"]}


def test_a_proposal_is_told_to_the_other_officers_not_to_its_author(
    world, receiver, django_capture_on_commit_callbacks
):
    second = UserFactory(email="tweede.agent@example.nl")
    MembershipFactory(user=second, partnership=world.deventer, role="officer")
    add_totp(second)
    mine = device_for(world.users["officer"], receiver)
    theirs = device_for(second, receiver)
    officer = world.users["officer"]
    register.link_incident(world.person, world.incident, actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        register.propose_measures(world.person, world.incident, actor=officer)
    assert receiver.messages_for(mine) == []
    (message,) = receiver.messages_for(theirs)
    assert message["title"] == "Voorstel wacht op uw besluit"
    assert world.person.display_name not in str(message)
    alert = Alert.objects.get(kind="proposal")
    assert services.destination(alert, second) == f"/register/people/{world.person.pk}/"


def test_the_coordinator_turns_alerts_to_shops_on(world, client_as):
    client = client_as("coordinator")
    assert "Instellingen voor berichten" in client.get("/alerts/settings/").content.decode()
    response = client.post(
        "/alerts/settings/",
        {"sightings_to_shops": "on", "warnings_from_shops": "on", "warnings_per_hour": 2},
    )
    assert response.status_code == 302
    chosen = AlertSettings.objects.get(partnership=world.deventer)
    assert (chosen.sightings_to_shops, chosen.warnings_from_shops, chosen.sms_fallback) == (
        True,
        True,
        False,
    )
    assert chosen.warnings_per_hour == 2
    assert AuditEvent.objects.filter(action="alerts.settings.changed").exists()
    bad = client.post("/alerts/settings/", {"warnings_per_hour": 500})
    assert bad.status_code == 200 and "hoogstens 20" in bad.content.decode()
    # Zwolle's coordinator edits Zwolle's, never Deventer's.
    client_as("other_coordinator").post("/alerts/settings/", {"warnings_per_hour": 5})
    assert AlertSettings.objects.get(partnership=world.deventer).warnings_per_hour == 2


def test_a_mobile_number_is_kept_in_one_form_and_a_wrong_one_explained(world, client_as):
    client = client_as("participant")
    data = {
        "full_name": "Anna",
        "language": "nl",
        "report_alerts": "each",
        "mobile": "06 1234 5678",
    }
    client.post("/profile/", data)
    world.users["participant"].refresh_from_db()
    assert world.users["participant"].mobile == "+31612345678"
    response = client.post("/profile/", {**data, "mobile": "0570 123456"})
    assert "Vul een mobiel nummer in" in response.content.decode()
    world.users["participant"].refresh_from_db()
    assert world.users["participant"].mobile == "+31612345678"


def test_sixty_devices_each_get_the_alert_once(world, receiver, django_capture_on_commit_callbacks):
    """Sent many at a time, each device still gets exactly one message, decrypted and signed."""
    officer = world.users["officer"]
    subscriptions = [device_for(officer, receiver, name=f"Tablet {n}") for n in range(60)]
    alert = sighting(world, django_capture_on_commit_callbacks).alerts.get()
    assert all(len(receiver.messages_for(s)) == 1 for s in subscriptions)
    assert receiver.refused == []
    states = set(AlertDelivery.objects.filter(alert=alert).values_list("state", flat=True))
    assert states == {"sent"}
    assert services.deliver(alert.pk)["sent"] == 0


def test_a_delivery_left_half_done_by_a_dead_worker_is_failed_not_sent_again(
    world, receiver, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    device = device_for(world.users["officer"], receiver)
    _incident, alert = queued_alert(world, django_capture_on_commit_callbacks)
    AlertDelivery.objects.filter(alert=alert).update(state="sending")  # claimed, then it died
    assert services.deliver(alert.pk)["sent"] == 0
    assert services.settle_stale(now=alert.created_at + timedelta(minutes=11)) == 1
    assert AlertDelivery.objects.get(alert=alert).state == "failed"
    assert receiver.messages_for(device) == []


def test_the_description_is_not_in_the_feed_partial_or_push(world, client_as):
    assert world.warning.description
    partial = client_as("officer").get("/alerts/", headers={"HX-Request": "true"})
    assert DESCRIPTION[:10] not in partial.content.decode()


def test_a_sighting_taken_back_withdraws_its_alert_and_tells_the_devices(
    world, receiver, django_capture_on_commit_callbacks
):
    from bans.sightings import withdraw_sighting

    officer = device_for(world.users["officer"], receiver)
    incident = sighting(world, django_capture_on_commit_callbacks)
    alert = incident.alerts.get()
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_sighting(incident, actor=world.users["participant"])
    alert.refresh_from_db()
    # It no longer points at anyone, and says it no longer holds.
    assert alert.state == "withdrawn" and alert.person_id is None and alert.incident is None
    first, correction = receiver.messages_for(officer)
    assert correction["title"] == "Bericht ingetrokken" and correction["tag"] == first["tag"]


def test_a_failing_mail_server_fails_its_rows_and_the_pushes_are_still_recorded(
    world, receiver, settings, django_capture_on_commit_callbacks
):
    AlertSettings.objects.create(partnership=world.deventer, sightings_to_shops=True)
    sign_protocol(world.protocol, actor=world.users["owner"])  # no device: email
    phone = device_for(world.users["officer"], receiver)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    alert = sighting(world, django_capture_on_commit_callbacks).alerts.get()
    states = dict(AlertDelivery.objects.filter(alert=alert).values_list("channel", "state"))
    assert states == {"push": "sent", "email": "failed"}
    assert len(receiver.messages_for(phone)) == 1


def test_a_withdrawn_alert_is_not_sent_late_and_a_moved_device_is_kept(
    world, receiver, django_capture_on_commit_callbacks
):
    from merchants.devices import PushDevice

    device_for(world.users["officer"], receiver)
    incident, alert = queued_alert(world, django_capture_on_commit_callbacks)
    Alert.objects.filter(pk=alert.pk).update(withdrawn_at=alert.created_at)
    assert services.deliver(alert.pk)["cancelled"] == 1
    assert receiver.received == []

    # A delivery planned for a browser that another user has since logged into.
    second = services.alert_sighting(incident, world.banned)
    PushDevice.objects.update(user=world.users["administrator"])
    assert services.deliver(second.pk)["failed"] == 1
    assert PushDevice.objects.count() == 1 and receiver.received == []


def test_deliveries_left_queued_get_their_task_again(
    world, receiver, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    phone = device_for(world.users["officer"], receiver)
    _incident, alert = queued_alert(world, django_capture_on_commit_callbacks)
    assert services.requeue_waiting(now=alert.created_at) == 0  # not yet: it may be on its way
    assert services.requeue_waiting(now=alert.created_at + timedelta(minutes=2)) == 1
    assert len(receiver.messages_for(phone)) == 1
    assert services.requeue_waiting(now=alert.created_at + timedelta(minutes=3)) == 0
