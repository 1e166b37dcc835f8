"""The platform as an app on the home screen: the web app manifest, the service worker and the
page it shows without a connection.

The service worker keeps the app's own static files and two pages for use without a connection:
the offline page, and the report form (the user's own shops, nothing about people). Other pages
hold personal data and are never stored on the device; offline, a visit to one shows the
offline page. Reports made offline wait in the browser (static/js/outbox.js) until the
connection is back.
"""

import hashlib
import json

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

# What the service worker keeps: the look and the scripts of every page, and the app's icons.
APP_FILES = [
    "css/kvo.css",
    "js/enhance.js",
    "js/outbox.js",
    "js/report-photos.js",
    "js/alerts.js",
    "django_htmx/htmx-2.min.js",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/apple-touch-icon.png",
]
THEME_COLOUR = "#0b4f8a"


@cache_control(public=True, max_age=3600)
def manifest(request):
    """The web app manifest, in the visitor's language; the app opens on the start page, which
    shows each role its own work."""
    data = {
        "name": _("%(site)s: safe business together") % {"site": settings.SITE_NAME},
        "short_name": settings.SITE_NAME,
        "description": _("Report theft, see who is banned, and warn the shops of your area."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home") + "?app=1",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f6f9",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


def service_worker(request):
    """The service worker, served from the root so that it may look after every page. Its
    version follows the files it keeps, so a new release replaces the old copies."""
    files = [static(name) for name in APP_FILES]
    offline = reverse("offline")
    report = reverse("incidents:report")
    version = hashlib.sha256(json.dumps([files, offline, report]).encode()).hexdigest()[:12]
    response = render(
        request,
        "app/sw.js",
        {
            "version": version,
            "files": json.dumps(files),
            "offline": json.dumps(offline),
            "kept_pages": json.dumps([report]),
        },
        content_type="text/javascript; charset=utf-8",
    )
    # Browsers check for a new worker at least daily; no cache in between makes that prompt.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@cache_control(public=True, max_age=3600)
def offline(request):
    return render(request, "app/offline.html")
