"""Every POST is refused without a CSRF token (issue 8, attack pass): each URL of the permission
matrix and each form found on its pages, posted by a role that may use it, gets the "form
expired" page and changes nothing."""

from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.attack.pages import discover_forms, matrix_pages, plausible
from tests.conftest import ROLES


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        # Sessions and the login-session rows change with every force_login.
        if model._meta.label not in ("sessions.Session", "merchants.UserSession")
    }


def csrf_client(world, role):
    client = Client(enforce_csrf_checks=True)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def user_of(statuses):
    """A role the matrix lets through (so the refusal is CSRF's, not the view's)."""
    for role in ROLES:
        if role != "anonymous" and statuses[role] in ("200", "302"):
            return role
    return "anonymous"


# The API (/api/v1/) takes a client token in a header and never a cookie, so a forged request from
# another site carries nothing to act with: CSRF does not apply, and DRF exempts its views. Its
# tests are in tests/api/.
TOKEN_ONLY = "api:"


def test_every_post_without_a_token_is_refused_and_changes_nothing(world, client_as):
    targets = []
    for name, _method, url, statuses, data_for in matrix_pages(world):
        if name.startswith(TOKEN_ONLY):
            continue
        targets.append((name, user_of(statuses), url, data_for(world)))
    for form in discover_forms(world, client_as):
        targets.append((form.url_name, form.role, form.action, plausible(form, "Test")))
    assert len(targets) > 150

    before = row_counts()
    accepted = []
    for name, role, url, data in targets:
        response = csrf_client(world, role).post(url, data)
        if response.status_code != 403 or "Formulier verlopen" not in response.content.decode():
            accepted.append(f"{name} as {role}: {response.status_code}")
    assert not accepted, accepted
    assert row_counts() == before


def test_no_view_is_exempt_from_csrf():
    exempt = [
        str(pattern.pattern)
        for pattern, namespace in _patterns(get_resolver())
        if getattr(pattern.callback, "csrf_exempt", False) and f"{namespace}:" != TOKEN_ONLY
    ]
    assert not exempt


def _patterns(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield pattern, namespace
