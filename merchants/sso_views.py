"""Single sign-on pages: the button that starts a login at the partnership's provider (from the
login page or an invitation), linking the provider's account from the profile, and the
coordinator's settings (merchants.sso)."""

import logging

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants import services, sso
from merchants.access import require_capability
from merchants.forms_sso import SingleSignOnForm
from merchants.models import Invitation
from merchants.sso_models import SingleSignOn

logger = logging.getLogger(__name__)

# Changing these points the button at another provider, or another account there: the links made
# with the old one go (the same subject id may mean someone else).
IDENTITY_FIELDS = ("issuer", "client_id")


@require_POST
def start(request, slug):
    """Off to the partnership's provider. With an invitation's token, a new account may be made
    for that invitation on the way back; logged in, "link" ties the provider's account to this
    one (the profile's button)."""
    config = get_object_or_404(sso.configurations(), partnership__slug=slug)
    process, next_url = "login", _own_page(request, request.POST.get("next"))
    if request.user.is_authenticated and request.POST.get("process") == "connect":
        process, next_url = "connect", reverse("merchants:profile")
    invitation = services.find_invitation(request.POST.get("invitation", ""))
    if invitation is not None and invitation.status == Invitation.Status.PENDING:
        request.session[sso.SESSION_INVITATION] = invitation.pk
    provider = get_adapter().get_provider(request, config.provider_id)
    try:
        return provider.redirect(request, process, next_url=next_url)
    except (requests.RequestException, KeyError, ValueError) as error:
        # The provider is down or its discovery document is broken: say so, keep the password
        # login open.
        logger.warning("sign-on provider of %s unreachable: %s", slug, type(error).__name__)
        context = {"sso": config, "reason": "unreachable"}
        return render(request, "account/sso_refused.html", context, status=502)


def _own_page(request, url):
    """Back to where the person was going, if that is a page of ours (no open redirect)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@require_capability("manage_sso")
def settings_page(request):
    config = SingleSignOn.objects.filter(partnership=request.partnership).first()
    form = SingleSignOnForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        config = form.save(commit=False)
        config.partnership = request.partnership
        config.save()
        dropped = 0
        if set(IDENTITY_FIELDS) & set(form.changed_data):
            dropped, _by_kind = SocialAccount.objects.filter(provider=config.provider_id).delete()
        services.log_action(
            "merchants.sso.changed",
            actor=request.user,
            partnership=request.partnership,
            obj=config,
            # What changed, by name; the secret's value never goes into the log.
            data={
                "changed": sorted(form.changed_data),
                "enabled": config.enabled,
                "issuer": config.issuer,
                "links_dropped": dropped,
            },
        )
        messages.success(request, _("The single sign-on settings are saved."))
        if dropped:
            messages.warning(
                request,
                _("The provider changed: the accounts linked to the old one must be linked again."),
            )
        return redirect("merchants:sso_settings")
    status = 400 if form.is_bound else 200
    return render(request, "merchants/sso_settings.html", {"form": form}, status=status)
