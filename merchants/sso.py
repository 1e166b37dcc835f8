"""Single sign-on with OpenID Connect, per partnership, through allauth's openid_connect provider.

- Each partnership's ``SingleSignOn`` becomes an allauth app (``SsoAdapter.list_apps``) with the
  provider id ``kvo-<slug>``; nothing is stored in allauth's SocialApp table.
- Only the roles that come from an organisation log in this way (``SSO_ROLES``). The provider's
  word alone never opens an existing account: a link is made either by the account's owner,
  logged in with password and TOTP, from the profile (allauth's "connect", the provider's address
  must be the account's), or when a new account is made from a pending invitation for such a role
  that this browser opened from its link (``SESSION_INVITATION``; the provider's address must be
  the invited one). A linked account logs in while it has such a membership. Anyone else gets a
  refusal page and no account. The address comes from the configured claim and must not be
  marked unverified.
- A change of issuer or client id drops the links (merchants.sso_views): another provider may
  hand out the same subject ids.
- The second factor keeps its meaning: a login counts as two-factor only where the provider's
  ID token says so (``amr`` names a second factor, or ``acr`` is one the partnership listed). It
  is then recorded as allauth records a TOTP login; otherwise allauth asks for the account's own
  TOTP, or the account sets one up first (kvo.middleware).
"""

import functools
import json

from allauth.account.internal.flows.login import record_authentication
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from merchants import access, services
from merchants.models import Invitation, Membership
from merchants.roles import Role
from merchants.sso_models import SingleSignOn
from plumbing import outbound

SSO_ROLES = frozenset({Role.OFFICER, Role.ADMINISTRATOR, Role.COORDINATOR, Role.AUDITOR})
SESSION_INVITATION = "kvo_sso_invitation"
SECOND_FACTORS = frozenset({"mfa", "otp", "hwk", "sc", "fpt", "face", "iris", "retina"})
ASK_FOR_FACTORS = json.dumps({"id_token": {"amr": None, "acr": None}}, separators=(",", ":"))


def configurations(request=None):
    """The partnerships whose sign-on is in use (for the buttons and the way in)."""
    return SingleSignOn.objects.filter(enabled=True, partnership__active=True).select_related(
        "partnership"
    )


def linkable(user):
    """The sign-ons the user may link (an organisation role there), each with whether it is."""
    partnerships = {m.partnership_id for m in access.memberships(user) if m.role in SSO_ROLES}
    linked = set(SocialAccount.objects.filter(user=user).values_list("provider", flat=True))
    configs = configurations().filter(partnership__in=partnerships).order_by("partnership__name")
    return [(config, config.provider_id in linked) for config in configs]


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
    if not isinstance(amr, list):
        return False
    if SECOND_FACTORS & {str(value).lower() for value in amr}:
        return True
    listed = set(sso.mfa_acr_values.split())
    return bool(listed) and str(claims.get("acr", "")) in listed


def address_of(sso: SingleSignOn, claims: dict) -> str | None:
    """The email address the provider gives, unless it says the address is unconfirmed."""
    email = claims.get(sso.email_claim)
    if not isinstance(email, str) or "@" not in email:
        return None
    if str(claims.get("email_verified", True)).lower() == "false":
        return None
    return email.strip()


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
        # Every configuration, also one switched off: a login under way must still find its app
        # (pre_social_login refuses it). The buttons show only the ones in use.
        apps = [as_app(sso) for sso in SingleSignOn.objects.select_related("partnership")]
        if provider and provider != "openid_connect":
            apps = [app for app in apps if app.provider_id == provider]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def is_open_for_signup(self, request, sociallogin):
        return False

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("merchants:profile")  # where the "Link" button was

    def get_requests_session(self):
        # Discovery, token, user info and keys: fetched from public addresses only, pinned to the
        # address checked (plumbing.outbound), and never waiting long.
        session = outbound.session(allow_local=settings.SSO_LOCAL_PROVIDERS)
        session.request = functools.partial(session.request, timeout=10)
        return session

    def pre_social_login(self, request, sociallogin):
        """Who this login may be: see the module's docstring. Every other case is refused."""
        sso = SingleSignOn.objects.select_related("partnership").get(
            pk=sociallogin.provider.app.settings["kvo_sso"]
        )
        partnership = sso.partnership
        if not (sso.enabled and partnership.active):
            _refuse(request, sso, "off")
        email = address_of(sso, claims_of(sociallogin))
        if sociallogin.state.get("process", "login") == "connect":
            # Linking from the profile: the person proved the account here (password and
            # TOTP), and the provider's address must be the account's.
            user = request.user
            if not (user.is_authenticated and _has_sso_membership(user, partnership)):
                _refuse(request, sso, "not_invited")
            if email is None or services.account_for_email(email) != user:
                _refuse(request, sso, "other_address")
            return
        if sociallogin.is_existing:
            if not _has_sso_membership(sociallogin.user, partnership):
                _refuse(request, sso, "not_invited")
            return
        if email is None:
            _refuse(request, sso, "no_address")
        user = services.account_for_email(email)
        if user is not None:
            # An account here is linked only by its owner, logged in (profile), never on the
            # provider's word alone: a provider set up wrongly, or by the wrong person, must not
            # become a way into someone's account.
            _refuse(
                request,
                sso,
                "link_first" if _has_sso_membership(user, partnership) else "not_invited",
            )
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
                invitation, full_name=str(claims_of(sociallogin).get("name") or "")[:150]
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
