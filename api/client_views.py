"""The coordinator's page of API clients: make one (its token is shown once), give it a new
token (the old ones run out a week later), set its webhook (its secret is shown once), or revoke
it."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import tokens, webhooks
from api.forms import ApiClientForm, WebhookForm
from api.models import ApiClient, Scope
from merchants.access import require_capability
from merchants.services import log_action


def _shown_once(request, client, token):
    response = render(request, "api/token.html", {"client": client, "token": token})
    response["Cache-Control"] = "private, no-store"
    return response


@require_capability("manage_api")
def client_list(request):
    form = ApiClientForm(request.POST or None, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            client = form.save(commit=False)
            client.partnership, client.created_by = request.partnership, request.user
            client.save()
            form.save_m2m()
            log_action(
                "api.client.created",
                actor=request.user,
                partnership=request.partnership,
                obj=client,
                data={"scopes": client.scopes, "shops": client.shops.count()},
            )
            token = tokens.issue_token(client, actor=request.user, days=form.cleaned_data["days"])
        return _shown_once(request, client, token)
    clients = (
        ApiClient.objects.filter(partnership=request.partnership)
        .prefetch_related("tokens", "shops")
        .order_by("revoked_at", "name", "pk")
    )
    status = 400 if form.is_bound else 200
    return render(request, "api/clients.html", {"clients": clients, "form": form}, status=status)


def _client(request, pk):
    return get_object_or_404(ApiClient, partnership=request.partnership, pk=pk)


@require_capability("manage_api")
@require_POST
def new_token(request, pk):
    client = _client(request, pk)
    if not client.active:
        messages.error(request, _("A revoked client gets no new token."))
        return redirect("api_clients:list")
    return _shown_once(request, client, tokens.rotate(client, actor=request.user))


@require_capability("manage_api")
@require_POST
def revoke(request, pk):
    client = _client(request, pk)
    if client.active:
        tokens.revoke_client(client, actor=request.user)
        messages.success(request, _("The client is revoked; its tokens no longer work."))
    return redirect("api_clients:list")


@require_capability("manage_api")
def webhook(request, pk):
    """The client's webhook: its address, a new secret with every change of address, and the
    last deliveries with their answers."""
    client = _client(request, pk)
    form = WebhookForm(request.POST or None, initial={"url": client.webhook_url})
    if request.method == "POST" and client.active and form.is_valid():
        url = form.cleaned_data["url"]
        if url == client.webhook_url:
            messages.info(request, _("Nothing changed: the address and its secret stay."))
            return redirect("api_clients:webhook", pk=client.pk)
        client.webhook_url, client.webhook_secret = url, webhooks.new_secret() if url else ""
        client.save(update_fields=["webhook_url", "webhook_secret"])
        log_action(
            "api.webhook.set" if url else "api.webhook.removed",
            actor=request.user,
            partnership=request.partnership,
            obj=client,
            # Without the query string: a receiver's own token may be in it.
            data={"url": url.split("?", 1)[0]},
        )
        if not url:
            messages.success(request, _("The webhook is off."))
            return redirect("api_clients:webhook", pk=client.pk)
        response = render(request, "api/webhook_secret.html", {"client": client})
        response["Cache-Control"] = "private, no-store"
        return response
    context = {
        "client": client,
        "form": form,
        "reads_cases": client.has_scope(Scope.INCIDENTS_READ),
        "deliveries": client.deliveries.all()[:20],
    }
    status = 400 if form.is_bound else 200
    return render(request, "api/webhook.html", context, status=status)
