"""Single sign-on with OpenID Connect, per partnership, through allauth's openid_connect provider.

- Each partnership's ``SingleSignOn`` becomes an allauth app (``SsoAdapter.list_apps``) with the
  provider id ``kvo-<slug>``; nothing is stored in allauth's SocialApp table.
- Only the roles that come from an organisation log in this way (``SSO_ROLES``). A login is
  linked only to an account with such a membership in that partnership, or to a pending invitation
  for such a role, opened from its link in this browser (``SESSION_INVITATION``); the address comes
  from the configured claim and must not be marked unverified. Anyone else gets a refusal page
  and no account.
- The second factor keeps its meaning: a login counts as two-factor only where the provider's
  ID token says so (``amr`` names a second factor, or ``acr`` is one the partnership listed). It
  is then recorded as allauth records a TOTP login; otherwise allauth asks for the account's own
  TOTP, or the account sets one up first (kvo.middleware).
"""

import json

from allauth.account.internal.flows.login import record_authentication
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.shortcuts import render

from merchants import access, services
from merchants.models import Invitation, Membership
from merchants.roles import Role
from merchants.sso_models import SingleSignOn

SSO_ROLES = frozenset({Role.OFFICER, Role.ADMINISTRATOR, Role.COORDINATOR, Role.AUDITOR})
SESSION_INVITATION = "kvo_sso_invitation"
SECOND_FACTORS = frozenset({"mfa", "otp", "hwk", "sc", "fpt", "face", "iris", "retina"})
ASK_FOR_FACTORS = json.dumps({"id_token": {"amr": None, "acr": None}}, separators=(",", ":"))


def configurations(request=None):
    return SingleSignOn.objects.filter(enabled=True, partnership__active=True).select_related(
        "partnership"
    )


def as_app(sso: SingleSignOn) -> SocialApp:
    return SocialApp(
        provider="openid_connect",
        provider_id=sso.provider_id,
        name=sso.name,
        client_id=sso.client_id,
        secret=sso.client_secret,
        settings={
            "server_url": sso.issuer,
            "oauth_pkce_enabled": True,
            # Ask for amr and acr in the ID token (OpenID Connect Core 5.5): whether the person
            # used a second factor decides whether the app asks for its own.
            "auth_params": {"claims": ASK_FOR_FACTORS},
            "kvo_sso": sso.pk,
        },
    )


def claims_of(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}


def counts_as_two_factor(sso: SingleSignOn, claims: dict) -> bool:
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if SECOND_FACTORS & {str(value).lower() for value in amr}:
        return True
    listed = set(sso.mfa_acr_values.split())
    return bool(listed) and str(claims.get("acr", "")) in listed


def _refuse(request, sso, reason):
    services.log_action(
        "merchants.sso.refused", partnership=sso.partnership, data={"reason": reason}
    )
    context = {"sso": sso, "reason": reason}
    raise ImmediateHttpResponse(render(request, "account/sso_refused.html", context, status=403))


def _has_sso_membership(user, partnership) -> bool:
    return Membership.objects.filter(
        user=user, partnership=partnership, active=True, role__in=SSO_ROLES
    ).exists()


class SsoAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = [as_app(sso) for sso in configurations(request)]
        if provider and provider != "openid_connect":
            apps = [app for app in apps if app.provider_id == provider]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        sso = SingleSignOn.objects.select_related("partnership").get(
            pk=sociallogin.provider.app.settings["kvo_sso"]
        )
        partnership = sso.partnership
        if sociallogin.state.get("process", "login") != "login":
            _refuse(request, sso, "not_a_login")  # no linking to whoever is logged in
        if sociallogin.is_existing:
            if not _has_sso_membership(sociallogin.user, partnership):
                _refuse(request, sso, "no_membership")
            return
        claims = claims_of(sociallogin)
        email = str(claims.get(sso.email_claim) or "").strip()
        if not email or claims.get("email_verified") is False:
            _refuse(request, sso, "no_address")
        user = services.account_for_email(email)
        if user is not None and _has_sso_membership(user, partnership):
            sociallogin.connect(request, user)
            return
        invitation = (
            Invitation.objects.pending()
            .filter(
                pk=request.session.pop(SESSION_INVITATION, None),
                partnership=partnership,
                role__in=SSO_ROLES,
                email__iexact=email,
            )
            .first()
        )
        if invitation is None:
            _refuse(request, sso, "not_invited")
        try:
            user = services.accept_invitation(
                invitation, user=user, full_name=str(claims.get("name") or "")
            )
        except services.InvitationError:
            _refuse(request, sso, "not_invited")
        sociallogin.connect(request, user)
        access.forget_memberships(user)


class SsoAwareAuthenticateStage(AuthenticateStage):
    """allauth's TOTP step, left out when the provider vouched for a second factor."""

    def _should_handle(self, request):
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and self.login.user is not None:
            app_settings = sociallogin.provider.app.settings or {}
            sso = SingleSignOn.objects.filter(pk=app_settings.get("kvo_sso")).first()
            if sso is not None and counts_as_two_factor(sso, claims_of(sociallogin)):
                record_authentication(request, self.login.user, method="mfa", type="sso")
                return False
        return super()._should_handle(request)
