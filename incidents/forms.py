import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import (
    ContactKind,
    HearingKind,
    Incident,
    IncidentType,
    PoliceReport,
    PoliceStage,
    ReportChannel,
    Settlement,
)
from incidents.police import next_stages
from incidents.services import MAX_PHOTOS
from incidents.workflow import Status, allowed_next
from merchants.models import Shop, ShoppingArea
from plumbing.images import ImageRejected, process_upload

# Shown the Dutch way and typed in one field: a datetime-local input is seven stops on the
# keyboard in Chromium (day, month, year, hours, minutes, the picker), this is one.
DATETIME_SHOWN = "%d-%m-%Y %H:%M"
DATETIME_FORMATS = [
    DATETIME_SHOWN,
    "%d-%m-%Y %H.%M",
    "%d/%m/%Y %H:%M",
    "%d-%m-%y %H:%M",
    "%Y-%m-%dT%H:%M",  # what a datetime-local input sends (older pages, scripts)
    "%Y-%m-%d %H:%M",
]
# Phone clocks run a little ahead of the server now and then.
CLOCK_SLACK = timedelta(minutes=5)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS images; each goes through plumbing.images (content check, no EXIF)."""

    # No `capture`: on phones it opens only the camera, and staff often attach CCTV stills.
    widget = MultiplePhotoInput(attrs={"accept": "image/*"})

    # The photos that passed their check, also when another one did not: the form keeps them.
    accepted = ()

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Add at most %(count)s photos.") % {"count": MAX_PHOTOS}, code="too_many"
            )
        processed, errors = [], []
        for upload in files:
            try:
                processed.append(process_upload(upload, name=upload.name))
            except ImageRejected as rejection:
                errors.append(str(rejection))
        self.accepted = processed
        if errors:
            raise forms.ValidationError(errors)
        return processed


class DateTimeField(forms.DateTimeField):
    """A date and time in one text field, "07-12-2026 14:32"."""

    widget = forms.DateTimeInput(
        attrs={"autocomplete": "off", "spellcheck": "false", "class": "input--datetime"},
        format=DATETIME_SHOWN,
    )

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("Day-month-year hours:minutes, for example 07-12-2026 14:30.")
        )
        super().__init__(input_formats=DATETIME_FORMATS, **kwargs)
        self.error_messages["invalid"] = _(
            "Write the date and time as day-month-year hours:minutes, for example 07-12-2026 14:30."
        )


class ReportForm(forms.ModelForm):
    required_css_class = "required"
    shop = forms.ModelChoiceField(label=_("Shop"), queryset=None)
    occurred_at = DateTimeField(label=_("Date and time"))
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 6 CCTV stills or phone photos (JPEG, PNG or WebP, at most 15 MB each)."),
    )
    remove_photos = forms.TypedMultipleChoiceField(
        label=_("Remove"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = Incident
        fields = [
            "kind",
            "occurred_at",
            "description",
            "goods_value",
            "goods_recovered",
            "caught_in_act",
            "police_called",
            "police_report",
            "police_report_channel",
            "police_report_number",
            "person_description",
            "person_age",
            "person_clothing",
            "person_name",
            "person_birth_date",
            "witness",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "police_report": forms.RadioSelect,
            "police_report_channel": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "person_description": forms.Textarea(attrs={"rows": 3}),
            "goods_value": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            "person_age": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "person_birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "person_description": _(
                "Build, hair, anything that stands out. Do not record ethnicity, religion, health "
                "or other sensitive characteristics."
            ),
            "person_name": _("Only when you know it for certain, for example from an ID."),
        }

    def __init__(self, *args, shops, kept=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.show_kept(kept)
        self.fields["shop"].queryset = shops
        # One shop: chosen already. Several: the person chooses, nothing is preselected.
        self.fields["shop"].empty_label = None if len(shops) == 1 else _("Choose the shop")
        self.fields["kind"].choices = self.fields["kind"].choices[1:]  # no empty radio
        self.fields["police_report"].choices = PoliceReport.choices
        # Legally relevant (a civil claim needs an aangifte): the reporter answers, nothing is
        # pre-set, although the model's default for reports made elsewhere stays "no".
        self.fields["police_report"].initial = None
        self.fields["police_report_channel"].choices = ReportChannel.choices
        self.fields["police_report_channel"].label = _("How did you file it?")
        # Shop staff type "41,85": read the amount in the active language's notation.
        self.fields["goods_value"].localize = True
        self.order_fields(["shop", "kind", "occurred_at", "description"])

    def show_kept(self, kept):
        """The photos kept from an earlier attempt: shown with a remove box each, and counted."""
        self.kept = list(kept)
        self.fields["remove_photos"].choices = [(photo.pk, photo.pk) for photo in self.kept]
        if self.kept:
            self.fields["photos"].help_text = _(
                "Your photos from before are kept. Add more, up to 6 in all, or remove one."
            )

    def kept_to_use(self):
        removed = set(self.cleaned_data.get("remove_photos") or ())
        return [photo for photo in self.kept if photo.pk not in removed]

    def kept_removed(self):
        removed = set(self.cleaned_data.get("remove_photos") or ())
        return [photo for photo in self.kept if photo.pk in removed]

    def clean_submission_key(self):
        # A lost or tampered key must not block the report; it only loses double-submit safety.
        try:
            return uuid.UUID(self.cleaned_data.get("submission_key") or "")
        except ValueError:
            return uuid.uuid4()

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        now = timezone.now()
        if value > now + CLOCK_SLACK:
            raise forms.ValidationError(_("The date and time cannot lie in the future."))
        if value < now - timedelta(days=365):
            raise forms.ValidationError(_("Report incidents of the past year only."))
        return value

    def clean_person_birth_date(self):
        value = self.cleaned_data.get("person_birth_date")
        if value and not (timezone.localdate().year - 110 <= value.year):
            raise forms.ValidationError(_("Check the date of birth."))
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot lie in the future."))
        return value

    def clean(self):
        data = super().clean()
        if "photos" in data and len(data["photos"]) + len(self.kept_to_use()) > MAX_PHOTOS:
            message = _("Add at most %(count)s photos in all.") % {"count": MAX_PHOTOS}
            self.add_error("photos", forms.ValidationError(message, code="too_many"))
        if data.get("police_report") == PoliceReport.YES and not data.get("police_report_number"):
            self.add_error(
                "police_report_number",
                _("Fill in the registration number you received from the police."),
            )
        if data.get("police_report") == PoliceReport.YES and not data.get("police_report_channel"):
            self.add_error("police_report_channel", _("Say how you filed the report."))
        if data.get("police_report") != PoliceReport.YES:
            data["police_report_channel"] = ""
        return data

    def incident_fields(self):
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields}


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    public_note = forms.CharField(
        label=_("Note for the shop"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The shop sees this note in the timeline and in the email."),
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, Status(s).label) for s in allowed_next(incident.status)]


class FilingForm(forms.Form):
    """How the shop filed its report to the police, and the number it got."""

    channel = forms.ChoiceField(
        label=_("How was the report filed?"),
        choices=ReportChannel.choices,
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(
        label=_("Police registration number"),
        max_length=40,
        help_text=_("The number on the confirmation from the police."),
    )


class PoliceStepForm(forms.Form):
    """The officer's next step of the report to the police."""

    stage = forms.ChoiceField(label=_("New stage"))
    hearing_kind = forms.ChoiceField(
        label=_("Kind of hearing"),
        choices=[("", "—"), *HearingKind.choices],
        required=False,
    )
    hearing_at = DateTimeField(label=_("Date and time of the hearing"), required=False)
    settlement = forms.ChoiceField(
        label=_("How it was settled"), choices=[("", "—"), *Settlement.choices], required=False
    )
    public_note = forms.CharField(
        label=_("Note for the shop"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The shop sees this note in the timeline."),
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (stage, PoliceStage(stage).label) for stage in next_stages(incident.police_stage)
        ]

    def clean(self):
        data = super().clean()
        stage = data.get("stage")
        if stage == PoliceStage.HEARING:
            if not data.get("hearing_kind"):
                self.add_error("hearing_kind", _("Choose the kind of hearing."))
            if not data.get("hearing_at") and "hearing_at" not in self.errors:
                self.add_error("hearing_at", _("Fill in the date and time of the hearing."))
            moment = data.get("hearing_at")
            if moment and abs(moment - timezone.now()) > timedelta(days=366):
                self.add_error("hearing_at", _("The hearing lies more than a year away."))
        if stage == PoliceStage.SETTLED and not data.get("settlement"):
            self.add_error("settlement", _("Say how the case was settled."))
        return data


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("How"), choices=ContactKind.choices)
    contacted_at = DateTimeField(label=_("When"))
    note = forms.CharField(
        label=_("Note on the contact"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_contacted_at(self):
        value = self.cleaned_data["contacted_at"]
        if value > timezone.now() + CLOCK_SLACK:
            raise forms.ValidationError(_("A contact moment cannot lie in the future."))
        return min(value, timezone.now())


class InternalNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only officers and administrators see internal notes."),
    )


# Filter values beyond a single type or status, for the lists behind the dashboard's figures.
THEFTS = "thefts"
ALL_CASES = "all"


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Case number or shop"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "DEV-000123"}),
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=None, required=False, empty_label=_("All areas")
    )
    # Kept for links that name one shop (?shop=<id>); people search shops by name in `q`: a list
    # of 320 shops is no filter.
    shop = forms.ModelChoiceField(
        label=_("Shop"), queryset=None, required=False, widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(label=_("Type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    aangifte = forms.ChoiceField(
        label=_("Police report"),
        required=False,
        choices=[
            ("", _("With and without")),
            ("yes", _("With police report")),
            ("no", _("Without police report")),
        ],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ShoppingArea.objects.filter(partnership=partnership)
        self.fields["shop"].queryset = Shop.objects.in_partnership(partnership)
        self.fields["kind"].choices = [
            ("", _("All types")),
            (THEFTS, _("Theft and attempted theft")),
            *IncidentType.choices,
        ]
        self.fields["status"].choices = [
            ("", _("All open cases")),
            (ALL_CASES, _("All cases, open and closed")),
            *Status.choices,
        ]


class ExportForm(forms.Form):
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
