"""Alerts: an event that must reach people in seconds (a banned person seen in a shop), and one
delivery row per recipient and device or channel, so that what reached whom is known and a
retried task sends nothing twice (docs/adr/0011-alerts-and-the-app.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident
from merchants.models import Partnership, Shop, ShoppingArea


class AlertKind(models.TextChoices):
    SIGHTING = "sighting", _("Person with a shop ban seen")


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
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} alert {self.pk}"


class Channel(models.TextChoices):
    PUSH = "push", _("Alert on a device")
    EMAIL = "email", _("Email")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    GONE = "gone", _("Device gone")


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

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")

    def __str__(self):
        return f"alert settings of {self.partnership_id}"


def settings_for(partnership) -> AlertSettings:
    return AlertSettings.objects.filter(partnership=partnership).first() or AlertSettings(
        partnership=partnership
    )
