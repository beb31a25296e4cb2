"""The OpenAPI description is a valid OpenAPI 3.0 document (openapi-spec-validator), and the
examples it carries match the schemas they illustrate."""

import json

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import OpenAPIV30SpecValidator

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_validates(spec):
    errors = [error.message for error in OpenAPIV30SpecValidator(spec).iter_errors()]
    assert errors == []


def test_a_default_matches_its_own_pattern(spec):
    homonym = spec["components"]["schemas"]["BulkRowRequest"]["properties"]["homonym"]
    (pattern,) = [choice for choice in homonym["oneOf"] if "pattern" in choice]
    assert OAS30Validator(pattern).is_valid(pattern["default"])


def _examples(spec):
    """(operation, media schema, example value) for every example of a request or a response."""
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            bodies = [operation.get("requestBody", {})] + list(operation["responses"].values())
            for body in bodies:
                for media in body.get("content", {}).values():
                    for example in media.get("examples", {}).values():
                        yield f"{method.upper()} {path}", media["schema"], example["value"]


def test_the_writes_carry_examples_that_match_their_schemas(spec):
    examples = list(_examples(spec))
    operations = {operation for operation, _schema, _value in examples}
    assert {"POST /api/v1/registrations/", "POST /api/v1/registrations/bulk/"} <= operations
    wrong = []
    for operation, schema, value in examples:
        resolved = {**schema, "components": spec["components"]}
        errors = list(OAS30Validator(resolved).iter_errors(value))
        if errors:
            wrong.append(f"{operation}: {errors[0].message}")
    assert wrong == []
    # The check can fail: an example that breaks its schema is reported.
    bulk = next(s for o, s, v in examples if o == "POST /api/v1/registrations/bulk/")
    broken = {"campaign": "douze", "rows": []}
    assert not OAS30Validator({**bulk, "components": spec["components"]}).is_valid(broken)
