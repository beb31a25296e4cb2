"""schemathesis against the live schema (the app's own /api/schema/, served through WSGI):
generated requests on every operation never get a 500, and every answer matches the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from cqpm.wsgi import application
from tests.factories.referentials import referential_with_capacities

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def bearer(scenario, api_for, staff_a):
    """Staff of centre A with a read-write token, and data at every step to read."""
    referential_with_capacities(2)
    return {"Authorization": f"Bearer {api_for(staff_a).token}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_honours_its_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])
