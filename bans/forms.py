from django import forms
from django.utils.translation import gettext_lazy as _

from bans.models import MeasureKind, Person


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "display_name",
            "description",
            "full_name",
            "birth_date",
            "birth_place",
            "address",
            "residence",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class OverrideForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    months = forms.IntegerField(label=_("Term in months"), min_value=1, max_value=24, initial=12)
    reason = forms.CharField(
        label=_("Reason for deciding otherwise"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
