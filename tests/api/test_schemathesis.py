"""schemathesis against the live schema (the app's own /api/schema/, served through WSGI):
generated requests on every operation never get a 500, and every answer matches the schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from cqpm.wsgi import application
from tests.factories.referentials import referential_with_capacities

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def _keep_the_test_connection():
    # Django's own test client does this: a WSGI request must not close the connection that
    # holds the test's transaction (PostgreSQL, CONN_MAX_AGE > 0).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(_keep_the_test_connection, scenario, api_for, staff_a):
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
