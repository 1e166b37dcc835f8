from allauth.mfa.models import Authenticator
from django.shortcuts import redirect
from django.urls import reverse

from merchants.access import mfa_required

# Pages a person without a second factor still needs on the way to setting one up.
_ALLOWED_URL_NAMES = {
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account_confirm_email",
    "switch_language",
    "healthz",
}


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class EnforceMFAMiddleware:
    """Officers, administrators and coordinators must set up TOTP before they can do anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or request.path.startswith("/static/"):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in _ALLOWED_URL_NAMES:
            return None
        if mfa_required(user) and not has_totp(user):
            return redirect(reverse("mfa_activate_totp"))
        return None
