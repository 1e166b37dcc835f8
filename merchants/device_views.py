"""Devices for alerts on the profile page: a browser adds itself (its push subscription, sent by
static/js/alerts.js), the user removes one."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants.devices import PushDevice, register_device

MAX_BODY = 4096


@login_required
@require_POST
def add_device(request):
    if len(request.body) > MAX_BODY:
        raise BadRequest("subscription too large")
    try:
        data = json.loads(request.body)
        endpoint = data["endpoint"]
        keys = data["keys"]
        p256dh, auth = keys["p256dh"], keys["auth"]
    except (ValueError, KeyError, TypeError):
        raise BadRequest("not a push subscription") from None
    valid = (
        isinstance(endpoint, str)
        and endpoint.startswith(("https://", "http://127.0.0.1", "http://localhost"))
        and len(endpoint) <= 1000
        and all(isinstance(v, str) and 0 < len(v) <= 200 for v in (p256dh, auth))
    )
    if not valid:
        raise BadRequest("not a push subscription")
    name = str(data.get("name") or "")[:120] or _("A browser")
    device = register_device(request.user, endpoint=endpoint, p256dh=p256dh, auth=auth, name=name)
    return JsonResponse({"id": device.pk}, status=201)


@login_required
@require_POST
def remove_device(request, pk):
    device = get_object_or_404(PushDevice, pk=pk, user=request.user)
    device.delete()
    messages.success(request, _("The device no longer gets alerts."))
    return redirect("merchants:profile")
