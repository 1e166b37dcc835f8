"""Every API endpoint with every scope, without a token, with an expired and a revoked token, and
with another partnership's ids: the API's own permission matrix. A URL of the API without a row
here fails the suite, as in tests/test_permission_matrix.py."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from api import tokens
from api.models import ApiClient, ApiToken, Scope

# Columns: no token, incidents:write, incidents:read, statistics:read, certification:read,
# expired token, revoked client. The client's shop is Bakkerij Jansen (Deventer).
COLUMNS = ["none", *Scope.values, "expired", "revoked"]
OWN_INCIDENT = lambda w: f"/api/v1/incidents/{w.incident.pk}/"  # noqa: E731
FOREIGN_INCIDENT = lambda w: f"/api/v1/incidents/{w.zwolle_incident.pk}/"  # noqa: E731
OWN_AREA = lambda w: f"/api/v1/certification/areas/{w.binnenstad.pk}/"  # noqa: E731
FOREIGN_AREA = lambda w: f"/api/v1/certification/areas/{w.zwolle_area.pk}/"  # noqa: E731

MATRIX = {
    # name: [(method, path, statuses by COLUMNS)]
    "incidents": [
        ("get", lambda w: "/api/v1/incidents/", "401 403 200 403 403 401 401"),
        ("post", lambda w: "/api/v1/incidents/", "401 400 403 403 403 401 401"),
    ],
    "incident": [
        ("get", OWN_INCIDENT, "401 403 200 403 403 401 401"),
        ("get", FOREIGN_INCIDENT, "401 403 404 403 403 401 401"),
    ],
    "incident_facts": [
        ("get", lambda w: "/api/v1/statistics/incidents/", "401 403 403 200 403 401 401"),
    ],
    "dossiers": [
        ("get", lambda w: "/api/v1/certification/areas/", "401 403 403 403 200 401 401"),
    ],
    "dossier": [
        ("get", OWN_AREA, "401 403 403 403 200 401 401"),
        ("get", FOREIGN_AREA, "401 403 403 403 404 401 401"),
    ],
    # Public: the schema and its documentation.
    "schema": [("get", lambda w: "/api/v1/schema/", "200 200 200 200 200 200 200")],
    "docs": [("get", lambda w: "/api/v1/docs/", "200 200 200 200 200 200 200")],
}


def headers_for(world, column):
    if column == "none":
        return {}
    scopes = [column] if column in Scope.values else [Scope.INCIDENTS_READ]
    client = ApiClient.objects.create(partnership=world.deventer, name=column, scopes=scopes)
    client.shops.add(world.shop)
    token = tokens.issue_token(client, actor=world.users["coordinator"])
    if column == "expired":
        ApiToken.objects.filter(client=client).update(expires_at=timezone.now() - timedelta(1))
    if column == "revoked":
        tokens.revoke_client(client, actor=world.users["coordinator"])
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_api_matrix(name, client, world):
    from tests.incidents.factories import report

    world.zwolle_incident = report(world.users["other_participant"], world.zwolle_shop)
    wrong = []
    for method, path_for, statuses in MATRIX[name]:
        for column, expected in zip(COLUMNS, statuses.split(), strict=True):
            response = getattr(client, method)(path_for(world), {}, **headers_for(world, column))
            if response.status_code != int(expected):
                wrong.append(
                    f"{method.upper()} {path_for(world)} as {column}: {response.status_code}"
                )
    assert not wrong, wrong


def test_every_api_url_has_a_row():
    resolver = get_resolver().url_patterns
    api = next(p for p in resolver if getattr(p, "namespace", None) == "api")
    names = {p.name for p in api.url_patterns if isinstance(p, URLPattern)}
    assert names == set(MATRIX)
