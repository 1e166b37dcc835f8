"""Text messages through the installation's backend: a file each by default, or a gateway over
HTTP, tried against a gateway of ours on loopback (tests/sms_gateway.py)."""

import json

import pytest
from django.core.exceptions import ValidationError

from plumbing import sms
from tests.sms_gateway import SmsGateway


@pytest.fixture
def gateway(settings):
    service = SmsGateway()
    settings.SMS_BACKEND = "plumbing.sms.HttpBackend"
    settings.SMS_GATEWAY_URL = service.url
    settings.SMS_GATEWAY_TOKEN = service.token
    yield service
    service.close()


def test_the_gateway_gets_the_number_the_text_and_a_reference(gateway):
    sent = sms.send("+31612345678", "KVO: Let op in Binnenstad", reference="alert-1-2")
    assert sent.status == 202
    assert gateway.messages == [
        {"to": "+31612345678", "text": "KVO: Let op in Binnenstad", "reference": "alert-1-2"}
    ]


def test_a_refusing_or_unreachable_gateway_is_an_error_not_a_crash(gateway, settings):
    gateway.down = True
    with pytest.raises(sms.SmsError, match="503"):
        sms.send("+31612345678", "x")
    settings.SMS_GATEWAY_TOKEN = "wrong"
    with pytest.raises(sms.SmsError, match="401"):
        sms.send("+31612345678", "x")
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/nobody"
    with pytest.raises(sms.SmsError):
        sms.send("+31612345678", "x")
    assert gateway.messages == []


def test_a_long_text_is_cut_to_two_segments(gateway):
    sms.send("+31612345678", "a" * 1000)
    assert len(gateway.messages[0]["text"]) == sms.MAX_LENGTH


def test_the_default_backend_writes_a_file(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    sms.send("+31612345678", "KVO: test", reference="r1")
    (written,) = (tmp_path / "sms").iterdir()
    assert json.loads(written.read_text()) == {
        "to": "+31612345678",
        "text": "KVO: test",
        "reference": "r1",
    }


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("06 12345678", "+31612345678"),
        ("06-1234 5678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("+32 470 12 34 56", "+32470123456"),
        ("", ""),
    ],
)
def test_mobile_numbers_are_stored_in_one_form(typed, stored):
    assert sms.normalise_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["0570 123456", "+31 20 1234567", "06 1234", "bel me"])
def test_a_number_that_is_no_mobile_is_refused(typed):
    with pytest.raises(ValidationError):
        sms.normalise_mobile(typed)
