from urllib.parse import urlsplit

import requests
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from merchants.sso_models import SingleSignOn
from plumbing import outbound


class SingleSignOnForm(forms.ModelForm):
    issuer = forms.URLField(
        label=_("Issuer"),
        max_length=300,
        assume_scheme="https",
        help_text=_("The provider's address (its “iss”)."),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
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
        local = settings.SSO_LOCAL_PROVIDERS
        if urlsplit(issuer).scheme != "https" and not local:
            raise forms.ValidationError(_("The issuer's address must start with https://."))
        # Ask the provider now, so that a typing error shows here and not at someone's login;
        # on public addresses only, without following redirects (plumbing.outbound).
        try:
            with outbound.session(allow_local=local) as http:
                answer = http.get(
                    f"{issuer}/.well-known/openid-configuration", timeout=5, allow_redirects=False
                )
            answer.raise_for_status()
            found = answer.json()
        except (requests.RequestException, ValueError):
            raise forms.ValidationError(
                _("No OpenID Connect provider answers at this address.")
            ) from None
        if not isinstance(found, dict) or str(found.get("issuer", "")).rstrip("/") != issuer:
            raise forms.ValidationError(
                _("The provider calls itself %(found)s; enter that address.")
                % {"found": found.get("issuer", "?") if isinstance(found, dict) else "?"}
            )
        for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not str(found.get(endpoint, "")).startswith("https://" if not local else "http"):
                raise forms.ValidationError(
                    _("The provider's %(endpoint)s is missing or not https.")
                    % {"endpoint": endpoint}
                )
        return issuer

    def clean_client_secret(self):
        secret = self.cleaned_data["client_secret"]
        if not secret and self.instance.pk:
            return self.instance.client_secret
        if not secret:
            raise forms.ValidationError(_("Enter the client secret."))
        return secret
