from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MerchantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "merchants"
    verbose_name = _("Partnerships and shops")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from merchants import sessions

        # Login and logout have no service of ours to call: allauth drives them.
        user_logged_in.connect(_logged_in, dispatch_uid="kvo_record_login")
        user_logged_out.connect(_logged_out, dispatch_uid="kvo_record_logout")
        self.sessions = sessions
        _label_allauth_fields()


def _label_allauth_fields():
    """allauth's form for sending a code to confirm access leaves its one field without a label,
    so the page said "Recipient:" in English whatever the language."""
    from allauth.account.forms import RequestReauthenticationCodeForm

    RequestReauthenticationCodeForm.base_fields["recipient"].label = _("Send the code to")


def _logged_in(sender, request, user, **kwargs):
    from merchants.sessions import record_login

    if request is not None and hasattr(request, "session"):
        record_login(request, user)


def _logged_out(sender, request, user, **kwargs):
    from merchants.sessions import record_logout

    if request is not None:
        record_logout(request)
