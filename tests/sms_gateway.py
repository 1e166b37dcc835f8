"""A text message gateway of our own on loopback, for the tests: it takes what
plumbing.sms.HttpBackend posts (JSON with to, text and reference, a bearer token), keeps the
messages it accepted, and answers 401 for a wrong token and 503 while told to be down."""

import json

from tests.loopback import LoopbackServer


class SmsGateway:
    def __init__(self, token="gateway-token"):  # noqa: S107 (a test gateway on loopback)
        self.token = token
        self.down = False
        self.messages: list[dict] = []
        self.refused: list[int] = []
        self._server = LoopbackServer(
            lambda headers, body: (self._accept(headers.get("Authorization", ""), body), b"{}")
        )

    @property
    def url(self) -> str:
        return f"{self._server.origin}/messages"

    def _accept(self, authorization, body) -> int:
        status = 202
        if authorization != f"Bearer {self.token}":
            status = 401
        elif self.down:
            status = 503
        if status != 202:
            self.refused.append(status)
            return status
        self.messages.append(json.loads(body))
        return status

    def close(self):
        self._server.close()
