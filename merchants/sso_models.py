"""A partnership's single sign-on: the OpenID Connect provider of the organisation its officers,
administrators, coordinators and auditors come from (merchants.sso)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from merchants.models import Partnership


class SingleSignOn(models.Model):
    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="single_sign_on"
    )
    enabled = models.BooleanField(_("in use"), default=False)
    name = models.CharField(
        _("name on the button"),
        max_length=60,
        help_text=_("As people know it, such as “Politie-account” or “Gemeente Deventer”."),
    )
    issuer = models.URLField(
        _("issuer"), max_length=300, help_text=_("The provider's address (its “iss”).")
    )
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret = models.CharField(_("client secret"), max_length=300)
    email_claim = models.CharField(
        _("claim with the email address"),
        max_length=60,
        default="email",
        help_text=_("The claim that holds the address people were invited with."),
    )
    mfa_acr_values = models.CharField(
        _("acr values that mean two-factor"),
        max_length=300,
        blank=True,
        help_text=_(
            "Separated by spaces. Besides these, a login counts as two-factor when the provider's "
            "“amr” names a second factor (mfa, otp, hwk, sc, fpt, face)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("single sign-on")
        verbose_name_plural = _("single sign-ons")

    def __str__(self):
        return f"{self.name} ({self.partnership})"

    @property
    def provider_id(self) -> str:
        return f"kvo-{self.partnership.slug}"
