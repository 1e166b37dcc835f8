import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import ClaimPayment, ClaimSettings, ClaimStatus
from plumbing.epc import IBANError, normalise_iban


def _euros(label, **kwargs):
    """Euros as typed by a Dutch user ("24,95"), two decimals at most."""
    return forms.DecimalField(
        label=label,
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        error_messages={"min_value": _("Enter an amount above zero.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


class DamageLineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    amount = _euros(_("Amount (EUR)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("description") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount of this damage."))
        if data.get("amount") is not None and not data.get("description"):
            self.add_error("description", _("Describe what this amount is for."))
        return data


DamageLineFormSet = forms.formset_factory(DamageLineForm, extra=3, max_num=10, validate_max=True)


class SendClaimForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person (optional)"),
        required=False,
        help_text=_("With an address the letter is also emailed; print it to hand it over."),
    )


class ClaimPaymentForm(forms.Form):
    prefix = "payment"
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    amount = _euros(_("Amount (EUR)"))
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    method = forms.ChoiceField(label=_("Paid by"), choices=ClaimPayment.Method.choices)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be dated in the future."))
        return paid_on


class ClaimCreditForm(forms.Form):
    prefix = "credit"
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    amount = _euros(_("Credit (EUR)"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


MAX_STATEMENT_BYTES = 10 * 1024 * 1024


class BankImportForm(forms.Form):
    statement = forms.FileField(
        label=_("Bank statement (CAMT.053 XML)"),
        help_text=_("Download it from your bank's business banking as CAMT.053 (XML)."),
    )

    def clean_statement(self):
        upload = self.cleaned_data["statement"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 10 MB; export a shorter period from the bank.")
            )
        return upload


class BookTransactionForm(forms.Form):
    claim_number = forms.CharField(
        label=_("Claim number"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to book it on the claim found by its reference."),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)


class ClaimFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or name"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *ClaimStatus.choices], required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Up to and including"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class ClaimSettingsForm(forms.ModelForm):
    class Meta:
        model = ClaimSettings
        fields = [
            "fixed_amount",
            "beneficiary",
            "iban",
            "due_days",
            "reminder_days",
            "shop_percent",
            "admin_percent",
        ]
        widgets = {
            "fixed_amount": forms.TextInput(attrs={"inputmode": "decimal"}),
            "shop_percent": forms.TextInput(attrs={"inputmode": "decimal"}),
            "admin_percent": forms.TextInput(attrs={"inputmode": "decimal"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("fixed_amount", "shop_percent", "admin_percent"):
            self.fields[name].localize = True

    def clean_iban(self):
        value = self.cleaned_data["iban"]
        try:
            return normalise_iban(value) if value else ""
        except IBANError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def clean_beneficiary(self):
        value = " ".join(self.cleaned_data["beneficiary"].split())  # no line breaks
        return value

    def clean(self):
        data = super().clean()
        if data.get("iban") and not data.get("beneficiary"):
            self.add_error("beneficiary", _("Enter the name of the account holder of this IBAN."))
        shop, admin = data.get("shop_percent"), data.get("admin_percent")
        if shop is not None and admin is not None and shop + admin > 100:
            raise forms.ValidationError(
                _("The shop's share and the administration fee together exceed 100%.")
            )
        return data
