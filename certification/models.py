"""The KVO certification dossier of an area (DESIGN.md section 3): its certificate, the cycle
(schouw, meetings, annual report, survey, safety analysis), the safety-measures matrix and the
dossier reminders to the coordinators."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from merchants.models import ShoppingArea


class CertificateQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(issued_on__lte=day, valid_until__gte=day, withdrawn_on__isnull=True)


class Certificate(models.Model):
    """An area's KVO certificate: stars 1 to 5 (each recertification adds one), three years."""

    area = models.ForeignKey(
        ShoppingArea, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("area")
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    scheme_version = models.CharField(_("scheme version"), max_length=20, default="KVO 4.0")
    certifying_body = models.CharField(_("certifying body"), max_length=120)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    document = models.FileField(_("certificate (PDF)"), max_length=200, blank=True)
    # Reminders sent before the end (6, 3 and 1 months): one each.
    reminded = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="certificate_stars_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("issued_on")), name="certificate_ends_after_issue"
            ),
        ]

    def __str__(self):
        return f"{self.area}: {self.stars}★ {self.issued_on}–{self.valid_until}"


class DossierItemKind(models.TextChoices):
    INSPECTION = "inspection", _("Site inspection (schouw)")
    MEETING = "meeting", _("Meeting")
    ANNUAL_REPORT = "annual_report", _("Annual report")
    SURVEY = "survey", _("Shop-owner survey")
    SAFETY_ANALYSIS = "safety_analysis", _("Safety analysis")


class PartnerType(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    ENTREPRENEURS = "entrepreneurs", _("Entrepreneurs")
    POLICE = "police", _("Police")
    FIRE_BRIGADE = "fire_brigade", _("Fire brigade")


class DossierItem(models.Model):
    """A step of the certification cycle: a schouw with its findings, a meeting with its minutes
    and who attended, the annual report, the survey with its key results, the safety analysis."""

    area = models.ForeignKey(
        ShoppingArea, on_delete=models.CASCADE, related_name="dossier_items", verbose_name=_("area")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DossierItemKind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("findings or key results"), blank=True)
    # Meetings: which mandatory partners were there.
    attendance = models.JSONField(_("present"), default=list, blank=True)
    document = models.FileField(_("document (PDF)"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier item")
        verbose_name_plural = _("dossier items")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["area", "kind", "held_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def attendance_labels(self) -> list[str]:
        """The partners present, in the reader's language (stored as codes)."""
        return [PartnerType(code).label for code in self.attendance if code in PartnerType.values]


class SafetyMeasure(models.Model):
    """A line of the safety-measures matrix (maatregelenmatrix): what, on which theme, by whom,
    when. Not to be confused with a measure of the register (a card or a ban, bans.Measure)."""

    class Theme(models.TextChoices):
        SHOPLIFTING = "shoplifting", _("Shoplifting")
        BURGLARY = "burglary", _("Burglary")
        ROBBERY = "robbery", _("Robbery and aggression")
        VANDALISM = "vandalism", _("Vandalism and nuisance")
        FIRE = "fire", _("Fire safety")
        ENVIRONMENT = "environment", _("Lighting, cleanliness and layout")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    area = models.ForeignKey(
        ShoppingArea,
        on_delete=models.CASCADE,
        related_name="safety_measures",
        verbose_name=_("area"),
    )
    description = models.CharField(_("measure"), max_length=300)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    owner = models.CharField(_("owner"), max_length=120)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    due_on = models.DateField(_("due on"))
    meeting = models.ForeignKey(
        DossierItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="safety_measures",
        verbose_name=_("agreed at meeting"),
        limit_choices_to={"kind": DossierItemKind.MEETING},
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("safety measure")
        verbose_name_plural = _("measures matrix")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description


class DossierReminder(models.Model):
    """One reminder about an area's dossier (a certificate ending, a schouw, annual report or
    survey due). The row is what makes the daily job send each reminder once: it is made the day
    the reminder falls due, ``sent_to`` lists the coordinators who had it, and ``sent_at`` is set
    once every coordinator of that moment has it."""

    class Topic(models.TextChoices):
        CERTIFICATE_6 = "certificate_6", _("Certificate ends within 6 months")
        CERTIFICATE_3 = "certificate_3", _("Certificate ends within 3 months")
        CERTIFICATE_1 = "certificate_1", _("Certificate ends within 1 month")
        INSPECTION = "inspection", _("No site inspection this year")
        ANNUAL_REPORT = "annual_report", _("Annual report missing")
        SURVEY = "survey", _("Shop-owner survey due")

    area = models.ForeignKey(
        ShoppingArea, on_delete=models.CASCADE, related_name="dossier_reminders"
    )
    topic = models.CharField(max_length=20, choices=Topic.choices)
    # Which occurrence: the certificate's id, the year of the schouw or of the annual report, the
    # date of the survey that went stale ("none" when there never was one).
    period = models.CharField(max_length=20)
    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    due_on = models.DateField()
    sent_to = models.JSONField(default=list, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier reminder")
        verbose_name_plural = _("dossier reminders")
        ordering = ["-due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "topic", "period"], name="dossier_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.area}: {self.topic} {self.period}"
