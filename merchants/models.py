"""Ground floor: users, partnerships, areas, shops, memberships, invitations, protocol, audit."""

import hashlib

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merchants.objection_contact import ObjectionContact
from merchants.roles import Role

postcode_validator = RegexValidator(
    r"^[1-9][0-9]{3} ?[A-Za-z]{2}$", _("Enter a Dutch postcode such as 7411 AB.")
)
kvk_validator = RegexValidator(r"^[0-9]{8}$", _("A KvK number has exactly 8 digits."))


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email__iexact=self.normalize_email(username))

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra_fields)


class ReportAlerts(models.TextChoices):
    """How an officer hears of new reports in the queue."""

    EACH = "each", _("An email for each new report")
    DAILY = "daily", _("One email each morning with the new reports")
    OFF = "off", _("No email about new reports")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Email is the login; what the person may do comes from memberships."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )
    report_alerts = models.CharField(
        _("new reports"),
        max_length=8,
        choices=ReportAlerts.choices,
        default=ReportAlerts.EACH,
        help_text=_("For the community police officer: how you hear of new reports."),
    )
    mobile = models.CharField(  # E.164 (+31612345678): plumbing.sms.normalise_mobile
        _("mobile number"), max_length=16, blank=True, help_text=_("Only for alerts by text.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = UserManager.normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email


class PartnershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            pk__in=Membership.objects.filter(user=user, active=True).values("partnership")
        )


class Partnership(ObjectionContact, models.Model):
    """A KVO covenant: one tenant. Everything a user sees is scoped to its partnerships. Where a
    person objects to its letters: ``ObjectionContact`` (merchants.objection_contact)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    code = models.CharField(
        _("code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,6}$", _("Use 2 to 6 capital letters."))],
        help_text=_("Prefix for claim numbers, for example DEV."),
    )
    municipality = models.CharField(_("municipality"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Policy: the rules of the covenant that differ between partnerships. Defaults follow the
    # CCV model protocol as Deventer applies it (DESIGN.md section 3).
    individual_ban_months = models.PositiveSmallIntegerField(
        _("individual shop ban (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    yellow_card_months = models.PositiveSmallIntegerField(
        _("yellow card (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    red_card_months = models.PositiveSmallIntegerField(
        _("red card (months)"),
        default=12,
        validators=[MinValueValidator(12), MaxValueValidator(24)],
    )
    red_card_aggression_months = models.PositiveSmallIntegerField(
        _("red card after aggression (months)"),
        default=24,
        validators=[MinValueValidator(12), MaxValueValidator(24)],
    )
    aggression_means_red_card = models.BooleanField(
        _("aggression leads straight to a red card"), default=True
    )
    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AreaKind(models.TextChoices):
    SHOPPING_AREA = "kvo_w", _("Shopping area (KVO-W)")
    BUSINESS_PARK = "kvo_b", _("Business park (KVO-B)")


class ShoppingAreaQuerySet(models.QuerySet):
    def visible_to(self, user, capability="view_areas"):
        from merchants.access import partnerships_with

        return self.filter(partnership__in=partnerships_with(user, capability))


class ShoppingArea(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="areas", verbose_name=_("partnership")
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=8, choices=AreaKind.choices, default=AreaKind.SHOPPING_AREA
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ShoppingAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="area_name_unique")
        ]

    def __str__(self):
        return self.name


class ShopQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Shops a user may see: all of a partnership for its staff roles, else its own shops."""
        from merchants.access import partnerships_with

        if not user.is_authenticated:
            return self.none()
        own = Membership.objects.filter(
            user=user, active=True, role=Role.PARTICIPANT, partnership__active=True
        ).values("shops")
        return self.filter(
            Q(area__partnership__in=partnerships_with(user, "view_shops")) | Q(pk__in=own)
        )

    def in_partnership(self, partnership):
        return self.filter(area__partnership=partnership)


class Shop(models.Model):
    area = models.ForeignKey(
        ShoppingArea, on_delete=models.PROTECT, related_name="shops", verbose_name=_("area")
    )
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[postcode_validator])
    city = models.CharField(_("city"), max_length=80)
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[kvk_validator]
    )
    bulletin_email = models.EmailField(
        _("bulletin address"),
        blank=True,
        help_text=_("Where the shop receives the bulletins with banned people."),
    )
    participating_since = models.DateField(_("participating since"), default=timezone.localdate)
    active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ShopQuerySet.as_manager()

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["area", "active"], name="shop_area_active_idx")]
        constraints = [
            # Two shops of one name at one address are one shop entered twice.
            models.UniqueConstraint(fields=["area", "name", "address"], name="shop_unique_address")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.postcode = normalize_postcode(self.postcode)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("merchants:shop_detail", args=[self.pk])


def normalize_postcode(value):
    compact = (value or "").replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else (value or "")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True, user__is_active=True)


class Membership(models.Model):
    """A user's role in one partnership. Participants are linked to shops through assignments."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("partnership"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    shops = models.ManyToManyField(
        Shop,
        through="ShopAssignment",
        blank=True,
        related_name="memberships",
        verbose_name=_("shops"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["partnership", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.partnership}"


class ShopAssignment(models.Model):
    """A participant works for a shop; as its owner it manages the shop's staff and bulletin
    address. Ownership belongs to one shop, never to the person as a whole."""

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("membership"),
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("shop")
    )
    is_owner = models.BooleanField(_("shop owner"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop assignment")
        verbose_name_plural = _("shop assignments")
        constraints = [
            models.UniqueConstraint(fields=["membership", "shop"], name="assignment_unique")
        ]

    def __str__(self):
        return f"{self.membership.user} · {self.shop}"


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A single-use, expiring link that creates a membership (and, if needed, an account).

    Only a hash of the token is stored: the link in the email is the sole copy of the secret.
    """

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("partnership"),
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    shops = models.ManyToManyField(
        Shop, blank=True, related_name="invitations", verbose_name=_("shops")
    )
    is_owner = models.BooleanField(_("shop owner"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "email", "role"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_role",
            ),
            models.CheckConstraint(
                condition=Q(is_owner=False) | Q(role=Role.PARTICIPANT),
                name="invitation_owner_is_participant",
            ),
        ]

    def __str__(self):
        return f"{self.email} · {self.get_role_display()}"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self):
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self):
        return self.Status(self.status).label


class ProtocolVersion(models.Model):
    """The text participants sign before they may see the gallery of banned people."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="protocol_versions",
        verbose_name=_("partnership"),
    )
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("protocol version")
        verbose_name_plural = _("protocol versions")
        ordering = ["partnership", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "version"], name="protocol_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.version})"


class ProtocolDeclaration(models.Model):
    """Who signed which protocol version, when; for a shop when its owner signs on its behalf."""

    version = models.ForeignKey(
        ProtocolVersion,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("protocol version"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="protocol_declarations",
        verbose_name=_("signed by"),
    )
    shop = models.ForeignKey(
        Shop,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protocol_declarations",
        verbose_name=_("on behalf of shop"),
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        verbose_name = _("protocol declaration")
        verbose_name_plural = _("protocol declarations")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"],
                condition=Q(shop__isnull=True),
                name="declaration_personal_unique",
            ),
            models.UniqueConstraint(
                fields=["version", "shop"],
                condition=Q(shop__isnull=False),
                name="declaration_shop_unique",
            ),
        ]

    def __str__(self):
        return f"{self.version} · {self.shop or self.user}"


class AuditEvent(models.Model):
    """Append-only record of who did what. Written explicitly by services, never by save().

    `action` uses a stable dotted vocabulary (`merchants.invitation.sent`) so that reports and
    retention rules can rely on it. `data` holds ids and codes, never personal details.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]
        # The access log per person, and per partnership and period.
        indexes = [
            models.Index(
                fields=["partnership", "object_type", "object_id"], name="auditevent_object_idx"
            ),
            models.Index(fields=["partnership", "created_at"], name="auditevent_period_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class DeletionRecord(models.Model):
    """The deletion ledger: what kind of personal data went, when, why and in which run.

    Metadata only: never a name, a description or a file name, so the ledger itself needs no
    retention. Written by the retention jobs of every app.
    """

    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now, db_index=True)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    reason = models.CharField(_("why"), max_length=200)
    run = models.UUIDField(_("run"), db_index=True)
    files_removed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")
        ordering = ["-deleted_at"]

    def __str__(self):
        return f"{self.deleted_at:%Y-%m-%d} {self.kind} {self.object_type}#{self.object_id}"


class UserSession(models.Model):
    """The sessions a user is logged in with, so that deactivating the user, ending a role or
    closing a shop can end them at once instead of when they would expire."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


# Models in modules of their own, imported here so that Django finds them with the app: a user's
# devices for alerts (merchants/devices.py) and single sign-on (merchants/sso_models.py).
from merchants.devices import PushDevice  # noqa: E402, F401
from merchants.sso_models import SingleSignOn  # noqa: E402, F401
