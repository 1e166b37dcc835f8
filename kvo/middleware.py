import logging
import time
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from merchants.access import mfa_required
from plumbing.logs import bind_request_id, new_request_id, unbind_request_id

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
        if mfa_required(user) and not has_totp(user) and not used_second_factor(request):
            # A login through the organisation's provider with its second factor counts; any
            # other login sets up TOTP first.
            return redirect(reverse("mfa_activate_totp"))
        if (
            user.is_staff
            and match is not None
            and match.app_name == "admin"
            and not used_second_factor(request, own_only=True)
        ):
            # The Django admin reaches every partnership's data: staff get in only with a second
            # factor proven in this very session (others the admin itself refuses).
            if not has_totp(user):
                return redirect(reverse("mfa_activate_totp"))
            return redirect(
                f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}"
            )
        return None


def used_second_factor(request, own_only=False) -> bool:
    """Whether this session's login (or a later re-authentication) included TOTP, a recovery
    code, or a single sign-on whose provider vouched for a second factor, as allauth records it.
    `own_only`: the provider's word does not count (the Django admin wants our own TOTP)."""
    records = get_authentication_records(request, request.user)
    return any(
        record.get("method") == "mfa" and not (own_only and record.get("type") == "sso")
        for record in records
    )


access_logger = logging.getLogger("kvo.access")


class RequestLogMiddleware:
    """Gives every request an id (kept for its log lines and returned in ``X-Request-ID``) and
    writes one access line per request: method, path without the query string, status, time and
    the user's id. gunicorn's own access log stays off, since it would print query strings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        token = bind_request_id(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            unbind_request_id(token)


class PermissionsPolicyMiddleware:
    """Switches off the browser features the product never uses (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SignOnFormActionMiddleware:
    """A page with single sign-on buttons (merchants/templatetags/sign_on.py) posts to us, and we
    send the browser on to the provider: the page's CSP form-action must allow the providers'
    origins, which the tag leaves on the request. Sits after CSPMiddleware, so that it adds to the
    response before the policy is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = getattr(request, "sign_on_origins", None)
        if origins:
            response._csp_update = {"form-action": sorted(origins)}
        return response
