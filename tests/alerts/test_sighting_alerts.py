"""A sighting raises an alert (issue 19): the officers' devices at once; where the partnership
chose so, the area's shops that signed the protocol, by device or else by email. Every delivery
is a row; a retried task sends nothing twice; a device the push service reports gone goes."""

import json
import uuid

import pytest
from django.core import mail

from alerts import services
from alerts.models import AlertDelivery, AlertSettings
from alerts.tasks import send_alert
from bans.sightings import report_sighting
from merchants.devices import PushDevice, register_device
from merchants.services import sign_protocol
from tests.push_receiver import PushReceiver


@pytest.fixture
def receiver():
    service = PushReceiver()
    yield service
    service.close()


def device_for(user, receiver, name="Chrome (Android)"):
    subscription = receiver.subscription()
    register_device(
        user,
        endpoint=subscription["endpoint"],
        p256dh=subscription["keys"]["p256dh"],
        auth=subscription["keys"]["auth"],
        name=name,
    )
    return subscription


def sight(world, capture):
    with capture(execute=True):
        return report_sighting(
            world.banned,
            reporter=world.users["participant"],
            shop=world.shop,
            submission_key=uuid.uuid4(),
        )


def test_officers_hear_at_once_and_shops_only_where_the_partnership_chose(
    world, receiver, django_capture_on_commit_callbacks
):
    officer = device_for(world.users["officer"], receiver)
    owner = device_for(world.users["owner"], receiver)
    sign_protocol(world.protocol, actor=world.users["owner"])
    sighting = sight(world, django_capture_on_commit_callbacks)
    (message,) = receiver.messages_for(officer)
    assert message["title"] == "Persoon met winkelverbod gezien"
    first = sighting.alerts.get()
    # Every alert opens through the access log; from there the officer lands on the case.
    assert message["url"] == f"/alerts/{first.pk}/open/"
    assert services.destination(first, world.users["officer"]) == sighting.get_absolute_url()
    assert receiver.messages_for(owner) == []  # the partnership did not turn it on

    AlertSettings.objects.create(partnership=world.deventer, sightings_to_shops=True)
    mail.outbox.clear()
    sight(world, django_capture_on_commit_callbacks)
    (warning,) = receiver.messages_for(owner)
    assert warning["title"] == "Waarschuwing: persoon met winkelverbod gezien"
    assert warning["body"].startswith("In Binnenstad om ")
    second = AlertDelivery.objects.get(user=world.users["owner"]).alert
    assert warning["url"] == f"/alerts/{second.pk}/open/"
    destination = services.destination(second, world.users["owner"])
    assert destination == f"/register/gallery/#person-{world.banned.pk}"
    for text in (json.dumps(message), json.dumps(warning)):
        assert world.banned.display_name not in text and "photo" not in text
    # Whoever reported it is not warned of it; nobody outside the area or the protocol is.
    rows = AlertDelivery.objects.filter(alert__incident__isnull=False).order_by("pk")
    warned = {row.user for row in rows}
    assert world.users["participant"] not in warned
    assert world.users["other_participant"] not in warned


def test_a_shop_without_a_device_gets_the_warning_by_email(
    world, receiver, django_capture_on_commit_callbacks
):
    AlertSettings.objects.create(partnership=world.deventer, sightings_to_shops=True)
    sign_protocol(world.protocol, actor=world.users["owner"])
    mail.outbox.clear()
    sight(world, django_capture_on_commit_callbacks)
    emails = [m for m in mail.outbox if m.to == [world.users["owner"].email]]
    (email,) = emails
    assert email.subject.endswith("Waarschuwing: persoon met winkelverbod gezien in Binnenstad")
    assert world.banned.display_name not in email.body and "112" in email.body
    row = AlertDelivery.objects.get(user=world.users["owner"])
    assert (row.channel, row.state) == ("email", "sent")


def test_a_retry_sends_nothing_twice_and_a_gone_device_goes(
    world, receiver, django_capture_on_commit_callbacks
):
    kept = device_for(world.users["officer"], receiver)
    gone = device_for(world.users["officer"], receiver, name="Firefox (Linux)")
    receiver.gone.add(gone["endpoint"].rsplit("/", 1)[-1])
    sight(world, django_capture_on_commit_callbacks)
    alert = AlertDelivery.objects.first().alert
    states = dict(AlertDelivery.objects.values_list("state", "alert").order_by("state"))
    assert set(states) == {"sent", "gone"}
    assert PushDevice.objects.filter(user=world.users["officer"]).count() == 1
    send_alert.apply(args=[alert.pk])  # the worker runs it again: nothing more goes out
    assert services.deliver(alert.pk)["sent"] == 0
    assert len(receiver.messages_for(kept)) == 1


def test_sending_asks_who_is_an_officer_once_per_alert(
    world, receiver, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The queries of sending do not grow with the deliveries: the rows are claimed, the devices
    read and the outcomes written in bulk, and who is an officer is asked once per alert."""
    from alerts.models import Alert

    for _ in range(4):
        device_for(world.users["officer"], receiver)
    with django_capture_on_commit_callbacks(execute=False):
        sight(world, django_capture_on_commit_callbacks)
    alert = Alert.objects.get()
    AlertDelivery.objects.filter(alert=alert).update(state="queued")
    with django_assert_max_num_queries(10):
        assert services.deliver(alert.pk)["sent"] == 4
