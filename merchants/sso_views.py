"""Single sign-on pages: the button that starts a login at the partnership's provider (from the
login page or an invitation), and the coordinator's settings (merchants.sso)."""

from allauth.socialaccount.adapter import get_adapter
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants import services, sso
from merchants.access import require_capability
from merchants.forms_sso import SingleSignOnForm
from merchants.models import Invitation
from merchants.sso_models import SingleSignOn


@require_POST
def start(request, slug):
    """Off to the partnership's provider; with an invitation's token, a new account may be linked
    to that invitation on the way back."""
    config = get_object_or_404(sso.configurations(), partnership__slug=slug)
    invitation = services.find_invitation(request.POST.get("invitation", ""))
    if invitation is not None and invitation.status == Invitation.Status.PENDING:
        request.session[sso.SESSION_INVITATION] = invitation.pk
    provider = get_adapter().get_provider(request, config.provider_id)
    return provider.redirect(
        request, "login", next_url=_own_page(request, request.POST.get("next"))
    )


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
        services.log_action(
            "merchants.sso.changed",
            actor=request.user,
            partnership=request.partnership,
            obj=config,
            data={"enabled": config.enabled, "issuer": config.issuer},
        )
        messages.success(request, _("The single sign-on settings are saved."))
        return redirect("merchants:sso_settings")
    status = 400 if form.is_bound else 200
    return render(request, "merchants/sso_settings.html", {"form": form}, status=status)
