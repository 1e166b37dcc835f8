"""Photo bulletins: dated editions of the people with a collective measure in force, what each
lists, the requests that group red cards decided close together, and the outbox: one delivery
row per participating shop, whose state is what makes sending idempotent (ADR 0007)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bans.models import Measure, Person
from merchants.models import Partnership, Shop


class BulletinMode(models.TextChoices):
    LINK = "link", _("Link to the bulletin (no photos in the email)")
    INLINE = "inline", _("Watermarked photos in the email")


class BulletinTrigger(models.TextChoices):
    DECISION = "decision", _("After a red card")
    WEEKLY = "weekly", _("Weekly digest")
    MANUAL = "manual", _("By hand")


class Bulletin(models.Model):
    """A dated edition of the people with a collective measure in force, for every participating
    shop. What it lists is fixed when it is made; a measure revoked before a shop's email goes
    out is left out of that email."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("edition"))
    trigger = models.CharField(_("made"), max_length=10, choices=BulletinTrigger.choices)
    mode = models.CharField(max_length=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="bulletin_number")
        ]

    def __str__(self):
        return f"{self.partnership_id}/{self.number}"


class BulletinEntry(models.Model):
    """A person in an edition, with the measure that put them there."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    is_new = models.BooleanField(default=False)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "person"], name="bulletin_entry_once")
        ]

    def __str__(self):
        return f"{self.bulletin_id}: {self.person_id}"


class BulletinRequest(models.Model):
    """Red cards decided within a few minutes of each other make one bulletin: the first decision
    opens a request that falls due a while later; the ones after it join it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    bulletin = models.OneToOneField(
        Bulletin, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # At most one open request per partnership.
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(bulletin__isnull=True),
                name="bulletinrequest_one_open",
            )
        ]

    def __str__(self):
        return f"bulletin request {self.partnership_id} due {self.due_at:%H:%M}"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    NOT_SENT = "not_sent", _("Not sent")


class BulletinDelivery(models.Model):
    """The outbox: one row per bulletin and shop. A worker claims rows (queued → sending) with
    SELECT … FOR UPDATE SKIP LOCKED, sends them over one SMTP connection, and marks each sent or
    schedules a retry; the row is what makes a second run send nothing twice."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="deliveries")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="bulletin_deliveries")
    email = models.EmailField(_("address"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "shop"], name="bulletin_delivery_once")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.bulletin_id}→{self.shop_id}: {self.state}"


class BulletinSettings(models.Model):
    """How a partnership's bulletins reach the shops. A partnership without a row has the
    default (``settings_for``)."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, primary_key=True, related_name="bulletin_settings"
    )
    mode = models.CharField(
        _("bulletin delivery"),
        max_length=10,
        choices=BulletinMode.choices,
        default=BulletinMode.LINK,
    )

    class Meta:
        verbose_name = _("bulletin settings")
        verbose_name_plural = _("bulletin settings")

    def __str__(self):
        return str(self.partnership_id)


def settings_for(partnership) -> BulletinSettings:
    """The partnership's bulletin settings, or the defaults (unsaved) when it never set any."""
    try:
        return partnership.bulletin_settings
    except BulletinSettings.DoesNotExist:
        return BulletinSettings(partnership=partnership)


class BulletinCorrection(models.Model):
    """A person shown in a bulletin turned out to be the wrong person (an objection decided as
    mistaken identity): the next edition tells the shops. Only the name as shown is kept."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    display_name = models.CharField(max_length=80)
    shown_on = models.DateField()
    # The edition that carries it; empty until the next one is made.
    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"correction {self.pk} ({self.partnership_id})"
