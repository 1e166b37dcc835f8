"""Warnings to nearby shops ("let op", issue 19): who gets them and how, what the push carries,
expiry, withdrawal by the sender and the officer, the rate limit per shop, and retention."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alerts import retention, warnings
from alerts.models import Alert, AlertDelivery, AlertSettings
from merchants.models import AuditEvent, DeletionRecord
from merchants.services import sign_protocol
from tests.alerts.test_sighting_alerts import device_for
from tests.push_receiver import PushReceiver
from tests.sms_gateway import SmsGateway

DESCRIPTION = "Man in groene jas stopt scheermesjes in zijn tas, loopt richting Brink."


@pytest.fixture
def receiver():
    service = PushReceiver()
    yield service
    service.close()


@pytest.fixture
def uses_warnings(world):
    AlertSettings.objects.create(partnership=world.deventer, warnings_from_shops=True)
    for name in ("participant", "owner", "neighbour_owner"):
        sign_protocol(world.protocol, actor=world.users[name])


def warn(world, capture, *, minutes=60, shop=None, sender="participant", now=None):
    with capture(execute=True):
        return warnings.send_warning(
            sender=world.users[sender],
            shop=shop or world.shop,
            description=DESCRIPTION,
            minutes=minutes,
            now=now,
        )


def test_the_area_and_the_officer_hear_of_it_without_the_description(
    world, uses_warnings, receiver, django_capture_on_commit_callbacks
):
    officer = device_for(world.users["officer"], receiver)
    owner = device_for(world.users["owner"], receiver)
    mail.outbox.clear()
    alert = warn(world, django_capture_on_commit_callbacks)
    (to_owner,) = receiver.messages_for(owner)
    (to_officer,) = receiver.messages_for(officer)
    assert to_owner["title"] == "Let op: bericht van een winkel in de buurt"
    assert to_owner["body"].startswith("In Binnenstad om ")
    assert to_owner["url"] == f"/alerts/{alert.pk}/open/"
    for message in (to_owner, to_officer):
        assert "groene jas" not in json.dumps(message)
    # The neighbour has no device: an email, which links behind the login and says no more.
    (email,) = [m for m in mail.outbox if m.to == [world.users["neighbour_owner"].email]]
    assert email.subject.endswith("Let op: bericht van een winkel in Binnenstad")
    assert "groene jas" not in email.body and f"/alerts/{alert.pk}/open/" in email.body
    warned = set(AlertDelivery.objects.values_list("user__email", flat=True))
    assert world.users["participant"].email not in warned  # the sender
    assert world.users["other_participant"].email not in warned  # Zwolle


def test_a_shop_without_a_device_gets_a_text_where_the_partnership_sends_them(
    world, uses_warnings, settings, django_capture_on_commit_callbacks
):
    gateway = SmsGateway()
    settings.SMS_BACKEND = "plumbing.sms.HttpBackend"
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = gateway.url, gateway.token
    try:
        neighbour = world.users["neighbour_owner"]
        neighbour.mobile = "+31612345678"
        neighbour.save()
        warn(world, django_capture_on_commit_callbacks)
        assert gateway.messages == []  # the partnership has not turned texts on
        AlertSettings.objects.filter(partnership=world.deventer).update(sms_fallback=True)
        gateway.down = True
        alert = warn(world, django_capture_on_commit_callbacks)
        row = AlertDelivery.objects.get(alert=alert, user=neighbour, channel="sms")
        assert row.state == "failed"  # and the email still went
        assert AlertDelivery.objects.get(alert=alert, user=neighbour, channel="email").state == (
            "sent"
        )
        gateway.down = False
        alert = warn(world, django_capture_on_commit_callbacks)
        (text,) = gateway.messages
        assert text["to"] == "+31612345678"
        assert "Binnenstad" in text["text"] and f"/alerts/{alert.pk}/open/" in text["text"]
        assert "groene jas" not in text["text"]
    finally:
        gateway.close()


def test_a_warning_expires_by_itself(world, uses_warnings, django_capture_on_commit_callbacks):
    alert = warn(world, django_capture_on_commit_callbacks, minutes=30)
    assert alert.state_at(alert.created_at + timedelta(minutes=29)) == "active"
    assert alert.state_at(alert.created_at + timedelta(minutes=30)) == "expired"
    with pytest.raises(warnings.WarningRefused):
        warnings.send_warning(
            sender=world.users["participant"], shop=world.shop, description="x", minutes=600
        )


def test_the_sender_and_the_officer_withdraw_others_cannot(
    world, uses_warnings, receiver, client_as, django_capture_on_commit_callbacks
):
    owner = device_for(world.users["owner"], receiver)
    alert = warn(world, django_capture_on_commit_callbacks)
    neighbour = client_as("neighbour_owner")
    assert neighbour.post(f"/alerts/{alert.pk}/withdraw/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("participant").post(f"/alerts/{alert.pk}/withdraw/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == "withdrawn" and alert.withdrawn_by == world.users["participant"]
    # The devices that showed it are told, under the same tag, so the old alert is replaced.
    first, withdrawn = receiver.messages_for(owner)
    assert withdrawn["title"] == "Bericht ingetrokken" and withdrawn["tag"] == first["tag"]
    page = client_as("owner").get(f"/alerts/{alert.pk}/")
    assert "Ingetrokken om" in page.content.decode()
    with pytest.raises(warnings.WarningRefused):
        warnings.withdraw(alert, actor=world.users["officer"])

    second = warn(world, django_capture_on_commit_callbacks)
    response = client_as("officer").post(f"/alerts/{second.pk}/withdraw/")
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.withdrawn_by == world.users["officer"]


def test_a_shop_sends_at_most_its_limit_per_hour(
    world, uses_warnings, client_as, django_capture_on_commit_callbacks
):
    start = timezone.now()
    for _ in range(3):
        warn(world, django_capture_on_commit_callbacks, now=start)
    # The owner works in the same shop: the limit is the shop's, not the person's.
    response = client_as("owner").post(
        "/alerts/warn/", {"shop": world.shop.pk, "description": DESCRIPTION, "minutes": 60}
    )
    assert response.status_code == 200
    assert "Uw winkel stuurde het afgelopen uur 3 berichten" in response.content.decode()
    assert Alert.objects.filter(kind="warning").count() == 3
    # Another shop of the area is not held back; an hour later this shop may warn again.
    warn(
        world,
        django_capture_on_commit_callbacks,
        sender="neighbour_owner",
        shop=world.neighbour_shop,
    )
    later = start + timedelta(hours=1, seconds=1)
    warn(world, django_capture_on_commit_callbacks, now=later)
    assert Alert.objects.filter(kind="warning").count() == 5


def test_the_form_sends_a_warning_and_shows_it(
    world, uses_warnings, client_as, django_capture_on_commit_callbacks
):
    client = client_as("participant")
    assert "Winkels in de buurt waarschuwen" in client.get("/alerts/warn/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/alerts/warn/",
            {"shop": world.shop.pk, "description": DESCRIPTION, "minutes": 120},
            follow=True,
        )
    alert = Alert.objects.get(kind="warning")
    assert response.redirect_chain[-1][0] == f"/alerts/{alert.pk}/"
    page = response.content.decode()
    assert "groene jas" in page and "Bericht intrekken" in page
    assert alert.expires_at - alert.created_at == timedelta(hours=2)
    # Empty or tampered input: a clear error, nothing sent.
    response = client.post("/alerts/warn/", {"shop": 999999, "description": "", "minutes": 7})
    assert response.status_code == 200 and Alert.objects.count() == 1
    assert "Dit veld is verplicht" in response.content.decode()


def test_without_the_partnership_choosing_warnings_the_page_says_so(world, client_as):
    sign_protocol(world.protocol, actor=world.users["participant"])
    response = client_as("participant").get("/alerts/warn/")
    assert response.status_code == 403
    assert "Uw samenwerkingsverband gebruikt ze niet" in response.content.decode()


def test_retention_removes_the_description_after_a_day_and_the_alert_after_thirty(
    world, uses_warnings, client_as, django_capture_on_commit_callbacks
):
    alert = warn(world, django_capture_on_commit_callbacks)
    assert retention.apply(now=alert.created_at + timedelta(hours=23))["content_removed"] == 0
    result = retention.apply(now=alert.created_at + timedelta(hours=24))
    assert result["content_removed"] == 1
    alert.refresh_from_db()
    assert alert.description == "" and alert.content_removed_at
    (line,) = DeletionRecord.objects.filter(kind="alerts.alert_content")
    assert (line.object_id, line.partnership) == (str(alert.pk), world.deventer)
    assert "groene jas" not in line.reason
    page = client_as("officer").get(f"/alerts/{alert.pk}/").content.decode()
    assert "Verwijderd" in page and "groene jas" not in page
    # Idempotent; after thirty days the alert and its deliveries go, with a line of their own.
    assert retention.apply(now=alert.created_at + timedelta(hours=25))["content_removed"] == 0
    assert retention.apply(now=alert.created_at + timedelta(days=30))["alerts_deleted"] == 1
    assert not Alert.objects.exists() and not AlertDelivery.objects.exists()
    assert DeletionRecord.objects.filter(kind="alerts.alert", object_id=str(alert.pk)).exists()


def test_opening_a_warning_is_in_the_access_log(
    world, uses_warnings, client_as, django_capture_on_commit_callbacks
):
    alert = warn(world, django_capture_on_commit_callbacks)
    response = client_as("owner").get(f"/alerts/{alert.pk}/open/")
    assert response["Location"] == f"/alerts/{alert.pk}/"
    client_as("owner").get(response["Location"])
    (event,) = AuditEvent.objects.filter(action="alerts.alert.opened")
    assert (event.actor, event.object_id) == (world.users["owner"], str(alert.pk))
    log = client_as("administrator").get("/register/access-log/").content.decode()
    assert "Opende een bericht" in log


@pytest.mark.parametrize(
    "data",
    [
        {"shop": str(2**70), "description": DESCRIPTION, "minutes": "60"},
        {"shop": "٣", "description": DESCRIPTION, "minutes": "60"},
        {"description": "a\x00b", "minutes": "60"},
        {"description": "🙂" * 5000, "minutes": "60"},
        {"description": DESCRIPTION, "minutes": "NaN"},
        {"description": DESCRIPTION, "minutes": "100000"},
        {"description": DESCRIPTION, "minutes": "60", "person": str(2**70)},
        {"description": DESCRIPTION, "minutes": "60", "person": "-1"},
    ],
)
def test_tampered_or_awkward_input_is_a_form_error(world, uses_warnings, client_as, data):
    data = {"shop": str(world.shop.pk), **data}
    response = client_as("participant").post("/alerts/warn/", data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Alert.objects.exists()


def test_a_person_of_another_partnership_cannot_be_linked(world, uses_warnings, client_as):
    from tests.bans.factories import MeasureFactory, PersonFactory

    stranger = PersonFactory(partnership=world.zwolle, display_name="Zwolse Z.")
    MeasureFactory(person=stranger, kind="red")
    assert world.banned.pk  # Deventer's gallery has one person
    client = client_as("participant")
    page = client.get("/alerts/warn/").content.decode()
    assert "Rob K." in page and "Zwolse Z." not in page
    data = {"shop": world.shop.pk, "description": DESCRIPTION, "minutes": 60}
    refused = client.post("/alerts/warn/", {**data, "person": stranger.pk})
    assert refused.status_code == 200 and not Alert.objects.exists()
    client.post("/alerts/warn/", {**data, "person": world.banned.pk})
    assert Alert.objects.get().person_id == world.banned.pk
