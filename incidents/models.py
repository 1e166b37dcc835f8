"""Incident reports by shops, their photos, the case history and the officer's contact log.

Personal data on an incident (the person's name, date of birth, description, photos, the witness)
is kept apart from the anonymous facts (date, area, shop, type, value, aangifte) so that the
retention job can strip the first and keep the second for the statistics.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incidents.workflow import Status
from merchants.access import partnerships_with
from merchants.models import Membership, Partnership, Shop, ShoppingArea
from merchants.roles import Role
from plumbing.models import StoredImage


class IncidentType(models.TextChoices):
    SHOPLIFTING = "shoplifting", _("Shoplifting")
    ATTEMPTED_SHOPLIFTING = "attempted_shoplifting", _("Attempted shoplifting")
    NUISANCE = "nuisance", _("Nuisance")
    AGGRESSION = "aggression", _("Aggression or threat")
    VANDALISM = "vandalism", _("Vandalism")
    BAN_VIOLATION = "ban_violation", _("Ban violation")
    OTHER = "other", _("Other")


class PoliceReport(models.TextChoices):
    YES = "yes", _("Yes, filed")
    WILL_DO = "will_do", _("Not yet, will do")
    NO = "no", _("No")


class ReportChannel(models.TextChoices):
    ONLINE = "online", _("Online, on politie.nl")
    DESK = "desk", _("At the police desk")
    OFFICER = "officer", _("Through the community police officer")


class PoliceStage(models.TextChoices):
    """Where the report to the police stands; the officer keeps it (incidents.police)."""

    FILED = "filed", _("Report filed with the police")
    HANDLING = "handling", _("Being handled by the police")
    PROSECUTOR = "prosecutor", _("Sent to the public prosecutor (OM)")
    HEARING = "hearing", _("Fast-track hearing set")
    SETTLED = "settled", _("Settled")


class HearingKind(models.TextChoices):
    SNELRECHT = "snelrecht", _("Fast-track (snelrecht)")
    SUPERSNELRECHT = "supersnelrecht", _("Super-fast-track (supersnelrecht)")


class Settlement(models.TextChoices):
    CONVICTED = "convicted", _("Convicted by the court")
    PENALTY_ORDER = "penalty_order", _("Penalty order by the public prosecutor (strafbeschikking)")
    HALT = "halt", _("Referred to Halt")
    DISMISSED = "dismissed", _("Not prosecuted (sepot)")
    ACQUITTED = "acquitted", _("Acquitted")
    OTHER = "other", _("Otherwise")


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers and administrators: their partnerships' incidents. Participants: their shops'.
        Coordinators and auditors see figures, never cases."""
        if not user.is_authenticated:
            return self.none()
        own_shops = Membership.objects.filter(
            user=user, active=True, role=Role.PARTICIPANT, partnership__active=True
        ).values("shops")
        # A deactivated shop's staff no longer read its cases.
        return self.filter(
            Q(partnership__in=partnerships_with(user, "view_incidents"))
            | Q(shop__in=own_shops, shop__active=True, area__active=True)
        )

    def open(self):
        return self.exclude(status=Status.CLOSED)


class Incident(models.Model):
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("partnership"),
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("shop")
    )
    # The shop's area when it happened: statistics per area must not move when a shop does.
    area = models.ForeignKey(
        ShoppingArea, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("area")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="incidents_reported",
        verbose_name=_("reported by"),
    )
    kind = models.CharField(_("type"), max_length=30, choices=IncidentType.choices)
    occurred_at = models.DateTimeField(_("date and time"))
    description = models.TextField(_("what happened"), max_length=5000)
    goods_value = models.DecimalField(
        _("value of the goods (EUR)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )
    goods_recovered = models.BooleanField(_("goods recovered"), default=False)
    caught_in_act = models.BooleanField(_("person held / caught in the act"), default=False)
    police_called = models.BooleanField(_("police called"), default=False)
    police_report = models.CharField(
        _("police report (aangifte) filed"),
        max_length=10,
        choices=PoliceReport.choices,
        default=PoliceReport.NO,
    )
    police_report_number = models.CharField(
        _("police registration number"), max_length=40, blank=True
    )
    police_report_channel = models.CharField(
        _("how the report was filed"), max_length=10, choices=ReportChannel.choices, blank=True
    )
    # The latest PoliceStep's stage, for lists and figures; the steps are the history.
    police_stage = models.CharField(
        _("police report stage"), max_length=12, choices=PoliceStage.choices, blank=True
    )

    # Personal data: removed by the retention job when the case led to no measure.
    person_description = models.TextField(
        _("description of the person"), max_length=2000, blank=True
    )
    person_age = models.PositiveSmallIntegerField(
        _("approximate age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(110)],
    )
    person_clothing = models.CharField(_("clothing"), max_length=300, blank=True)
    person_name = models.CharField(_("name, if known"), max_length=150, blank=True)
    person_birth_date = models.DateField(_("date of birth, if known"), null=True, blank=True)
    witness = models.CharField(_("witness (name and phone)"), max_length=300, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents_assigned",
        verbose_name=_("assigned to"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    # Generated when the form is shown: a double submit carries the same key and finds the first.
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    # When the officers who want an email for each report were told (incidents.alerts): once.
    officers_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    personal_data_removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["partnership", "status", "created_at"], name="incident_queue_idx"),
            models.Index(fields=["shop", "created_at"], name="incident_shop_idx"),
            # Period filters, exports and statistics.
            models.Index(fields=["partnership", "occurred_at"], name="incident_period_idx"),
            # The retention job's selection.
            models.Index(fields=["status", "closed_at"], name="incident_retention_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} · {self.shop}"

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    @property
    def reference(self):
        return f"{self.partnership.code}-{self.pk:06d}"


class IncidentPhoto(StoredImage):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self):
        return f"photo {self.pk} of incident {self.incident_id}"


class KeptPhoto(StoredImage):
    """A photo sent with a report form that came back with an error: kept under the form's
    submission key so the reporter need not choose it again. The report takes it over; an
    abandoned form's photos are deleted after a day (incidents.retention)."""

    submission_key = models.UUIDField(db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("photo awaiting its report")
        verbose_name_plural = _("photos awaiting their report")
        ordering = ["pk"]

    def __str__(self):
        return f"kept photo {self.pk}"


class StatusChange(models.Model):
    """Append-only: one row per transition, written in the transaction that makes it."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    public_note = models.TextField(_("note for the shop"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set by the email task once the reporter was told: a retried task never sends twice.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["to_status", "incident"], name="statuschange_to_idx")]

    def __str__(self):
        return f"{self.incident_id}: {self.from_status or '-'} → {self.to_status}"


class PoliceStep(models.Model):
    """Append-only: one row per step of the report to the police, shown in the shop's timeline.

    Written by incidents.police in the transaction that moves `Incident.police_stage`."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="police_steps")
    stage = models.CharField(_("stage"), max_length=12, choices=PoliceStage.choices)
    channel = models.CharField(
        _("how the report was filed"), max_length=10, choices=ReportChannel.choices, blank=True
    )
    reference = models.CharField(_("police registration number"), max_length=40, blank=True)
    hearing_kind = models.CharField(
        _("kind of hearing"), max_length=16, choices=HearingKind.choices, blank=True
    )
    hearing_at = models.DateTimeField(_("date and time of the hearing"), null=True, blank=True)
    settlement = models.CharField(
        _("how it was settled"), max_length=16, choices=Settlement.choices, blank=True
    )
    public_note = models.TextField(_("note for the shop"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set by the email task once the reporter was told: a retried task never sends twice.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("police report step")
        verbose_name_plural = _("police report steps")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.incident_id}: {self.stage}"


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", pgettext_lazy("contact kind", "Email")


class ContactMoment(models.Model):
    """The officer's contact with the shop; the first is the Deventer model's personal contact."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("how"), max_length=10, choices=ContactKind.choices)
    contacted_at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")
        ordering = ["contacted_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.contacted_at:%Y-%m-%d %H:%M}"


class InternalNote(models.Model):
    """For officers and administrators only; never shown to the shop."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("internal note"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"note {self.pk} on incident {self.incident_id}"


class ReportDigest(models.Model):
    """One officer's morning email of the previous day's new reports: the row is what makes the
    daily job send it once (incidents.alerts)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_digests"
    )
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="report_digest_once")]

    def __str__(self):
        return f"{self.user_id} {self.day}"
