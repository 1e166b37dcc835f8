"""Making, checking, rotating and revoking API tokens.

A token reads `kvo_<prefix>_<secret>`: the prefix finds the row, the secret is compared as a
SHA-256 digest in constant time. Only `issue_token` ever sees the whole token; it is shown to the
coordinator once.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from merchants.services import log_action

PREFIX_BYTES = 6  # 8 characters of URL-safe base64
SECRET_BYTES = 32
DEFAULT_DAYS = 365


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(client, *, actor, days=DEFAULT_DAYS) -> str:
    """A new token for `client`, valid for `days`; returns the whole token (shown once)."""
    prefix = secrets.token_urlsafe(PREFIX_BYTES).replace("_", "x").replace("-", "y")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        token = ApiToken.objects.create(
            client=client,
            prefix=prefix,
            digest=_digest(secret),
            expires_at=timezone.now() + timedelta(days=days),
        )
        log_action(
            "api.token.issued",
            actor=actor,
            partnership=client.partnership,
            obj=client,
            data={"token": token.pk, "days": days},
        )
    return f"kvo_{prefix}_{secret}"


def rotate(client, *, actor, days=DEFAULT_DAYS, overlap=timedelta(days=7)) -> str:
    """A new token; the client's other tokens expire after `overlap` (time to switch over)."""
    ends = timezone.now() + overlap
    with transaction.atomic():
        client.tokens.filter(revoked_at__isnull=True, expires_at__gt=ends).update(expires_at=ends)
        return issue_token(client, actor=actor, days=days)


def revoke_client(client, *, actor):
    """The client and every token stop working at once."""
    now = timezone.now()
    with transaction.atomic():
        client.revoked_at = now
        client.save(update_fields=["revoked_at"])
        client.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        log_action("api.client.revoked", actor=actor, partnership=client.partnership, obj=client)


def find(raw: str) -> ApiToken | None:
    """The valid token behind `raw`, with its client and partnership; None otherwise."""
    if not raw.startswith("kvo_") or raw.count("_") < 2:
        return None
    prefix, secret = raw[4:].split("_", 1)
    token = (
        ApiToken.objects.select_related("client__partnership").filter(prefix=prefix[:12]).first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    if not token.valid or not token.client.active or not token.client.partnership.active:
        return None
    return token
