""" "Seen in my shop" from the gallery: confirm, report, then what to do now, with an undo."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bans import sightings
from bans.models import Person
from bans.services import RegisterError
from bans.views import gallery_viewer


@login_required
@require_POST
def sighting(request, pk):
    shops, _viewer, refusal = gallery_viewer(request)
    if refusal:
        raise PermissionDenied
    subject = get_object_or_404(Person, pk=pk, partnership=request.partnership)
    shop_pk = request.POST.get("shop", "")
    wanted = int(shop_pk) if shop_pk.isdigit() else None
    shop = next((s for s in shops if s.pk == wanted), None) or (
        shops[0] if len(shops) == 1 else None
    )
    if shop is None or request.POST.get("confirmed") != "1":
        # Not asked yet (no script on the page) or no shop chosen: ask on a page of its own.
        context = {"person": subject, "shops": shops, "shop": shop, "key": request.POST.get("key")}
        return render(request, "bans/sighting_confirm.html", context)
    try:
        incident = sightings.report_sighting(
            subject,
            reporter=request.user,
            shop=shop,
            submission_key=_sighting_key(request.POST.get("key"), subject.pk),
        )
    except RegisterError as error:
        messages.error(request, str(error))
        return redirect("bans:gallery")
    return redirect("bans:sighting_done", pk=incident.pk)


def _sighting_key(value, person_pk):
    """One key per gallery page and person: a double tap reports one sighting."""
    try:
        return uuid.uuid5(uuid.UUID(value or ""), str(person_pk))
    except ValueError:
        return uuid.uuid4()


@login_required
def sighting_done(request, pk):
    """What to do now, and the undo while it lasts: for the one who reported the sighting."""
    incident = get_object_or_404(sightings.sightings_of(request.user), pk=pk)
    person = incident.person_links.select_related("person").get().person
    now = timezone.now()
    undo_until = incident.created_at + sightings.UNDO_WINDOW
    context = {
        "incident": incident,
        "person": person,
        "may_undo": sightings.may_undo(incident, now),
        "undo_until": undo_until,
    }
    return render(request, "bans/sighting_done.html", context)


@login_required
@require_POST
def sighting_undo(request, pk):
    incident = get_object_or_404(sightings.sightings_of(request.user), pk=pk)
    try:
        person = sightings.withdraw_sighting(incident, actor=request.user)
    except RegisterError as error:
        messages.error(request, str(error))
        return redirect("bans:sighting_done", pk=pk)
    messages.success(
        request,
        _("Your report that %(name)s was seen has been withdrawn; the officer has been told.")
        % {"name": person.display_name},
    )
    return redirect("bans:gallery")
