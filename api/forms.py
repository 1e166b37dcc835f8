from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiClient, Scope
from merchants.models import Shop


class ShopChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, shop):
        return f"{shop.name} · {shop.area.name}"


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    shops = ShopChoice(
        label=_("Its shops"),
        queryset=Shop.objects.none(),
        required=False,
        # A chain may have a few of the partnership's 300 shops: find them by name or area.
        widget=forms.CheckboxSelectMultiple(
            attrs={"data-filter-list": "", "data-filter-label": _("Find a shop or an area")}
        ),
        help_text=_("For filing and reading reports: the shops of the chain or system."),
    )
    days = forms.IntegerField(
        label=_("Token valid for (days)"), min_value=1, max_value=730, initial=365
    )

    class Meta:
        model = ApiClient
        fields = ["name", "scopes", "shops"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shops"].queryset = (
            Shop.objects.in_partnership(partnership)
            .filter(active=True)
            .select_related("area")
            .order_by("name", "pk")
        )

    def clean(self):
        data = super().clean()
        incident_scopes = {Scope.INCIDENTS_WRITE, Scope.INCIDENTS_READ}
        if incident_scopes & set(data.get("scopes") or ()) and not data.get("shops"):
            self.add_error("shops", _("A client that files or reads reports needs its shops."))
        return data


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Webhook address"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_(
            "The client's system hears here of its shops' case changes. Leave empty to stop."
        ),
    )

    def clean_url(self):
        from api.webhooks import AddressError, check_address

        url = self.cleaned_data["url"]
        if url:
            try:
                check_address(url)
            except AddressError as error:
                raise forms.ValidationError(str(error)) from None
        return url
