"""Property-based calls generated from the API's own OpenAPI schema (Schemathesis): whatever it
sends, with a token of every scope, no 500 and no answer that breaks the schema. In CI too."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from kvo.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture
def every_scope(world):
    from api import tokens
    from api.models import ApiClient, Scope

    client = ApiClient.objects.create(
        partnership=world.deventer, name="Alles", scopes=list(Scope.values)
    )
    client.shops.add(world.shop)
    assert world.incident.pk and world.dossier_item.pk
    return tokens.issue_token(client, actor=world.users["coordinator"])


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, every_scope):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {every_scope}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
