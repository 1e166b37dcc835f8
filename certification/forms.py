from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from certification.models import DossierItem, DossierItemKind, PartnerType, SafetyMeasure

_DATE = {"type": "date"}


class CertificateForm(forms.Form):
    prefix = "certificate"
    stars = forms.IntegerField(label=_("Stars"), min_value=1, max_value=5)
    issued_on = forms.DateField(label=_("Issued on"), widget=forms.DateInput(attrs=_DATE))
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs=_DATE),
        help_text=_("Leave empty for three years."),
    )
    scheme_version = forms.CharField(label=_("Scheme version"), max_length=20, initial="KVO 4.0")
    certifying_body = forms.CharField(label=_("Certifying body"), max_length=120)
    document = forms.FileField(label=_("Certificate (PDF)"), required=False)

    def clean(self):
        data = super().clean()
        issued, until = data.get("issued_on"), data.get("valid_until")
        for name, day in (("issued_on", issued), ("valid_until", until)):
            if day and not date(1990, 1, 1) <= day <= date(2100, 12, 31):
                self.add_error(name, _("Enter a date between 1990 and 2100."))
                return data
        if issued and issued > date.today() + timedelta(days=366):
            self.add_error("issued_on", _("That date is more than a year ahead."))
            return data
        if issued and until and until <= issued:
            self.add_error("valid_until", _("A certificate cannot end before it was issued."))
        return data


class DossierItemForm(forms.Form):
    prefix = "item"
    kind = forms.ChoiceField(label=_("What"), choices=DossierItemKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=_DATE))
    title = forms.CharField(label=_("Title"), max_length=200)
    notes = forms.CharField(
        label=_("Findings or key results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attendance = forms.MultipleChoiceField(
        label=_("Present (meetings)"),
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    document = forms.FileField(label=_("Document (PDF)"), required=False)


class SafetyMeasureForm(forms.Form):
    prefix = "matrix"
    description = forms.CharField(label=_("Measure"), max_length=300)
    theme = forms.ChoiceField(label=_("Theme"), choices=SafetyMeasure.Theme.choices)
    owner = forms.CharField(label=_("Owner"), max_length=120)
    status = forms.ChoiceField(label=_("Status"), choices=SafetyMeasure.Status.choices)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs=_DATE))
    meeting = forms.ModelChoiceField(
        label=_("Agreed at meeting"), queryset=DossierItem.objects.none(), required=False
    )

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = area.dossier_items.filter(kind=DossierItemKind.MEETING)


class SafetyMeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=SafetyMeasure.Status.choices)
