import time
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings

from plumbing.http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are made by accepting an invitation (merchants.services)."""

    def is_open_for_signup(self, request):
        return False

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failed logins per account ("5/5m/key"): anyone who knows an officer's
        # address could keep the officer out by typing wrong passwords. Count them per account
        # and client address instead, so that a stranger's failures lock out only the stranger;
        # "10/m/ip" still slows one address trying many accounts.
        return (
            f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"
        )

    def get_login_stages(self):
        # allauth's TOTP step, but left out when the organisation's provider vouched for a
        # second factor (merchants.sso).
        return [
            "merchants.sso.SsoAwareAuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def send_mail(self, template_prefix, email, context):
        # allauth signs its mails with the request's host name ("kvo.example.nl"); ours carry the
        # product's name and the public address, also when sent from a background job.
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        # Continue in the language the person chose in its profile.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        return response

    # Adding the first factor and reading the recovery codes that setup generated. Deactivating a
    # factor or generating new codes always asks for the password again.
    FIRST_SETUP_PAGES = frozenset(
        {"mfa_activate_totp", "mfa_view_recovery_codes", "mfa_download_recovery_codes"}
    )

    def is_reauthentication_required(self, *, app, **kwargs):
        """Officers, administrators and coordinators are sent to the TOTP setup straight after
        logging in (kvo.middleware). Asking for the password they typed seconds ago helps nobody,
        so within a few minutes of a password login the first-setup pages count as authenticated.
        A factor that existed before that login is only changed after typing the password again."""
        if app == "allauth.mfa" and self._first_setup_right_after_login():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _first_setup_right_after_login(self):
        request = getattr(self, "request", None)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name not in self.FIRST_SETUP_PAGES:
            return False
        recent = time.time() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
        logins = [
            record["at"]
            for record in get_authentication_records(request, user)
            # A password, or the organisation's provider (merchants.sso): either way, just now.
            if record.get("method") in ("password", "socialaccount")
            and record.get("at", 0) > recent
        ]
        if not logins:
            return False
        logged_in_at = datetime.fromtimestamp(max(logins), tz=UTC)
        return not Authenticator.objects.filter(user=user, created_at__lt=logged_in_at).exists()
