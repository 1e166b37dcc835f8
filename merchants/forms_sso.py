from urllib.parse import urlsplit

import requests
from django import forms
from django.utils.translation import gettext_lazy as _

from merchants.sso_models import SingleSignOn

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class SingleSignOnForm(forms.ModelForm):
    issuer = forms.URLField(
        label=_("issuer"),
        max_length=300,
        assume_scheme="https",
        help_text=_("The provider's address (its “iss”)."),
    )
    client_secret = forms.CharField(
        label=_("client secret"),
        max_length=300,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the secret saved before."),
    )

    class Meta:
        model = SingleSignOn
        fields = [
            "enabled",
            "name",
            "issuer",
            "client_id",
            "client_secret",
            "email_claim",
            "mfa_acr_values",
        ]

    def clean_issuer(self):
        issuer = self.cleaned_data["issuer"].rstrip("/")
        parts = urlsplit(issuer)
        if parts.scheme != "https" and parts.hostname not in LOOPBACK:
            raise forms.ValidationError(_("The issuer's address must start with https://."))
        # Ask the provider now, so that a typing error shows here and not at someone's login.
        try:
            answer = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
            answer.raise_for_status()
            found = answer.json().get("issuer", "").rstrip("/")
        except (requests.RequestException, ValueError):
            raise forms.ValidationError(
                _("No OpenID Connect provider answers at this address.")
            ) from None
        if found != issuer:
            raise forms.ValidationError(
                _("The provider calls itself %(found)s; enter that address.") % {"found": found}
            )
        return issuer

    def clean_client_secret(self):
        secret = self.cleaned_data["client_secret"]
        if not secret and self.instance.pk:
            return self.instance.client_secret
        if not secret:
            raise forms.ValidationError(_("Enter the client secret."))
        return secret
