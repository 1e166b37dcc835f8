import logging
import sys

from django import db
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache

from alerts import warnings
from kvo.dashboard import (
    Period,
    charts_for,
    default_period,
    month_rows,
    open_cases_link,
    queue_link,
)
from kvo.dashboard import figures as dashboard_figures
from kvo.forms import DashboardFilterForm
from merchants import access, selectors
from merchants.access import require_capability
from plumbing import files
from plumbing.dates import add_months
from plumbing.files import STORE_FAILURES, StorageUnavailable

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """The start page shows each role what it can do today, nothing it cannot."""
    partnership = request.partnership
    context = {
        "owned_shops": access.owned_shops(request.user).select_related("area"),
        "has_membership": bool(access.memberships(request.user)),
    }
    if partnership is not None and access.can(request.user, partnership, "manage_members"):
        context["figures"] = selectors.partnership_figures(partnership)
    if partnership is not None:
        context["may_warn"] = warnings.may_warn(request.user, partnership)
    return render(request, "home.html", context)


@never_cache
def healthz(request):
    """For load balancers and compose health checks: the database, and the broker if configured."""
    checks, healthy = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure means unhealthy; the type is logged, not shown
        logger.warning("healthz: database unavailable: %s", type(error).__name__)
        checks["database"], healthy = "unavailable", False
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception as error:
            logger.warning("healthz: broker unavailable: %s", type(error).__name__)
            checks["broker"], healthy = "unavailable", False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


def signed_file(request, name):
    """A signed link to a gallery copy (plumbing.files.signed_url), checked as nginx's
    ``secure_link`` location checks it in production (deploy/nginx/kvo.conf): 403 for a link we
    did not sign, 410 for one past its time, 404 once the copy is deleted. No session needed: the
    page that gave out the link was authorised and logged."""
    try:
        stored = files.verify_signed(
            request.path, request.GET.get("md5", ""), request.GET.get("expires", "")
        )
    except files.LinkExpired:
        return HttpResponse(status=410)
    if not stored.startswith("gallery/"):
        raise Http404
    return files.private_file_response(default_storage, stored, content_type="image/jpeg")


@require_capability("review_incidents")
def dashboard(request):
    """The officer's dashboard: figures in SQL, charts in SVG, each figure linked to its list."""
    today = timezone.localdate()
    period = default_period(today)
    form = DashboardFilterForm(request.GET or None, partnership=request.partnership)
    if form.is_valid():
        data = form.cleaned_data
        period = Period(
            start=data["start"] or period.start,
            end=data["end"] or period.end,
            area=data["area"],
        )
        if period.start > period.end:  # only an end was given, before the default start
            period = Period(
                start=add_months(period.end.replace(day=1), -23), end=period.end, area=period.area
            )
    numbers = dashboard_figures(request.partnership, period)
    return render(
        request,
        "dashboard.html",
        {
            "form": form,
            "period": period,
            "figures": numbers,
            "month_rows": month_rows(numbers, period),
            "may_see_objections": access.can(request.user, request.partnership, "view_objections"),
            "links": {
                "all": queue_link(period),
                "filed": queue_link(period, aangifte="yes"),
                "open": open_cases_link(period),
                "sightings": open_cases_link(period, kind="ban_violation", status="reported"),
            },
            **charts_for(numbers, period),
        },
    )


def server_error(request):
    """handler500. A database that does not answer (restarting, fail-over) is a 503 with "try again
    in a moment" and Retry-After; the broken connection is dropped, so that the next request of
    this process connects afresh and the app recovers without a restart. An object store that
    does not answer (or a storage that took no file) is the same 503. Anything else is the plain 500
    page. Both are static: they render without the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (StorageUnavailable, *STORE_FAILURES)):
        return _try_again()
    if isinstance(error, (db.OperationalError, db.InterfaceError)):
        for broken in db.connections.all(initialized_only=True):
            if broken.connection is not None and not broken.is_usable():
                broken.close()
        return _try_again()
    return HttpResponseServerError(loader.get_template("500.html").render())


def _try_again():
    response = HttpResponse(
        loader.get_template("503.html").render(), status=503, content_type="text/html"
    )
    response["Retry-After"] = "10"
    return response
