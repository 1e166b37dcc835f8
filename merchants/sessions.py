"""Login sessions: how long they last, and ending them when access is withdrawn.

Officers, administrators and coordinators (and Django-admin staff) see identities and decide
measures, so their sessions end after settings.PRIVILEGED_SESSION_IDLE_MINUTES without a request
and settings.PRIVILEGED_SESSION_MAX_HOURS after logging in. Everyone's sessions are recorded
(UserSession) so that deactivating an account or a shop, or ending a role, logs the people
concerned out at once on every device.
"""

from __future__ import annotations

import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from merchants.access import mfa_required
from merchants.models import UserSession

LOGGED_IN_AT = "kvo_logged_in_at"
SEEN_AT = "kvo_seen_at"
# The last-seen mark is written at most this often, so a busy page does not save the session on
# every request; the idle limit is therefore exact to within a minute.
_SEEN_RESOLUTION = 60


def record_login(request, user) -> None:
    """Called on login: start the clocks and remember the session for end_sessions()."""
    now = time.time()
    request.session[LOGGED_IN_AT] = now
    request.session[SEEN_AT] = now
    if mfa_required(user):
        request.session.set_expiry(settings.PRIVILEGED_SESSION_IDLE_MINUTES * 60)
    request.session.save()
    UserSession.objects.get_or_create(
        session_key=request.session.session_key, defaults={"user": user}
    )
    # Rows of sessions that have long expired by themselves.
    UserSession.objects.filter(
        user=user, created_at__lt=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ).delete()


def record_logout(request) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def end_sessions(users) -> int:
    """Log these users out everywhere now. Returns how many sessions ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = list(UserSession.objects.filter(user__in=users).values_list("pk", "session_key"))
    for _pk, key in rows:
        store(session_key=key).delete()
    UserSession.objects.filter(pk__in=[pk for pk, _key in rows]).delete()
    return len(rows)


def session_expired(request) -> str | None:
    """Why this privileged session is over (a message), or None while it may go on."""
    now = time.time()
    session = request.session
    logged_in_at = session.get(LOGGED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if logged_in_at is None or seen_at is None:
        # A session from before these limits existed: start counting now.
        session[LOGGED_IN_AT] = logged_in_at = now
        session[SEEN_AT] = seen_at = now
        session.set_expiry(settings.PRIVILEGED_SESSION_IDLE_MINUTES * 60)
    if now - logged_in_at > settings.PRIVILEGED_SESSION_MAX_HOURS * 3600:
        return _("You were logged out: a session lasts at most %(hours)s hours.") % {
            "hours": settings.PRIVILEGED_SESSION_MAX_HOURS
        }
    if now - seen_at > settings.PRIVILEGED_SESSION_IDLE_MINUTES * 60:
        return _("You were logged out after %(minutes)s minutes without activity.") % {
            "minutes": settings.PRIVILEGED_SESSION_IDLE_MINUTES
        }
    if now - seen_at >= _SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return None


class SessionLifetimeMiddleware:
    """Ends privileged sessions that have been idle or open too long (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and mfa_required(user):
            reason = session_expired(request)
            if reason is not None:
                next_url = request.get_full_path() if request.method == "GET" else "/"
                logout(request)
                messages.info(request, reason)
                return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        return self.get_response(request)
