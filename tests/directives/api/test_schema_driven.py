"""The API driven from its own OpenAPI schema by schemathesis, against the live server.

Every operation of /api/v1/schema/ gets a bounded number of generated requests (derandomized,
so each run sends the same) with a read-and-write token of a lead unit's staff; each answer must
be no server error and must match the schema (status code and body). This is what a client
generated from the schema would meet.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from directives import actions
from tests.security.world import ASSIGNER, LEAD_STAFF, build_world

EXAMPLES = 8  # per operation: bounded, the whole run stays well under a minute


@pytest.fixture
def api_schema(transactional_db, live_server, settings):  # noqa: F811
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    _token, key = actions.create_api_token(
        world.users[LEAD_STAFF], name="schemathesis", scopes="read write"
    )
    _token, leader_key = actions.create_api_token(
        world.users[ASSIGNER], name="schemathesis", scopes="read write"
    )
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    raw = client.get("/api/v1/schema/", {"format": "json"}).json()
    return schemathesis.openapi.from_dict(raw), live_server.url, key, leader_key, world


def test_every_operation_answers_as_its_schema_says(api_schema):
    schema, base_url, staff_key, leader_key, world = api_schema
    # The world's own objects in the paths, so generated bodies meet real records (a random id
    # is only a 404); the assigning body's leader for the leaders' operations.
    ids = {"extensions": world.extension.pk, "assignments": world.assignment.pk}
    ids.update({"documents": world.document.pk, "directives": world.directive.pk})
    leaders = ("/decision/", "/urge/", "/dashboard/")
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16
    sent = 0
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def probe(case):
            nonlocal sent
            if "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = ids[case.path.split("/")[3]]
            key = leader_key if any(p in case.path for p in leaders) else staff_key
            response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {key}"})
            sent += 1
            case.validate_response(response, checks=checks)

        probe()
    assert sent >= len(operations)
