from django import forms
from django.utils.translation import gettext_lazy as _

from bans.models import MeasureKind, Person, SubjectRequest


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


class AccessLogFilterForm(forms.Form):
    person = forms.IntegerField(label=_("Person number"), required=False, min_value=1)
    user = forms.ModelChoiceField(
        label=_("User"), queryset=None, required=False, empty_label=_("Everyone")
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, partnership, **kwargs):
        from merchants.models import User

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(memberships__partnership=partnership)
            .distinct()
            .order_by("full_name", "email")
        )


class SubjectRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=SubjectRequest.Kind.choices)
    requester = forms.CharField(label=_("Requested by"), max_length=200)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    person = forms.IntegerField(
        label=_("Person number"),
        required=False,
        min_value=1,
        help_text=_(
            "The number on the person's page, when the request concerns someone in the register."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
