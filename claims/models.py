"""Civil claims (schadeclaim, overlastdonatie): the EUR 181 fixed amount plus itemised damage for an
identified offender, numbered without gaps per partnership and year, with its ledger of entries,
status history, reminder, bank statements and payments. An issued claim is never edited."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bans.models import Person
from incidents.models import Incident
from merchants.access import partnerships_with
from merchants.models import Partnership
from plumbing.epc import validate_iban


class ClaimCounter(models.Model):
    """The last claim number per partnership and year, locked while a number is taken."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="claimcounter_unique")
        ]

    def __str__(self):
        return f"{self.partnership_id}/{self.year}: {self.last}"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    REMINDED = "reminded", _("Reminded")
    COLLECTION = "collection", _("With the collection agency")
    WRITTEN_OFF = "written_off", _("Written off")
    CANCELLED = "cancelled", _("Cancelled")


class ClaimQuerySet(models.QuerySet):
    def visible_to(self, user, capability="view_claims"):
        return self.filter(partnership__in=partnerships_with(user, capability))


class Claim(models.Model):
    """A civil claim (overlastdonatie): the fixed amount plus itemised direct damage. Its number
    is gap-free per partnership and year; once sent it is an immutable snapshot."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="claims")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="claims")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("claim number"), max_length=30, unique=True)
    payment_reference = models.CharField(_("payment reference"), max_length=35, unique=True)
    fixed_amount = models.DecimalField(_("fixed amount"), max_digits=9, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    # Names and address as the claim states them, copied when it is made; completed with the
    # amounts and the payment details when it is sent, and never changed after that.
    snapshot = models.JSONField(default=dict, editable=False)
    # Running totals, kept by bans.claims under a row lock; the lines, entries and payments below
    # are the ledger they come from.
    total = models.DecimalField(_("amount claimed"), max_digits=10, decimal_places=2, default=0)
    paid = models.DecimalField(_("amount paid"), max_digits=10, decimal_places=2, default=0)
    email = models.EmailField(_("email address"), blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    letter = models.FileField(max_length=200, blank=True, editable=False)
    letter_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    handed_over_on = models.DateField(_("handed over to the agency on"), null=True, blank=True)
    # Set when the names, address and letters are gone, seven years after the claim closed.
    personal_data_removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("civil claim")
        verbose_name_plural = _("civil claims")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year", "sequence"], name="claim_number_unique"
            ),
            models.CheckConstraint(condition=Q(fixed_amount__gte=0), name="claim_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid__gte=0, paid__lte=F("total")), name="claim_paid_within_total"
            ),
            # One claim per person per case (a cancelled one may be made again).
            models.UniqueConstraint(
                fields=["incident", "person"],
                condition=~Q(status="cancelled"),
                name="claim_once_per_case_and_person",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status", "due_on"])]

    def __str__(self):
        return self.number

    @property
    def outstanding(self):
        return self.total - self.paid


class ClaimLine(models.Model):
    """An item of direct damage on a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claimline_amount_positive")
        ]

    def __str__(self):
        return f"{self.description}: {self.amount}"


class ClaimEntry(models.Model):
    """A correction after issue, appended and never changed: a credit (with its reason) lowers
    what is owed; statutory collection costs raise it."""

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credit")
        COLLECTION_COSTS = "costs", _("Collection costs")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claimentry_amount_positive"),
            # Collection costs are charged once per claim.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(kind="costs"), name="claimentry_costs_once"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount}"


class ClaimStatusChange(models.Model):
    """The append-only history of a claim's status."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="history")
    old_status = models.CharField(max_length=20, choices=ClaimStatus.choices, blank=True)
    new_status = models.CharField(max_length=20, choices=ClaimStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.old_status} → {self.new_status}"


class ClaimReminder(models.Model):
    """The one reminder of a claim: its row is what makes the daily job send it only once.

    Made on ``sent_on`` by the job; emailed at once when the claim has an address, otherwise it
    waits to be printed and posted. Its term (``due_on``) runs from ``posted_on``: the statutory
    collection costs may only be charged 14 days after the person received it."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="reminder")
    sent_on = models.DateField()
    posted_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    announced_costs = models.DecimalField(max_digits=9, decimal_places=2)
    snapshot = models.JSONField(default=dict, editable=False)
    pdf = models.FileField(max_length=200, blank=True, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    costs_added_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return f"reminder for {self.claim_id}"


class BankImport(models.Model):
    """One uploaded bank statement file; the same file (by content) is imported once."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    entries = models.PositiveIntegerField(default=0)
    booked = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    known = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "sha256"], name="bankimport_once")
        ]

    def __str__(self):
        return self.filename


class BankTransaction(models.Model):
    """A credit on the partnership's account from an imported statement. It is booked on a claim
    when its reference and amount match exactly; anything else waits for a decision."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        WAITING = "waiting", _("Waiting for a decision")
        SET_ASIDE = "set_aside", _("Set aside")

    class Reason(models.TextChoices):
        UNKNOWN = "unknown", _("The reference matches no claim")
        PARTIAL = "partial", _("Less than the amount due")
        OVERPAID = "overpaid", _("More than the amount due")
        CLOSED = "closed", _("The claim takes no payments")
        REVERSAL = "reversal", _("A reversal: the bank took the money back or returned it")
        CURRENCY = "currency", _("Not in euros")
        REFUSED = "refused", _("Could not be booked automatically")

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    bank_import = models.ForeignKey(
        BankImport, on_delete=models.PROTECT, related_name="transactions"
    )
    key = models.CharField(max_length=120)
    booked_on = models.DateField(_("booking date"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=140, blank=True)
    remittance = models.CharField(_("description"), max_length=500, blank=True)
    counterparty_name = models.CharField(_("from"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("from account"), max_length=34, blank=True)
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_transactions"
    )
    state = models.CharField(max_length=10, choices=State.choices)
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booked_on", "pk"]
        constraints = [
            # The same bank transaction, in this file or another, is taken in once.
            models.UniqueConstraint(fields=["partnership", "key"], name="banktransaction_once")
        ]

    def __str__(self):
        return f"{self.booked_on} {self.amount}"


class ClaimPayment(models.Model):
    """Money received on a claim, split when it is booked: first the collection costs (art. 6:44
    BW), then the direct damage, then the fixed amount, shared per the partnership's policy.
    That the parts add up to the amount is checked in bans.claims, not by a database constraint:
    SQLite compares decimal sums as floating point."""

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        CASH = "cash", _("Cash")
        CARD = "card", _("Card payment")
        AGENCY = "agency", _("Through the collection agency")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    bank_transaction = models.OneToOneField(
        BankTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )
    # What the payment paid off, and who gets it (the split is fixed when it is booked).
    costs_part = models.DecimalField(max_digits=10, decimal_places=2)
    damage_part = models.DecimalField(max_digits=10, decimal_places=2)
    fixed_part = models.DecimalField(max_digits=10, decimal_places=2)
    shop_amount = models.DecimalField(max_digits=10, decimal_places=2)
    admin_amount = models.DecimalField(max_digits=10, decimal_places=2)
    fund_amount = models.DecimalField(max_digits=10, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The form's one-time key: a double submit books the payment once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        indexes = [models.Index(fields=["paid_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claimpayment_positive"),
        ]

    def __str__(self):
        return f"{self.paid_on} {self.amount}"


class ClaimSettings(models.Model):
    """A partnership's rules for its civil claims: the fixed amount, the terms, the account the
    money goes to and how a paid fixed amount is shared. A partnership without a row has the
    defaults (``settings_for``); the settings page saves the row."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, primary_key=True, related_name="claim_settings"
    )
    fixed_amount = models.DecimalField(
        _("fixed civil claim (EUR)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("181.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    due_days = models.PositiveSmallIntegerField(
        _("days to pay a claim"), default=15, validators=[MinValueValidator(7)]
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("days to pay after a reminder"),
        default=14,
        # Statutory collection costs may only be charged 14 days after the reminder (6:96 BW).
        validators=[MinValueValidator(14)],
    )
    beneficiary = models.CharField(
        _("claims paid to (name)"),
        max_length=70,
        blank=True,
        help_text=_("The partnership or the collecting foundation, as the bank knows it."),
    )
    iban = models.CharField(
        _("claims paid to (IBAN)"), max_length=34, blank=True, validators=[validate_iban]
    )
    # How a paid fixed amount is shared; the area fund gets the rest. Direct damage goes to the
    # shop in full, collection costs to the administration.
    shop_percent = models.DecimalField(
        _("shop's share of the fixed amount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    admin_percent = models.DecimalField(
        _("administration fee (% of the fixed amount)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("claim settings")
        verbose_name_plural = _("claim settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(shop_percent__lte=Decimal("100") - F("admin_percent")),
                name="claimsettings_shares_at_most_100",
            )
        ]

    def __str__(self):
        return str(self.partnership_id)


def settings_for(partnership) -> ClaimSettings:
    """The partnership's claim settings, or the defaults (unsaved) when it never set any."""
    try:
        return partnership.claim_settings
    except ClaimSettings.DoesNotExist:
        return ClaimSettings(partnership=partnership)
