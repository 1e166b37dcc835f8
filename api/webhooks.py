"""Webhooks: a client's system hears of its shops' case changes without polling.

When a case's status changes or its police report moves a step, incidents send
``incidents.hooks.case_changed`` after commit. Every active client with ``incidents:read``, the
case's shop among its shops and a webhook address gets a ``Delivery`` row and a Celery task that
POSTs the case (the fields of ``GET /api/v1/incidents/``: no description, no timeline, nothing
about the person). A call is signed: ``X-KVO-Signature: sha256=<hex>`` is the HMAC-SHA256,
keyed with the client's webhook secret, of ``<X-KVO-Timestamp>.<body>``. An answer other than 2xx is
tried again after 1, 5 and 30 minutes, 2 and 6 hours; then the delivery gives up and the
coordinator sees it on the client's page. Deliveries are kept 30 days.

Addresses must be https and resolve to public addresses (no calls into our own network), unless
``API_WEBHOOKS_LOCAL`` allows http and private addresses (on-premise systems, and the tests);
the call goes to the address checked (plumbing.outbound).
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer

from api.models import ApiClient, Delivery, Scope
from incidents import hooks
from incidents.models import Incident
from merchants.services import log_action
from plumbing import outbound

logger = logging.getLogger(__name__)

BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
BACKOFF += [timedelta(hours=2), timedelta(hours=6)]
ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = 5  # seconds to connect, and again for each wait on the answer
CLAIM = timedelta(minutes=2)  # an attempt's hold on its delivery
KEEP = timedelta(days=30)
SWEEP_BATCH = 200


class AddressError(ValueError):
    pass


def connect():
    hooks.case_changed.connect(on_case_changed, dispatch_uid="api-webhooks")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def check_address(url: str) -> None:
    """Refuse what a webhook may not call; raise AddressError with a message for the coordinator."""
    parts = urlsplit(url)
    local = settings.API_WEBHOOKS_LOCAL
    if parts.scheme != "https" and not (local and parts.scheme == "http"):
        raise AddressError(_("A webhook address must start with https://."))
    try:
        port = parts.port or 443
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise AddressError(_("Enter a whole address, such as https://example.com/kvo."))
    try:
        outbound.resolve(parts.hostname, port, allow_local=local)
    except outbound.OutboundRefused as refused:
        if "resolve" in str(refused):
            raise AddressError(_("This address cannot be found.")) from None
        raise AddressError(
            _("A webhook address must be on the internet, not a local network.")
        ) from None


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def on_case_changed(sender, incident_id, event, **kwargs):
    from api.incident_views import CaseSerializer

    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return
    clients = (
        ApiClient.objects.filter(
            partnership_id=incident.partnership_id, revoked_at__isnull=True, shops=incident.shop_id
        )
        .exclude(webhook_url="")
        .distinct()
    )
    case = json.loads(JSONRenderer().render(CaseSerializer(incident).data))
    now = timezone.now()
    for client in clients:
        if not client.has_scope(Scope.INCIDENTS_READ):
            continue
        delivery_id = uuid.uuid4()
        payload = {"id": str(delivery_id), "event": event, "at": now.isoformat(), "case": case}
        with transaction.atomic():
            Delivery.objects.create(
                id=delivery_id, client=client, event=event, payload=payload, next_attempt_at=now
            )
            transaction.on_commit(lambda pk=delivery_id: _queue(pk), robust=True)


def _queue(delivery_id):
    from api.tasks import deliver_webhook

    deliver_webhook.delay(str(delivery_id))


def deliver(delivery_id) -> bool:
    """Make one attempt at a due delivery; True if the client's system took it."""
    now = timezone.now()
    # Claim it until CLAIM from now: a sweep finds it not due and leaves it alone, and the
    # outcome is written only while the claim is still this attempt's.
    claimed_until = now + CLAIM
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=claimed_until)
    if not claimed:
        return False
    delivery = Delivery.objects.select_related("client").get(pk=delivery_id)
    client = delivery.client
    answer, ok = _call(client, delivery)
    outcome = {"attempts": delivery.attempts + 1, "last_answer": answer[:200]}
    if ok:
        outcome.update(status=Delivery.Status.DELIVERED, delivered_at=timezone.now())
        outcome["next_attempt_at"] = None
    elif outcome["attempts"] >= ATTEMPTS or not client.active or not client.webhook_url:
        outcome.update(status=Delivery.Status.FAILED, next_attempt_at=None)
    else:
        outcome["next_attempt_at"] = timezone.now() + BACKOFF[outcome["attempts"] - 1]
    written = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at=claimed_until
    ).update(**outcome)
    if written and outcome.get("status") == Delivery.Status.FAILED:
        log_action(
            "api.webhook.failed",
            partnership=client.partnership,
            obj=client,
            data={"delivery": str(delivery.pk), "answer": outcome["last_answer"]},
        )
    return ok


def _call(client, delivery) -> tuple[str, bool]:
    if not client.active or not client.webhook_url:
        return "client revoked or webhook removed", False
    try:
        check_address(client.webhook_url)
    except AddressError as error:
        return str(error), False
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "KVO-webhooks/1",
        "X-KVO-Event": delivery.event,
        "X-KVO-Delivery": str(delivery.pk),
        "X-KVO-Timestamp": str(timestamp),
        "X-KVO-Signature": sign(client.webhook_secret, timestamp, body),
    }
    try:
        # Connects to the address it checked (plumbing.outbound): no rebinding into our network.
        with outbound.session(allow_local=settings.API_WEBHOOKS_LOCAL) as http:
            response = http.post(
                client.webhook_url,
                data=body,
                headers=headers,
                timeout=(TIMEOUT, TIMEOUT),
                allow_redirects=False,
            )
    except requests.RequestException as error:
        # The error's text may hold the address, with a token in it: only its kind is kept.
        logger.info("webhook %s to client %s failed: %s", delivery.pk, client.pk, type(error))
        return type(error).__name__, False
    return f"HTTP {response.status_code}", 200 <= response.status_code < 300


def deliver_due() -> int:
    """Queue a task for every delivery that is due (the minute's sweep), so that one slow system
    does not hold up the others; drop finished deliveries older than 30 days."""
    Delivery.objects.filter(created_at__lt=timezone.now() - KEEP).exclude(
        status=Delivery.Status.PENDING
    ).delete()
    due = Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).order_by("next_attempt_at")
    ids = list(due.values_list("pk", flat=True)[:SWEEP_BATCH])
    for pk in ids:
        _queue(pk)
    return len(ids)
