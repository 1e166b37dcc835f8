"""The API's first floor: client tokens (shown once, stored hashed, expiring, rotated, revoked),
scopes, problem details, rate limits, the audit log, the schema, and the anonymous figures."""

import io
import re
from datetime import timedelta

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from api import tokens
from api.models import ApiClient, ApiToken
from api.throttling import ClientRateThrottle
from merchants.models import AuditEvent
from tests.incidents.factories import report

FACTS = "/api/v1/statistics/incidents/"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def token(world):
    return tokens.issue_token(world.api_client, actor=world.users["coordinator"])


class TestTheCoordinatorsPage:
    def test_a_client_is_made_and_its_token_shown_once_and_stored_hashed(self, client, world):
        client.force_login(world.users["coordinator"])
        response = client.post(
            reverse("api_clients:list"),
            {"name": "Gemeente dashboard", "scopes": ["statistics:read"], "days": "30"},
        )
        page = response.content.decode()
        shown = re.search(r"kvo_[A-Za-z0-9]+_[A-Za-z0-9_-]+", page)[0]
        assert "no-store" in response["Cache-Control"]
        made = ApiClient.objects.get(name="Gemeente dashboard")
        stored = made.tokens.get()
        assert shown.split("_")[1] == stored.prefix and shown not in stored.digest
        assert timezone.now() + timedelta(days=29) < stored.expires_at
        listed = client.get(reverse("api_clients:list")).content.decode()
        assert f"kvo_{stored.prefix}…" in listed and shown not in listed
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"api.client.created", "api.token.issued"} <= actions

    def test_a_client_that_files_reports_needs_shops(self, client, world):
        client.force_login(world.users["coordinator"])
        response = client.post(
            reverse("api_clients:list"),
            {"name": "Keten", "scopes": ["incidents:write"], "days": "30"},
        )
        assert response.status_code == 400
        assert "heeft zijn winkels nodig" in response.content.decode()


class TestTokens:
    def test_the_figures_are_anonymous_and_of_the_own_partnership_only(self, client, world, token):
        report(world.users["participant"], world.shop, person_name="Jan de Vries", witness="P.")
        report(world.users["other_participant"], world.zwolle_shop)
        response = client.get(FACTS, **bearer(token))
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        (facts,) = body["results"]
        assert facts["kind"] == "shoplifting" and facts["police_report_filed"] is True
        text = response.content.decode()
        for personal in ("Jan de Vries", "person", "description", "witness", "reporter"):
            assert personal not in text
        call = AuditEvent.objects.filter(action="api.call").latest("pk")
        assert call.object_id == str(world.api_client.pk) and call.data["status"] == 200

    @pytest.mark.parametrize(
        ("header", "detail"),
        [
            ({}, "Authenticatiegegevens zijn niet opgegeven."),
            (
                {"HTTP_AUTHORIZATION": "Bearer kvo_nothing_here"},
                "onbekend, verlopen of ingetrokken",
            ),
            ({"HTTP_AUTHORIZATION": "Token abc"}, "Gebruik 'Authorization: Bearer <token>'."),
        ],
    )
    def test_without_a_good_token_a_problem_401(self, client, world, header, detail):
        response = client.get(FACTS, **header)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 401 and detail in problem["detail"]

    def test_expired_revoked_and_rotated(self, client, world, token):
        assert client.get(FACTS, **bearer(token)).status_code == 200
        new = tokens.rotate(world.api_client, actor=world.users["coordinator"])
        # The old one runs a week more, then stops; the new one works.
        assert client.get(FACTS, **bearer(token)).status_code == 200
        ApiToken.objects.filter(prefix=token.split("_")[1]).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert client.get(FACTS, **bearer(token)).status_code == 401
        assert client.get(FACTS, **bearer(new)).status_code == 200
        tokens.revoke_client(world.api_client, actor=world.users["coordinator"])
        assert client.get(FACTS, **bearer(new)).status_code == 401

    def test_a_missing_scope_is_a_403_problem(self, client, world, token):
        ApiClient.objects.filter(pk=world.api_client.pk).update(scopes=["incidents:read"])
        response = client.get(FACTS, **bearer(token))
        assert response.status_code == 403
        assert "statistics:read" in response.json()["detail"]

    def test_english_when_asked(self, client, world):
        response = client.get(FACTS, HTTP_ACCEPT_LANGUAGE="en")
        assert response.json()["detail"] == "Authentication credentials were not provided."

    def test_bad_filters_are_a_400_problem_with_the_fields(self, client, world, token):
        response = client.get(FACTS, {"since": "2026-13-01", "area": "x"}, **bearer(token))
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"since", "area"}

    def test_rate_limited_per_client(self, client, world, token, monkeypatch):
        monkeypatch.setattr(ClientRateThrottle, "rate", "3/minute", raising=False)
        statuses = [client.get(FACTS, **bearer(token)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]


def test_the_schema_is_valid_openapi_3_and_documents_the_token(client, tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["clientToken"]["scheme"] == "bearer"
    served = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert served.status_code == 200
    docs = client.get(reverse("api:docs")).content.decode()
    assert "cdn" not in docs.lower() and "swagger-ui" in docs  # served by the app itself
    assert "/register/" not in io.StringIO(path.read_text()).read()
