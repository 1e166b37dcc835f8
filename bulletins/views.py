"""Bulletin pages: the officer's delivery report (make one by hand, retry failures), the shop's
archive, and the bulletin itself with photos and an A4 PDF, watermarked for the viewer's shop."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bans.selectors import working_shops
from bans.services import RegisterError
from bulletins import content, editions, outbox
from bulletins.models import Bulletin, BulletinTrigger, DeliveryState, settings_for
from merchants import access
from merchants.access import require_capability
from merchants.services import has_signed_current_protocol, log_action
from plumbing.http import client_ip
from plumbing.images import watermark
from plumbing.pdf import render_pdf

# --- The officer -------------------------------------------------------------------------------


@require_capability("review_incidents")
def overview(request):
    """Every edition with its deliveries counted per state; make one now."""
    page = Paginator(
        Bulletin.objects.filter(partnership=request.partnership).select_related("created_by"), 20
    ).get_page(request.GET.get("page"))
    counts = content.delivery_counts(list(page))
    for bulletin in page:
        mine = counts.get(bulletin.pk, {})
        bulletin.sent = mine.get(DeliveryState.SENT, 0)
        bulletin.waiting = mine.get(DeliveryState.QUEUED, 0) + mine.get(DeliveryState.SENDING, 0)
        bulletin.failed = mine.get(DeliveryState.FAILED, 0) + mine.get(DeliveryState.BOUNCED, 0)
        bulletin.not_sent = mine.get(DeliveryState.NOT_SENT, 0)
    return render(
        request,
        "bulletins/report.html",
        {"page": page, "states": DeliveryState, "mode": settings_for(request.partnership).mode},
    )


@require_POST
@require_capability("review_incidents")
def make(request):
    try:
        bulletin = editions.make_bulletin(
            request.partnership, trigger=BulletinTrigger.MANUAL, actor=request.user
        )
    except RegisterError as error:
        messages.error(request, str(error))
        return redirect("bulletins:overview")
    if bulletin is None:
        messages.warning(request, _("Nobody has a collective measure in force: no bulletin."))
        return redirect("bulletins:overview")
    messages.success(request, _("Bulletin %(number)s is being sent.") % {"number": bulletin.number})
    return redirect("bulletins:delivery_report", pk=bulletin.pk)


def _officers_bulletin(request, pk):
    return get_object_or_404(
        Bulletin.objects.filter(
            partnership__in=access.partnerships_with(request.user, "review_incidents")
        ),
        pk=pk,
    )


@login_required
def delivery_report(request, pk):
    bulletin = _officers_bulletin(request, pk)
    deliveries = bulletin.deliveries.select_related("shop__area").order_by("state", "shop__name")
    counts = content.delivery_counts([bulletin]).get(bulletin.pk, {})
    return render(
        request,
        "bulletins/bulletin_report.html",
        {
            "bulletin": bulletin,
            "counts": [(state, counts.get(state.value, 0)) for state in DeliveryState],
            # Not delivered, and waiting for another attempt after one that failed (the mail
            # server away): the officer sees why, and when it is tried again.
            "problems": deliveries.exclude(
                state__in=(DeliveryState.SENT, DeliveryState.SENDING)
            ).exclude(state=DeliveryState.QUEUED, reason=""),
            "retryable": counts.get(DeliveryState.FAILED, 0) + counts.get(DeliveryState.BOUNCED, 0),
            "entries": bulletin.entries.select_related("person", "measure"),
        },
    )


@login_required
@require_POST
def retry(request, pk):
    bulletin = _officers_bulletin(request, pk)
    count = outbox.retry_failed(bulletin, actor=request.user)
    messages.success(request, _("%(count)s deliveries are queued again.") % {"count": count})
    return redirect("bulletins:delivery_report", pk=bulletin.pk)


# --- The shop ----------------------------------------------------------------------------------


def _my_shops(request):
    return working_shops(request.user, request.partnership)


@require_capability("report_incidents")
def archive(request):
    """The editions the user's shops received."""
    received = (
        Bulletin.objects.filter(
            partnership=request.partnership,
            deliveries__shop__in=_my_shops(request),
            deliveries__state=DeliveryState.SENT,
        )
        .distinct()
        .order_by("-created_at")
    )
    page = Paginator(received, 20).get_page(request.GET.get("page"))
    return render(request, "bulletins/archive.html", {"page": page})


def _viewer(request, pk):
    """(bulletin, the viewer's shop) for a participant whose shop received the bulletin; with a
    link's token, the shop the link was made for, which must be one of the user's shops."""
    if not access.can(request.user, request.partnership, "report_incidents"):
        raise PermissionDenied
    bulletin = get_object_or_404(Bulletin, pk=pk, partnership=request.partnership)
    shops = _my_shops(request).filter(
        bulletin_deliveries__bulletin=bulletin,
        bulletin_deliveries__state=DeliveryState.SENT,
    )
    token = request.GET.get("t")
    shop_id = content.read_link_token(token, bulletin.pk) if token else None
    if shop_id is not None:
        # The link names its shop: it opens only for that shop's staff. An expired or garbled
        # token names nobody, and the page opens as from the archive.
        shops = shops.filter(pk=shop_id)
        if not shops.exists():
            # A link made for another shop: not for this account.
            raise PermissionDenied
    shop = shops.order_by("name").first()
    if shop is None:
        raise Http404
    return bulletin, shop


def _protocol_first(request):
    if has_signed_current_protocol(request.user, request.partnership):
        return None
    return redirect(
        f"{reverse('merchants:protocol')}?{urlencode({'next': request.get_full_path()})}"
    )


def _people(bulletin):
    """The entries in force today, each person's photos loaded with them (newest first): one
    query for all photos, not one per person."""
    entries = content.current_entries(bulletin, timezone.localdate())
    prefetch_related_objects(entries, "person__photos")
    return entries


@login_required
def bulletin(request, pk):
    bulletin, shop = _viewer(request, pk)
    refusal = _protocol_first(request)
    if refusal:
        return refusal
    log_action(
        "bulletins.bulletin.viewed",
        actor=request.user,
        partnership=bulletin.partnership,
        obj=bulletin,
        data={"shop": shop.pk},
        ip_address=client_ip(request),
    )
    response = render(
        request,
        "bulletins/bulletin.html",
        {
            "bulletin": bulletin,
            "shop": shop,
            "entries": _people(bulletin),
            "corrections": content.corrections_of(bulletin),
            "token": request.GET.get("t", ""),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _marked_photo(entry, shop):
    # The newest photo (PersonPhoto's ordering), from the photos loaded with the entries.
    photo = next(iter(entry.person.photos.all()), None)
    image = content.decoded_photo(photo) if photo else None
    if image is None:
        return None
    return watermark(image, f"{shop.name} · {timezone.localdate():%d-%m-%Y}")


@login_required
def photo(request, pk, person_pk):
    bulletin, shop = _viewer(request, pk)
    if _protocol_first(request):
        raise PermissionDenied
    entry = next((e for e in _people(bulletin) if e.person_id == person_pk), None)
    data = _marked_photo(entry, shop) if entry else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def pdf(request, pk):
    """The bulletin on A4 for behind the counter, watermarked for the viewer's shop."""
    bulletin, shop = _viewer(request, pk)
    refusal = _protocol_first(request)
    if refusal:
        return refusal
    people = []
    for entry in _people(bulletin):
        data = _marked_photo(entry, shop)
        people.append(
            {
                "entry": entry,
                "photo": "data:image/jpeg;base64," + base64.b64encode(data).decode()
                if data
                else "",
            }
        )
    log_action(
        "bulletins.bulletin.printed",
        actor=request.user,
        partnership=bulletin.partnership,
        obj=bulletin,
        data={"shop": shop.pk},
        ip_address=client_ip(request),
    )
    document = render_pdf(
        "bulletins/pdf/bulletin.html",
        {
            "bulletin": bulletin,
            "shop": shop,
            "people": people,
            "corrections": content.corrections_of(bulletin),
            "today": timezone.localdate(),
        },
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="bulletin-{bulletin.partnership.code}-{bulletin.number}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
