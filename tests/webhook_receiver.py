"""A chain's system on loopback, for the tests: it takes the API's webhook calls, checks each
signature as docs/api.md tells integrators to (HMAC-SHA256 of "<timestamp>.<body>" with the
secret, compared in constant time), and keeps what it took. ``answers`` lists the statuses of the
next calls (then 204); ``secret`` is set once the coordinator has seen it."""

import hashlib
import hmac
import json

from tests.loopback import LoopbackServer


class WebhookReceiver:
    def __init__(self):
        self.secret = ""
        self.answers: list[int] = []
        self.calls: list[dict] = []  # every call: headers, the payload, whether it was signed right
        self._server = LoopbackServer(lambda headers, body: (self._take(headers, body), b""))

    @property
    def url(self) -> str:
        return f"{self._server.origin}/kvo/events"

    def _take(self, headers, body) -> int:
        signed = headers.get("X-KVO-Timestamp", "") + "."
        expected = hmac.new(self.secret.encode(), signed.encode() + body, hashlib.sha256)
        valid = hmac.compare_digest(
            "sha256=" + expected.hexdigest(), headers.get("X-KVO-Signature", "")
        )
        self.calls.append({"headers": headers, "payload": json.loads(body), "valid": valid})
        if not valid:
            return 401
        return self.answers.pop(0) if self.answers else 204

    @property
    def taken(self) -> list[dict]:
        return [call["payload"] for call in self.calls if call["valid"]]

    def close(self):
        self._server.close()
