"""API clients of a partnership and their tokens.

A client is a system of a chain, a municipality or an auditor, made by a coordinator: it has
scopes (what it may do) and, for the incident scopes, a set of shops. Its tokens are shown once,
stored as a SHA-256 hash (they are long random strings, so a hash is enough), expire, and can be
rotated and revoked (api.tokens).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merchants.models import Partnership, Shop


class Scope(models.TextChoices):
    INCIDENTS_WRITE = "incidents:write", _("File reports for its shops")
    INCIDENTS_READ = "incidents:read", _("Read its shops' cases and their timelines")
    STATISTICS_READ = "statistics:read", _("Read the partnership's anonymous figures")
    CERTIFICATION_READ = "certification:read", _("Read the certification dossier")


class ApiClient(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="api_clients"
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    shops = models.ManyToManyField(Shop, blank=True, related_name="api_clients")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Where the client's system hears of its shops' case changes (api.webhooks), and the key the
    # calls are signed with (shown to the coordinator once; kept, since signing needs it).
    webhook_url = models.URLField(_("webhook address"), max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def active(self):
        return self.revoked_at is None

    def has_scope(self, scope) -> bool:
        return self.active and scope in self.scopes


class ApiToken(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    # The first characters after "kvo_", to find the row; the rest is only in the hash.
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"kvo_{self.prefix}…"

    @property
    def valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Delivery(models.Model):
    """One webhook call about one change of a case, tried until the client's system answers 2xx
    or the attempts run out (api.webhooks)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    id = models.UUIDField(primary_key=True, editable=False)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_answer = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="api_delivery_due")]

    def __str__(self):
        return f"{self.event} {self.id}"
