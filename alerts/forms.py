from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from alerts.models import WARNING_DURATIONS, AlertSettings
from alerts.warnings import MAX_DESCRIPTION
from bans.selectors import gallery_people


def _duration_label(minutes):
    if minutes < 60:
        return ngettext_lazy("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    return ngettext_lazy("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


class WarningForm(forms.Form):
    shop = forms.ModelChoiceField(label=_("From"), queryset=None, empty_label=None)
    description = forms.CharField(
        label=_("Who, and what are they doing?"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What others can recognise: clothes, build, direction. No name unless the person is "
            "in the gallery; no guesses."
        ),
    )
    minutes = forms.TypedChoiceField(
        label=_("Active for"),
        coerce=int,
        initial=60,
        choices=[(m, _duration_label(m)) for m in WARNING_DURATIONS],
        widget=forms.RadioSelect,
    )
    person = forms.TypedChoiceField(
        label=_("Person in the gallery (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "Only when you recognise someone from the gallery: the warning links to the card."
        ),
    )

    def __init__(self, *args, shops, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops
        if len(shops) == 1:
            self.fields["shop"].widget = forms.HiddenInput()
            self.fields["shop"].initial = shops[0].pk
        # Collective measures only: every shop of the area sees those in its gallery, not one
        # shop's own ban.
        people = gallery_people(partnership, day=timezone.localdate())
        self.fields["person"].choices = [("", _("Nobody from the gallery"))] + [
            (p.pk, p.display_name) for p in sorted(people, key=lambda p: p.display_name)
        ]


class AlertSettingsForm(forms.ModelForm):
    class Meta:
        model = AlertSettings
        fields = ["sightings_to_shops", "warnings_from_shops", "warnings_per_hour", "sms_fallback"]
