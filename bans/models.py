"""The register: people, their measures (individual bans, yellow and red cards, extensions), and
the append-only history of every measure.

Identity fields (full name, date and place of birth, address, residence) are for officers and
administrators only; participants see the display name, the photos and the description.
"""

import secrets
import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bans.reasons import reason_text
from incidents.models import Incident
from merchants.access import partnerships_with
from merchants.models import Partnership, Shop
from plumbing.models import StoredImage

# Letters that Unicode does not decompose into a base letter and an accent.
_PLAIN_LETTERS = str.maketrans(
    {
        "ı": "i",
        "İ": "i",
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ĳ": "ij",
        "Ĳ": "ij",
    }
)


def search_key(text: str) -> str:
    """Lower case, accents and punctuation gone: "Ömer-Çelik" and "omer celik" meet, and so do
    "Cagri" with a Turkish dotless i and "cagri", "Łukasz" and "lukasz"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_PLAIN_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain.lower()).split())


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The register of the partnerships where the user handles cases."""
        return self.filter(
            partnership__in=partnerships_with(user, "view_incidents"), merged_into__isnull=True
        )


class Person(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="people", verbose_name=_("partnership")
    )
    # What participants may see.
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        help_text=_("How shops see this person, for example “Mark V.”."),
    )
    description = models.TextField(
        _("personal description"),
        max_length=2000,
        blank=True,
        help_text=_("Build, hair, what stands out. No ethnicity, religion, health or the like."),
    )
    # Identity fields: officers and administrators only.
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    residence = models.CharField(_("residence"), max_length=100, blank=True)

    search_name = models.CharField(max_length=300, editable=False, db_index=True)
    incidents = models.ManyToManyField(
        Incident, through="PersonIncident", related_name="people", verbose_name=_("incidents")
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    personal_data_removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["display_name", "pk"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_name = search_key(f"{self.display_name} {self.full_name}")
        super().save(*args, **kwargs)


class PersonIncident(models.Model):
    """The officer's finding that this person committed this offence."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="person_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "incident"], name="person_incident_unique")
        ]

    def __str__(self):
        return f"{self.person} · {self.incident_id}"


class MeasureKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual shop ban")
    YELLOW = "yellow", _("Yellow card (collective warning)")
    RED = "red", _("Red card (collective ban)")
    EXTENSION = "extension", _("Extension of the collective ban")


COLLECTIVE_KINDS = (MeasureKind.YELLOW, MeasureKind.RED, MeasureKind.EXTENSION)
BAN_KINDS = (MeasureKind.RED, MeasureKind.EXTENSION)


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    # While an objection against it is decided (bans.objections): not in force, not forgotten.
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class MeasureQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """Measures that apply on `day`: active, and `day` within start and end, both included."""
        return self.filter(status=MeasureStatus.ACTIVE, starts_on__lte=day, ends_on__gte=day)


class Measure(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="measures")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("measure"), max_length=12, choices=MeasureKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    # Individual bans hold for the issuing shop (and its owner's branches in the partnership).
    issuing_shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, null=True, blank=True, related_name="issued_measures"
    )
    extends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="extensions"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on (last day)"))
    # Why the rules proposed it, as a code and its figures (bans.policy.REASONS), shown in the
    # reader's language; proposals made before 0.9 keep their sentence in proposal_reason.
    proposal_code = models.CharField(max_length=40, blank=True)
    proposal_params = models.JSONField(default=dict, blank=True)
    proposal_reason = models.TextField(_("why the system proposed this"), blank=True)
    decision_reason = models.TextField(_("the officer's reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="measure_ends_after_start"
            ),
            # One red card per offence: a second one for the same incident is refused.
            models.UniqueConstraint(
                fields=["incident", "kind"],
                condition=Q(kind="red") & ~Q(status="revoked"),
                name="measure_one_red_card_per_offence",
            ),
            models.CheckConstraint(
                condition=~Q(kind="individual") | Q(issuing_shop__isnull=False),
                name="measure_individual_has_shop",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "status", "ends_on"], name="measure_force_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.person}"

    @property
    def proposal_text(self) -> str:
        """Why the rules proposed this, in the reader's language (older proposals: as stored)."""
        if self.proposal_code:
            return reason_text(self.proposal_code, self.proposal_params)
        return self.proposal_reason


class MeasureChange(models.Model):
    """Append-only history: one row per state change of a measure."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=MeasureStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=MeasureStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.measure_id}: {self.from_status or '-'} → {self.to_status}"


class PersonPhoto(StoredImage):
    """A photo of a person for the gallery; stored privately, shown only watermarked."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="photos")
    # The gallery's large rendition (plumbing.images.GALLERY_BOXES["l"]), made when the photo is
    # added so that a gallery request scales a 960 px image, not a 2048 px original. Empty for
    # photos added before 0.9 until `manage.py make_gallery_renditions` ran; the gallery then
    # scales the original.
    display = models.FileField(max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("photo of a person")
        verbose_name_plural = _("photos of people")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"photo {self.pk} of person {self.person_id}"


def objection_code() -> str:
    """Ten letters and digits without look-alikes (no 0/O, 1/I/L), printed on the notice as
    XXXXX-XXXXX: the person types it on the public objection page."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class NoticeLetter(models.Model):
    """The written notice to the person about a measure: an immutable snapshot once issued.

    `snapshot` holds the names, address, facts, dates and shops exactly as they were stated; the
    PDF is rendered from it, so later edits of the person or the shops never change the letter.
    """

    measure = models.OneToOneField(Measure, on_delete=models.PROTECT, related_name="notice")
    snapshot = models.JSONField(editable=False)
    pdf = models.FileField(max_length=200, editable=False)
    # With the person's date of birth, what opens the public objection page for this measure.
    objection_code = models.CharField(
        max_length=10, unique=True, default=objection_code, editable=False
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("notice letter")
        verbose_name_plural = _("notice letters")

    def __str__(self):
        return f"notice for measure {self.measure_id}"


class SubjectRequest(models.Model):
    """A request by a person about its data (AVG/GDPR articles 15 to 21), with a 4-week deadline."""

    class Kind(models.TextChoices):
        # Context: "Access" alone is also the word for logging in ("Toegang").
        ACCESS = "access", pgettext_lazy("data subject request", "Access")
        RECTIFICATION = "rectification", pgettext_lazy("data subject request", "Rectification")
        ERASURE = "erasure", pgettext_lazy("data subject request", "Erasure")
        OBJECTION = "objection", pgettext_lazy("data subject request", "Objection")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLED = "handled", _("Handled")
        REJECTED = "rejected", _("Rejected")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="subject_requests"
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="subject_requests"
    )
    kind = models.CharField(_("request"), max_length=20, choices=Kind.choices)
    requester = models.CharField(
        _("requested by"), max_length=200, help_text=_("Name and how to reach the requester.")
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due on"), editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    handled_on = models.DateField(_("handled on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subject request")
        verbose_name_plural = _("subject requests")
        ordering = ["status", "due_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.received_on}"


class LegalGround(models.TextChoices):
    CIVIL_CLAIM = "civil_claim", _("Recovering the damage: civil claim (art. 6:162 BW)")
    NOTICE = "notice", _("Serving the notice of a collective ban (art. 138 Sr)")
    OTHER = "other", _("Otherwise, as explained")


class IdentityRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(partnership__in=partnerships_with(user, "identity_requests"))

    def open(self):
        return self.filter(status=IdentityRequest.Status.OPEN)


class IdentityRequest(models.Model):
    """A request to the police for the name and address of the person in a case (a "NAW-verzoek"):
    shops may not ask for ID, and a civil claim or a notice needs an address.

    Sent as a PDF to a police mailbox, reminded after `remind_after_days`; the answer goes straight
    into the person's identity fields (bans.identity), never into this row."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the police")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Not given by the police")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="identity_requests"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="identity_requests"
    )
    # Who the answer is about; empty until the answer names someone not yet in the register.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="identity_requests"
    )
    legal_ground = models.CharField(_("legal ground"), max_length=20, choices=LegalGround.choices)
    explanation = models.TextField(_("explanation"), max_length=2000, blank=True)
    ask_name = models.BooleanField(_("name"), default=True)
    ask_address = models.BooleanField(_("address and residence"), default=True)
    ask_birth_date = models.BooleanField(_("date of birth"), default=False)
    mailbox = models.EmailField(_("police mailbox"))
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        default=14,
        validators=[MinValueValidator(3), MaxValueValidator(60)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Delivery to the mailbox: set by the task once the mail went out; the error while it did not.
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    send_error = models.CharField(max_length=300, blank=True, editable=False)
    reminders = models.PositiveSmallIntegerField(default=0, editable=False)
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = IdentityRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("name-and-address request")
        verbose_name_plural = _("name-and-address requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "status", "created_at"], name="identity_req_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=Q(status="open"), name="identity_request_one_open"
            )
        ]

    def __str__(self):
        return self.number

    @property
    def number(self):
        return f"NAW-{self.partnership.code}-{self.pk:05d}"


class ObjectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(partnership__in=partnerships_with(user, "view_objections"))

    def open(self):
        return self.filter(status=Objection.Status.OPEN)


class Objection(models.Model):
    """An objection by a person (or their lawyer) against a card or ban: by letter or email,
    entered by the administrator, or through the public page. Decided within four weeks by an
    officer other than the one who decided the measure (bans.objections)."""

    class Channel(models.TextChoices):
        LETTER = "letter", _("By letter")
        EMAIL = "email", pgettext_lazy("objection channel", "By email")
        ONLINE = "online", _("Online, on the objection page")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld: the measure is revoked")
        REJECTED = "rejected", _("Rejected: the measure stands")
        MISTAKEN = "mistaken", _("Mistaken identity")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="objections")
    channel = models.CharField(_("received"), max_length=10, choices=Channel.choices)
    objector = models.CharField(
        _("objection made by"),
        max_length=200,
        help_text=_("The person, or their lawyer or representative, by name."),
    )
    contact = models.CharField(
        _("where the decision goes"), max_length=300, help_text=_("Postal or email address.")
    )
    grounds = models.TextField(_("grounds of the objection"), max_length=5000)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("decision due on"), editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    suspended_at = models.DateTimeField(_("measure suspended on"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reasons of the decision"), max_length=5000, blank=True)
    # The decision letter: rendered once from its snapshot and kept as it was sent.
    letter_snapshot = models.JSONField(null=True, blank=True, editable=False)
    letter = models.FileField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["status", "due_on", "pk"]
        constraints = [
            # One open objection per measure: a second letter about it is added to the first.
            models.UniqueConstraint(
                fields=["measure"], condition=Q(status="open"), name="objection_one_open"
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        return f"BZW-{self.partnership.code}-{self.pk:05d}"


class AccessReviewSettings(models.Model):
    """What the weekly access review of a partnership's administrators flags (bans.access_review):
    one user opening many people in a short time, access at night, exports and printouts, people
    outside the user's areas."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="access_review_settings"
    )
    people_at_once = models.PositiveSmallIntegerField(
        _("people opened at once"),
        default=15,
        validators=[MinValueValidator(2), MaxValueValidator(500)],
        help_text=_("Flag a user who opens more different people than this within the window."),
    )
    window_minutes = models.PositiveSmallIntegerField(
        _("window (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
    )
    night_from = models.PositiveSmallIntegerField(
        _("night from (hour)"), default=22, validators=[MaxValueValidator(23)]
    )
    night_until = models.PositiveSmallIntegerField(
        _("night until (hour)"), default=6, validators=[MaxValueValidator(23)]
    )
    flag_exports = models.BooleanField(_("list every export and printout"), default=True)

    class Meta:
        verbose_name = _("access review settings")
        verbose_name_plural = _("access review settings")

    def __str__(self):
        return f"access review settings {self.partnership_id}"


class AccessReview(models.Model):
    """One week's review of a partnership's access log, sent once to its administrators."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    findings = models.JSONField(default=dict)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "week_start"], name="access_review_once")
        ]

    def __str__(self):
        return f"access review {self.partnership_id} {self.week_start}"


# The gallery's watermarked copies, in a module of their own (bans/gallery_models.py).
from bans.gallery_models import GalleryCopy, GalleryViewer  # noqa: E402, F401
