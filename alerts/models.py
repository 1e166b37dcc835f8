"""Alerts: an event that must reach people in seconds (a banned person seen in a shop), and one
delivery row per recipient and device or channel, so that what reached whom is known and a
retried task sends nothing twice (docs/adr/0011-alerts-and-the-app.md)."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incidents.models import Incident
from merchants.models import Partnership, Shop, ShoppingArea


class AlertKind(models.TextChoices):
    SIGHTING = "sighting", _("Person with a shop ban seen")
    WARNING = "warning", _("Warning from a shop nearby")
    PROPOSAL = "proposal", _("Proposal waiting for a decision")


class AlertState(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# How long an alert stays active on the shop floor: a sighting for two hours; a warning as long
# as its sender chose, at most four hours. Its content (a warning's description) is removed a day
# after it was sent, the alert itself after thirty days (alerts.retention).
SIGHTING_ACTIVE = timedelta(hours=2)
WARNING_DURATIONS = (30, 60, 120, 240)  # minutes
CONTENT_KEPT = timedelta(hours=24)
ALERTS_KEPT = timedelta(days=30)


class Alert(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    area = models.ForeignKey(ShoppingArea, on_delete=models.SET_NULL, null=True, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.SET_NULL, null=True, related_name="+")
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, related_name="alerts"
    )
    # The gallery card to open, for the shops (a sighting): the person's id, never the name.
    person_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Who sent it (a warning); the page officers open (a proposal).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    path = models.CharField(max_length=200, blank=True)
    # A warning's description: shown in the feed behind the login, never in a push payload.
    description = models.TextField(_("description"), blank=True)
    expires_at = models.DateTimeField(_("active until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} alert {self.pk}"

    def state_at(self, now) -> str:
        if self.withdrawn_at:
            return AlertState.WITHDRAWN
        if self.expires_at and self.expires_at <= now:
            return AlertState.EXPIRED
        return AlertState.ACTIVE

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    def get_state_display(self) -> str:
        return AlertState(self.state).label


class Channel(models.TextChoices):
    PUSH = "push", _("Alert on a device")
    EMAIL = "email", pgettext_lazy("alert channel", "Email")
    SMS = "sms", _("Text message")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Claimed by a worker and being sent: never sent again; one left so by a crashed worker
    # becomes failed after a while (alerts.services.settle_stale).
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    GONE = "gone", _("Device gone")
    # Not sent: the alert was withdrawn or had expired before its turn came.
    CANCELLED = "cancelled", _("Not sent: no longer active")


class AlertDelivery(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The device (push) or the address (email) at the time: one row each, never two.
    target = models.CharField(max_length=1000)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "user", "channel", "target"], name="alert_delivery_once"
            )
        ]

    def __str__(self):
        return f"{self.channel} to user {self.user_id}: {self.state}"


class AlertSettings(models.Model):
    """What a partnership's alerts reach beyond the officers (all off until it decides)."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="alert_settings"
    )
    sightings_to_shops = models.BooleanField(
        _("tell the shops of the area when a banned person is seen"),
        default=False,
        help_text=_(
            "Participants of the same area who signed the protocol get an alert without a name "
            "or photo; it opens the gallery."
        ),
    )
    warnings_from_shops = models.BooleanField(
        _("shops may warn the other shops of their area"),
        default=False,
        help_text=_(
            "A participant who signed the protocol describes someone acting suspiciously right "
            "now; the area's shops and the officers get it. No photos."
        ),
    )
    warnings_per_hour = models.PositiveSmallIntegerField(
        _("warnings per shop per hour"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    sms_fallback = models.BooleanField(
        _("text message to shops without a device for alerts"),
        default=False,
        help_text=_(
            "Besides the email: for participants who gave a mobile number. Uses the installation's "
            "text message gateway."
        ),
    )

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")

    def __str__(self):
        return f"alert settings of {self.partnership_id}"


def settings_for(partnership) -> AlertSettings:
    return AlertSettings.objects.filter(partnership=partnership).first() or AlertSettings(
        partnership=partnership
    )
