"""A chain's system on loopback, for the tests: it takes the API's webhook calls, checks each
signature as docs/api.md tells integrators to (HMAC-SHA256 of "<timestamp>.<body>" with the
secret, compared in constant time), and keeps what it took. ``answers`` lists the statuses of the
next calls (then 204); ``secret`` is set once the coordinator has seen it."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    def __init__(self):
        self.secret = ""
        self.answers: list[int] = []
        self.calls: list[dict] = []  # every call: headers, the payload, whether it was signed right
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver._take(dict(self.headers), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/kvo/events"

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
        self._server.shutdown()
        self._server.server_close()
