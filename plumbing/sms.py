"""Text messages, for alerts to people without a device that accepts push (alerts.services).

The backend is the installation's, like the email backend (``SMS_BACKEND``); a partnership only
decides whether its alerts use it.

- ``plumbing.sms.FileBackend`` (the default): each message is a JSON file in ``VAR_DIR/sms``, for
  development and demonstrations.
- ``plumbing.sms.HttpBackend``: POSTs ``{"to": "+316…", "text": "…", "reference": "…"}`` as JSON
  to ``SMS_GATEWAY_URL`` with ``Authorization: Bearer SMS_GATEWAY_TOKEN``; any 2xx answer is
  accepted. Most Dutch gateways (MessageBird, CM.com, Spryng) take such a request directly or
  through a small adapter.

A text message passes through the gateway and the mobile network in clear: it carries what a push
message carries (the kind of event, the area, the time, a link behind the login), never a name.
"""

import json
import re
import uuid
from dataclasses import dataclass
from functools import cache

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

TIMEOUT_SECONDS = 10
MAX_LENGTH = 320  # two segments


class SmsError(Exception):
    """The gateway refused the message or could not be reached."""


@dataclass(frozen=True)
class Sent:
    reference: str
    status: int | None = None


def normalise_mobile(value: str) -> str:
    """A Dutch or international mobile number as E.164 (+31612345678); '' stays ''."""
    digits = re.sub(r"[\s().-]", "", value or "")
    if not digits:
        return ""
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("06"):
        digits = "+31" + digits[1:]
    if not re.fullmatch(r"\+[1-9]\d{7,14}", digits) or (
        digits.startswith("+31") and not re.fullmatch(r"\+316\d{8}", digits)
    ):
        raise ValidationError(
            _("Enter a mobile number such as 06 12345678 or +31 6 12345678."), code="mobile"
        )
    return digits


class FileBackend:
    def send(self, to: str, text: str, reference: str) -> Sent:
        folder = settings.VAR_DIR / "sms"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        payload = {"to": to, "text": text, "reference": reference}
        (folder / f"{stamp}-{reference}.json").write_text(json.dumps(payload, ensure_ascii=False))
        return Sent(reference)


class HttpBackend:
    def send(self, to: str, text: str, reference: str) -> Sent:
        url = settings.SMS_GATEWAY_URL
        if not url:
            raise SmsError("SMS_GATEWAY_URL is not set")
        try:
            response = requests.post(
                url,
                json={"to": to, "text": text, "reference": reference},
                headers={"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            raise SmsError(type(error).__name__) from error
        if not 200 <= response.status_code < 300:
            raise SmsError(f"gateway answered {response.status_code}")
        return Sent(reference, response.status_code)


@cache
def _backend(path):
    return import_string(path)()


def send(to: str, text: str, *, reference: str = "") -> Sent:
    """Send ``text`` (cut to two segments) to ``to``; raises SmsError when it was not accepted."""
    return _backend(settings.SMS_BACKEND).send(to, text[:MAX_LENGTH], reference or uuid.uuid4().hex)
