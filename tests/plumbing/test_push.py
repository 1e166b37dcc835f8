"""Web Push against a push service of our own on loopback (tests/push_receiver.py), which checks
the VAPID signature and decrypts the payload as a browser's push service and browser would."""

import pytest

from plumbing import push
from tests.push_receiver import PushReceiver


@pytest.fixture
def receiver():
    service = PushReceiver()
    yield service
    service.close()


def test_a_message_arrives_signed_and_decryptable(receiver):
    subscription = receiver.subscription()
    message = {"title": "Nieuwe melding", "body": "Winkeldiefstal", "url": "/incidents/1/"}
    assert push.send(subscription, message) == push.Outcome(push.SENT, 201)
    assert receiver.refused == []
    assert receiver.messages_for(subscription) == [message]
    (received,) = receiver.received
    assert received.urgency == "high" and int(received.ttl) == 3600


def test_a_gone_device_is_reported_gone_and_an_unreachable_service_failed(receiver):
    subscription = receiver.subscription()
    receiver.gone.add(subscription["endpoint"].rsplit("/", 1)[-1])
    assert push.send(subscription, {"title": "x"}).state == push.GONE
    unreachable = dict(subscription, endpoint="http://127.0.0.1:9/push/nobody")
    assert push.send(unreachable, {"title": "x"}).state == push.FAILED


def test_the_public_key_is_what_the_browser_subscribes_with():
    key = push.public_key()
    assert len(key) == 87 and "=" not in key  # 65 bytes, base64url without padding
    assert push.public_key() == key  # one key, kept


def test_the_receiver_refuses_what_a_push_service_would(receiver):
    """The checks can fail: an unsigned or wrongly signed message is refused, not decrypted."""
    import requests

    subscription = receiver.subscription()
    forged = "vapid t=aaa.bbb.ccc, k=" + subscription["keys"]["p256dh"]
    for authorization in ("", forged):
        response = requests.post(
            subscription["endpoint"],
            data=b"x" * 100,
            headers={"Authorization": authorization, "Content-Encoding": "aes128gcm"},
            timeout=5,
        )
        assert response.status_code == 401
    assert receiver.received == [] and len(receiver.refused) == 2
