from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merchants.models import ShoppingArea

_DATE = {"type": "date"}
LONGEST_PERIOD_DAYS = 10 * 366
EARLIEST = date(2000, 1, 1)


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
        today = timezone.localdate()
        for name in ("start", "end"):
            day = data.get(name)
            if day and not (EARLIEST <= day <= today.replace(year=today.year + 1)):
                self.add_error(name, _("Choose a date between 2000 and next year."))
                data[name] = None
        start, end = data.get("start"), data.get("end") or today
        if start:
            if start > end:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end - start).days > LONGEST_PERIOD_DAYS:
                raise forms.ValidationError(_("Choose a period of at most ten years."))
        return data
