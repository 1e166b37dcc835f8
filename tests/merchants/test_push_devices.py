"""Devices for alerts (issue 19): a browser adds its push subscription, the profile lists and
removes devices, and an officer's devices hear of a new report at once, without a name."""

import json

import pytest
from django.urls import reverse

from merchants.devices import PushDevice, notify
from tests.push_receiver import PushReceiver


@pytest.fixture
def receiver():
    service = PushReceiver()
    yield service
    service.close()


def add(client, subscription, name="Chrome (Android)"):
    return client.post(
        reverse("merchants:device_add"),
        json.dumps({**subscription, "name": name}),
        content_type="application/json",
    )


def test_a_browser_adds_itself_and_the_profile_lists_and_removes_it(client, world, receiver):
    client.force_login(world.users["officer"])
    response = add(client, receiver.subscription())
    assert response.status_code == 201
    device = PushDevice.objects.get(user=world.users["officer"])
    profile = client.get(reverse("merchants:profile")).content.decode()
    assert "Chrome (Android)" in profile and "Berichten op uw apparaten" in profile
    client.force_login(world.users["coordinator"])  # not theirs: 404
    assert client.post(reverse("merchants:device_remove", args=[device.pk])).status_code == 404
    client.force_login(world.users["officer"])
    client.post(reverse("merchants:device_remove", args=[device.pk]))
    assert not PushDevice.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"not json", b"{}", b'{"endpoint": "ftp://x", "keys": {"p256dh": "a", "auth": "b"}}', b"[]"],
)
def test_anything_but_a_subscription_is_refused(client, world, body):
    client.force_login(world.users["participant"])
    response = client.post(reverse("merchants:device_add"), body, content_type="application/json")
    assert response.status_code == 400
    assert not PushDevice.objects.exists()


def test_a_gone_device_is_removed_and_a_sent_one_marked(client, world, receiver):
    client.force_login(world.users["officer"])
    kept, gone = receiver.subscription(), receiver.subscription()
    add(client, kept)
    add(client, gone, name="Firefox (Linux)")
    receiver.gone.add(gone["endpoint"].rsplit("/", 1)[-1])
    counts = notify([world.users["officer"]], title="t", body="b", url="/", tag="x")
    assert counts == {"sent": 1, "gone": 1, "failed": 0}
    device = PushDevice.objects.get()
    assert device.endpoint == kept["endpoint"] and device.last_used_at is not None


def test_the_officer_hears_of_a_new_report_on_the_phone_without_a_name(
    client, world, receiver, django_capture_on_commit_callbacks
):
    from tests.incidents.factories import report

    client.force_login(world.users["officer"])
    subscription = receiver.subscription()
    add(client, subscription)
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(
            world.users["participant"],
            world.shop,
            person_name="Jan Jansen",
            person_description="Lang, rode jas",
        )
    (message,) = receiver.messages_for(subscription)
    assert message["title"] == "Nieuwe melding"
    assert message["body"] == "Winkeldiefstal bij Bakkerij Jansen"
    assert message["url"] == incident.get_absolute_url()
    text = json.dumps(message)
    assert "Jansen" not in text.replace("Bakkerij Jansen", "")
    assert "rode jas" not in text


def test_the_officer_hears_of_a_sighting_at_once_without_a_name(
    client, world, receiver, django_capture_on_commit_callbacks
):
    import uuid

    from bans.sightings import report_sighting

    client.force_login(world.users["officer"])
    subscription = receiver.subscription()
    add(client, subscription)
    with django_capture_on_commit_callbacks(execute=True):
        sighting = report_sighting(
            world.banned,
            reporter=world.users["participant"],
            shop=world.shop,
            submission_key=uuid.uuid4(),
        )
    (message,) = receiver.messages_for(subscription)
    assert message["title"] == "Persoon met winkelverbod gezien"
    assert message["body"].startswith("In Bakkerij Jansen om ")
    assert message["url"] == f"/alerts/{sighting.alerts.get().pk}/open/"
    assert world.banned.display_name not in json.dumps(message)
