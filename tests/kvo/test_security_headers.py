"""The response headers of the main pages, and the production settings behind TLS (issue 8)."""

import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import ROOT

# The pages each kind of user lives on, with who opens them.
MAIN_PAGES = [
    ("anonymous", "account_login", None),
    ("participant", "home", None),
    ("participant", "incidents:report", None),
    ("participant", "incidents:mine", None),
    ("participant", "bulletins:archive", None),
    ("participant", "incidents:photo", lambda w: {"pk": w.incident.pk, "photo_pk": w.photo.pk}),
    ("officer", "incidents:queue", None),
    ("officer", "dashboard", None),
    ("officer", "bans:person", lambda w: {"pk": w.person.pk}),
    ("administrator", "bans:access_log", None),
    ("coordinator", "claims:list", None),
    ("coordinator", "certification:overview", None),
    ("coordinator", "merchants:shop_list", None),
    ("auditor", "certification:area_dossier", lambda w: {"pk": w.binnenstad.pk}),
]


def csp_directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(("role", "name", "kwargs"), MAIN_PAGES, ids=[p[1] for p in MAIN_PAGES])
def test_main_pages_send_the_security_headers(role, name, kwargs, world, client_as):
    response = client_as(role).get(reverse(name, kwargs=kwargs(world) if kwargs else None))
    assert response.status_code == 200

    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert len(response["X-Request-ID"]) == 32


def test_html_pages_carry_no_inline_script_or_style(world, client_as):
    for role, name, kwargs in MAIN_PAGES:
        response = client_as(role).get(reverse(name, kwargs=kwargs(world) if kwargs else None))
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        # <script> only with src, no style="" or <style>, no on*= handlers (CSP would block them).
        assert "<style" not in html, name
        assert " style=" not in html, name
        assert "<script>" not in html and "<script " not in html.replace("<script src", ""), name
        assert " onclick=" not in html and " onload=" not in html, name


def test_a_proxy_request_id_is_kept_and_a_forged_one_replaced(client):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    assert response["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID='"><script>alert(1)</script>')
    assert "<" not in response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32


PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
# A page that needs no database (the probe has none), with a form: the CSRF cookie is set.
response = Client().get("/accounts/password/reset/", secure=True, HTTP_HOST="kvo.example.nl")
cookie = response.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "status": response.status_code,
    "hsts": response.get("Strict-Transport-Security"),
    "csp": response.get("Content-Security-Policy"),
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
    "csrf_secure": bool(cookie["secure"]),
    "csrf_path": cookie["path"],
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "redirect": Client().get("/accounts/login/", HTTP_HOST="kvo.example.nl").get("Location"),
}))
"""


def test_production_settings_behind_tls(tmp_path):
    """With the production environment (as .env.example sets it) the site sends HSTS, its
    cookies are __Host- prefixed and secure, and plain HTTP is redirected."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "kvo.settings",
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": "test-" + "x" * 60,
        "ALLOWED_HOSTS": "kvo.example.nl",
        "STATIC_MANIFEST": "false",
        "KVO_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 200
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in probe["csp"]
    assert probe["csrf_cookie"] == "__Host-csrftoken"
    assert probe["csrf_secure"] and probe["csrf_path"] == "/"
    assert probe["session_cookie"] == "__Host-sessionid"
    assert probe["session_secure"] and probe["session_httponly"]
    assert probe["redirect"] == "https://kvo.example.nl/accounts/login/"
