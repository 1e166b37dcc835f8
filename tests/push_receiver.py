"""A push service of our own on loopback, for the tests and the bench.

It hands out browser subscriptions (a P-256 key pair and an auth secret per device, as a browser
makes them), and for each message it receives it checks the VAPID signature and claims (RFC 8292)
and decrypts the payload (RFC 8291, aes128gcm) with that device's private key. Messages that fail
either check are refused with 401 or 400 and listed in ``refused``; a device marked gone answers
410, as a real push service does for an uninstalled app.
"""

import base64
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    device: str
    message: dict
    ttl: str
    urgency: str
    at: float


class PushReceiver:
    def __init__(self):
        self.devices = {}  # device id -> (private key, auth secret)
        self.gone = set()
        self.received: list[Received] = []
        self.refused: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps connections open, as push services do

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                device = self.path.rsplit("/", 1)[-1]
                status = receiver._accept(device, self.headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            # A push service takes many connections at once (a worker sends 16 at a time); the
            # default backlog of 5 would drop some, which no real push service does.
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def subscription(self) -> dict:
        """A new device's push subscription, as PushSubscription.toJSON() gives it."""
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        device = uuid.uuid4().hex
        self.devices[device] = (key, auth)
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.origin}/push/{device}",
            "keys": {"p256dh": b64(public), "auth": b64(auth)},
        }

    def messages_for(self, subscription) -> list[dict]:
        device = subscription["endpoint"].rsplit("/", 1)[-1]
        return [r.message for r in self.received if r.device == device]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _accept(self, device, headers, body) -> int:
        if device in self.gone:
            return 410
        if device not in self.devices:
            return 404
        problem = self._vapid_problem(headers.get("Authorization", ""))
        if problem:
            with self._lock:
                self.refused.append((device, problem))
            return 401
        if headers.get("Content-Encoding") != "aes128gcm":
            with self._lock:
                self.refused.append((device, "not aes128gcm"))
            return 400
        key, auth = self.devices[device]
        try:
            plain = http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm")
            message = json.loads(plain)
        except Exception as error:  # whatever fails to decrypt is refused, as a browser would
            with self._lock:
                self.refused.append((device, f"decrypt: {type(error).__name__}"))
            return 400
        with self._lock:
            self.received.append(
                Received(
                    device,
                    message,
                    headers.get("TTL", ""),
                    headers.get("Urgency", ""),
                    time.monotonic(),
                )
            )
        return 201

    def _vapid_problem(self, authorization: str) -> str:
        """ "" when `Authorization: vapid t=<JWT>, k=<public key>` is signed by k for us."""
        if not authorization.startswith("vapid "):
            return "no vapid authorization"
        params = dict(
            part.strip().split("=", 1) for part in authorization[6:].split(",") if "=" in part
        )
        try:
            token, key = params["t"], params["k"]
            header, claims, signature = token.split(".")
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
            raw = unb64(signature)
            der = encode_dss_signature(
                int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
            )
            public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
            data = json.loads(unb64(claims))
        except (KeyError, ValueError, InvalidSignature):
            return "bad vapid signature"
        now = time.time()
        if data.get("aud") != self.origin:
            return "wrong audience"
        if not now < data.get("exp", 0) <= now + 24 * 3600:
            return "expiry not within 24 hours"
        if not str(data.get("sub", "")).startswith(("mailto:", "https:")):
            return "no contact in sub"
        return ""
