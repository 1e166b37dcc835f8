"""A text message gateway of our own on loopback, for the tests: it takes what
plumbing.sms.HttpBackend posts (JSON with to, text and reference, a bearer token), keeps the
messages it accepted, and answers 401 for a wrong token and 503 while told to be down."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SmsGateway:
    def __init__(self, token="gateway-token"):  # noqa: S107 (a test gateway on loopback)
        self.token = token
        self.down = False
        self.messages: list[dict] = []
        self.refused: list[int] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = gateway._accept(self.headers.get("Authorization", ""), body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/messages"

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
        self._server.shutdown()
        self._server.server_close()
