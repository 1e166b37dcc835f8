from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merchants.models import ShoppingArea

_DATE = {"type": "date"}
LONGEST_PERIOD_DAYS = 10 * 366


class DashboardFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=None, required=False, empty_label=_("All areas")
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs=_DATE))
    end = forms.DateField(
        label=_("Up to and including"), required=False, widget=forms.DateInput(attrs=_DATE)
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ShoppingArea.objects.filter(partnership=partnership)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end") or timezone.localdate()
        if start:
            if start > end:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end - start).days > LONGEST_PERIOD_DAYS:
                raise forms.ValidationError(_("Choose a period of at most ten years."))
        return data
