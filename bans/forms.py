import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bans.models import (
    AccessReviewSettings,
    IdentityRequest,
    LegalGround,
    MeasureKind,
    Objection,
    Person,
    SubjectRequest,
)


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


class IdentityRequestForm(forms.ModelForm):
    """What the police are asked, on what ground, and where to."""

    class Meta:
        model = IdentityRequest
        fields = [
            "legal_ground",
            "explanation",
            "ask_name",
            "ask_address",
            "ask_birth_date",
            "mailbox",
            "remind_after_days",
        ]
        widgets = {
            "legal_ground": forms.RadioSelect,
            "explanation": forms.Textarea(attrs={"rows": 2}),
            "mailbox": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "mailbox": _("The police team's functional mailbox that handles these requests."),
            "remind_after_days": _("A reminder goes to the mailbox when no answer came by then."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_ground"].choices = LegalGround.choices

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("ask_name", "ask_address", "ask_birth_date")):
            raise forms.ValidationError(_("Ask for at least one thing."))
        if data.get("legal_ground") == LegalGround.OTHER and not data.get("explanation"):
            self.add_error("explanation", _("Explain the ground of the request."))
        return data


class IdentityAnswerForm(forms.Form):
    """The police's answer: the identity goes to the person, never into the request."""

    outcome = forms.ChoiceField(
        label=_("Answer"),
        widget=forms.RadioSelect,
        choices=[
            (IdentityRequest.Status.ANSWERED, _("The police gave the details")),
            (IdentityRequest.Status.REFUSED, _("The police did not give them")),
            (IdentityRequest.Status.WITHDRAWN, _("We withdraw the request")),
        ],
    )
    answered_on = forms.DateField(
        label=_("Answer received on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    residence = forms.CharField(label=_("Residence"), max_length=100, required=False)

    def __init__(self, *args, request, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if len(people) > 1:
            # Several people in the case: the officer says who the answer is about.
            self.fields["person"] = forms.ModelChoiceField(
                label=_("Who the answer is about"),
                queryset=Person.objects.filter(pk__in=[p.pk for p in people]),
                required=False,
                empty_label=None,
                widget=forms.RadioSelect,
            )
            self.order_fields(["outcome", "answered_on", "person"])

    def clean(self):
        data = super().clean()
        if data.get("outcome") != IdentityRequest.Status.ANSWERED:
            return data
        if "person" in self.fields and not data.get("person") and "person" not in self.errors:
            self.add_error("person", _("Choose who the answer is about."))
        today = timezone.localdate()
        answered = data.get("answered_on")
        if not answered and "answered_on" not in self.errors:
            self.add_error("answered_on", _("Fill in when the answer came."))
        elif answered and answered > today:
            self.add_error("answered_on", _("This date lies in the future."))
        elif answered and answered < timezone.localdate(self.request.created_at):
            self.add_error("answered_on", _("The answer cannot be older than the request."))
        if not data.get("full_name"):
            self.add_error("full_name", _("An answer names the person: fill in the full name."))
        born = data.get("birth_date")
        if born and not (today.year - 110 <= born.year and born <= today):
            self.add_error("birth_date", _("Check the date of birth."))
        return data

    def identity(self):
        names = ("full_name", "birth_date", "address", "residence")
        return {name: self.cleaned_data.get(name) for name in names}


# "DEV-M000123", "M123" or "123": ASCII digits only (str.isdigit takes "²" too).
MEASURE_REFERENCE = re.compile(r"(?:[A-Za-z]{2,6}-)?[Mm]?0*([0-9]{1,12})")


class ObjectionEntryForm(forms.Form):
    """A letter or email objecting to a measure, entered by the administrator."""

    measure = forms.CharField(
        label=_("Reference of the measure"),
        max_length=30,
        help_text=_("As on the notice letter, for example DEV-M000123."),
    )
    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[c for c in Objection.Channel.choices if c[0] != Objection.Channel.ONLINE],
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    objector = forms.CharField(
        label=_("Objection made by"),
        max_length=200,
        help_text=_("The person, or their lawyer or representative, by name."),
    )
    contact = forms.CharField(
        label=_("Where the decision goes"), max_length=300, help_text=_("Postal or email address.")
    )
    grounds = forms.CharField(
        label=_("Grounds of the objection"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_measure(self):
        found = MEASURE_REFERENCE.fullmatch(self.cleaned_data["measure"].strip())
        if found is None:
            raise forms.ValidationError(_("Write the reference as on the letter: DEV-M000123."))
        self.cleaned_data["measure_number"] = int(found[1])
        return self.cleaned_data["measure"]

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("This date lies in the future."))
        return value


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Objection.Status.UPHELD, _("Upheld: revoke the measure")),
            (Objection.Status.REJECTED, _("Rejected: the measure stands")),
            (
                Objection.Status.MISTAKEN,
                _("Mistaken identity: revoke every measure, delete the photos, tell the shops"),
            ),
        ],
    )
    reason = forms.CharField(
        label=_("Reasons"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("They are in the decision letter to the person."),
    )


class PublicObjectionForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the letter"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("Ten letters and digits, for example K7M4Q-9XD2P."),
    )
    birth_date = forms.DateField(
        label=_("Your date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    objector = forms.CharField(
        label=_("Your name"),
        max_length=200,
        help_text=_("Or the name of your lawyer, if a lawyer objects for you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact = forms.CharField(
        label=_("Where we send the decision"),
        max_length=300,
        help_text=_("Your postal address or email address."),
    )
    grounds = forms.CharField(
        label=_("Why you object"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class AccessReviewSettingsForm(forms.ModelForm):
    class Meta:
        model = AccessReviewSettings
        fields = ["people_at_once", "window_minutes", "night_from", "night_until", "flag_exports"]

    def clean(self):
        data = super().clean()
        if data.get("night_from") is not None and data.get("night_from") == data.get("night_until"):
            self.add_error("night_until", _("The night needs an end other than its start."))
        return data
