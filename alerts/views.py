"""The alert feed, an alert opened (through the access log), warnings to nearby shops and the
partnership's alert settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from alerts import selectors, services, warnings
from alerts.forms import AlertSettingsForm, WarningForm
from alerts.models import Alert, AlertKind, settings_for
from bans.selectors import working_shops
from merchants import access
from merchants.access import require_capability
from merchants.services import has_signed_current_protocol, log_action, save_and_log_changes
from plumbing.http import client_ip

FEED_SIZE = 50
# The feed asks for news this often while it is open (htmx polling, ADR 0011).
FEED_REFRESH_SECONDS = 5


def _refusal(request):
    """403 for roles without alerts; a participant signs the protocol first."""
    partnership = request.partnership
    if access.can(request.user, partnership, "review_incidents"):
        return None
    if not access.can(request.user, partnership, "report_incidents"):
        raise PermissionDenied
    if has_signed_current_protocol(request.user, partnership):
        return None
    return redirect(f"{reverse('merchants:protocol')}?{urlencode({'next': request.path})}")


@login_required
@vary_on_headers("HX-Request")
def feed(request):
    refusal = _refusal(request)
    if refusal:
        return refusal
    now = timezone.now()
    alerts = list(selectors.feed(request.user, request.partnership, now=now)[:FEED_SIZE])
    for alert in alerts:
        alert.current_state = alert.state_at(now)
    context = {
        "alerts": alerts,
        "now": now,
        "refresh": FEED_REFRESH_SECONDS,
        "may_warn": warnings.may_warn(request.user, request.partnership),
    }
    template = "alerts/partials/feed_items.html" if request.htmx else "alerts/feed.html"
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


def _alert_or_refusal(request, pk):
    """(alert, None), or (None, a redirect to sign the protocol first). Another partnership's
    alert, or one the user is not among the recipients of, is a 404 either way."""
    if not access.can(request.user, request.partnership, "review_incidents") and not access.can(
        request.user, request.partnership, "report_incidents"
    ):
        raise PermissionDenied
    get_object_or_404(Alert.objects.only("pk"), pk=pk, partnership=request.partnership)
    refusal = _refusal(request)
    if refusal:
        return None, refusal
    alert = get_object_or_404(
        selectors.visible_alerts(request.user, request.partnership).select_related(
            "area", "shop", "incident", "partnership"
        ),
        pk=pk,
    )
    return alert, None


def _log_opened(request, alert):
    log_action(
        "alerts.alert.opened",
        actor=request.user,
        partnership=alert.partnership,
        obj=alert,
        data={"kind": alert.kind},
        ip_address=client_ip(request),
    )


@login_required
def open_alert(request, pk):
    """Where a push message, an email or the feed leads: the access log line, then the page."""
    alert, refusal = _alert_or_refusal(request, pk)
    if refusal:
        return refusal
    if alert.kind != AlertKind.WARNING:
        _log_opened(request, alert)  # a warning's own page writes it
    return redirect(services.destination(alert, request.user))


@login_required
def detail(request, pk):
    alert, refusal = _alert_or_refusal(request, pk)
    if refusal:
        return refusal
    if alert.kind != AlertKind.WARNING:
        return redirect("alerts:open", pk=alert.pk)
    _log_opened(request, alert)
    context = {
        "alert": alert,
        "state": alert.state,
        "may_withdraw": warnings.may_withdraw(request.user, alert) and alert.state == "active",
        "from_own_shop": alert.created_by_id == request.user.pk,
    }
    response = render(request, "alerts/detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def warn(request):
    refusal = _refusal(request)
    if refusal:
        return refusal
    partnership = request.partnership
    shops = working_shops(request.user, partnership).select_related("area").order_by("name")
    if not warnings.may_warn(request.user, partnership) or not shops:
        # Officers and partnerships without warnings: say so instead of an empty form.
        return render(request, "alerts/warn_unavailable.html", status=403)
    form = WarningForm(request.POST or None, shops=shops, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            alert = warnings.send_warning(
                sender=request.user,
                shop=form.cleaned_data["shop"],
                description=form.cleaned_data["description"],
                minutes=form.cleaned_data["minutes"],
                person_id=form.cleaned_data["person"],
            )
        except warnings.WarningRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("Your warning has gone to the shops of %(area)s and the officer.")
                % {"area": alert.area.name},
            )
            return redirect("alerts:detail", pk=alert.pk)
    return render(request, "alerts/warn.html", {"form": form})


@login_required
@require_POST
def withdraw(request, pk):
    alert, refusal = _alert_or_refusal(request, pk)
    if refusal:
        return refusal
    if not warnings.may_withdraw(request.user, alert):
        raise PermissionDenied
    try:
        warnings.withdraw(alert, actor=request.user)
    except warnings.WarningRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The warning is withdrawn; the shops can see that."))
    return redirect("alerts:detail", pk=alert.pk)


@require_capability("manage_partnership")
def alert_settings(request):
    form = AlertSettingsForm(request.POST or None, instance=settings_for(request.partnership))
    if request.method == "POST" and form.is_valid():
        save_and_log_changes(form, "alerts.settings.changed", request=request)
        messages.success(request, _("The alert settings are saved."))
        return redirect("alerts:settings")
    return render(request, "alerts/settings.html", {"form": form})
