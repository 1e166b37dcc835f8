import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from merchants import access, selectors

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
