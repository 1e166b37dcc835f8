"""Web Push: a message to a browser through its push service (RFC 8030), signed with our VAPID key
(RFC 8292) and encrypted for that browser alone (RFC 8291, aes128gcm). pywebpush does the
protocol; this module holds the key and says what became of a message.

Push services (Google's, Mozilla's, Apple's) are third parties that see every payload's size and
timing, and could read a payload if the encryption failed: a message carries a title, a short
text, a link to the page and a tag, never a name, a photo or an address.

The VAPID key: ``settings.VAPID_PRIVATE_KEY`` (PEM, or the raw key in base64url). Without it a
key is made once in ``VAR_DIR`` (``vapid-private.pem``): enough for one machine; several web
nodes need the setting, or their subscriptions would not match each other's key.
"""

import base64
import json
import logging
import threading
from dataclasses import dataclass
from functools import cache

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

logger = logging.getLogger(__name__)

SENT, GONE, FAILED = "sent", "gone", "failed"
# A push service answers 404 or 410 for a subscription that no longer exists (uninstalled app,
# revoked permission): it must not be tried again.
GONE_STATUSES = {404, 410}
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Outcome:
    state: str  # SENT, GONE or FAILED
    status: int | None = None  # the push service's HTTP status, where there was one


_local = threading.local()


def _session() -> requests.Session:
    """One HTTP session per thread: connections to a push service are kept open between messages
    (a TLS handshake per message would cost more than the message), and a Session is not shared
    between threads."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


@cache
def vapid() -> Vapid:
    configured = getattr(settings, "VAPID_PRIVATE_KEY", "")
    if configured:
        if "BEGIN" in configured:
            return Vapid.from_pem(configured.encode())
        return Vapid.from_string(private_key=configured)
    path = settings.VAR_DIR / "vapid-private.pem"
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pem)
        path.chmod(0o600)
    return Vapid.from_pem(path.read_bytes())


def public_key() -> str:
    """The key a browser subscribes with (applicationServerKey): the uncompressed point,
    base64url without padding."""
    point = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def send(subscription: dict, message: dict, *, ttl: int = 3600, urgency: str = "high") -> Outcome:
    """Send ``message`` (title, body, url, tag) to one browser; never raises for the push
    service's answer or an unreachable service."""
    claims = {"sub": getattr(settings, "VAPID_SUBJECT", "") or f"mailto:{settings.SERVER_EMAIL}"}
    try:
        webpush(
            subscription,
            json.dumps(message, separators=(",", ":")),
            vapid_private_key=vapid(),
            vapid_claims=claims,
            ttl=ttl,
            headers={"Urgency": urgency},
            timeout=TIMEOUT_SECONDS,
            requests_session=_session(),
        )
    except WebPushException as error:
        status = error.status_code
        return Outcome(GONE if status in GONE_STATUSES else FAILED, status)
    except (OSError, ValueError) as error:  # requests' errors are OSErrors; a broken key is not
        logger.warning("push: could not reach the push service: %s", type(error).__name__)
        return Outcome(FAILED)
    return Outcome(SENT, 201)
