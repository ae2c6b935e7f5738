"""The API's permission matrix asked again with bearer tokens instead of sessions.

The rows are tests/test_permission_matrix.py's API_MATRIX (every endpoint × method × role);
here each role's requests carry its own read-and-write token, so token authentication can
grant nothing a session is refused, and a refused request writes nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from directives import actions
from tests.directives.api.conftest import ApiClient
from tests.security.world import ANONYMOUS, ROLES

# The matrix's world, built once for this module (each test's writes roll back to a savepoint).
from tests.test_permission_matrix import (
    API_MATRIX,
    METHOD_NAMES,
    matrix_world,  # noqa: F401
    request_as,
)


@pytest.fixture
def world(matrix_world, db):  # noqa: F811
    return matrix_world


@pytest.fixture
def token_clients(world):
    clients = {ANONYMOUS: ApiClient()}
    for role in ROLES:
        if role != ANONYMOUS:
            _token, key = actions.create_api_token(
                world.users[role], name=f"Ma trận {role}", scopes="read write"
            )
            clients[role] = ApiClient(key)
    return clients


@pytest.mark.parametrize("name", sorted(API_MATRIX))
def test_api_matrix_with_tokens(world, token_clients, name):
    spec = API_MATRIX[name]
    args = spec.get("args")
    url = reverse(name, args=args(world) if args else None) + spec.get("query", "")
    mismatches = []
    for method in METHOD_NAMES:
        if method not in spec:
            continue
        for role in ROLES:
            expected = spec[method][role]
            got = request_as(token_clients[role], role, method, url, spec.get("data", {}))
            if got != expected:
                mismatches.append(f"{method} as {role}: expected {expected}, got {got}")
    assert not mismatches, f"{name} ({url}):\n  " + "\n  ".join(mismatches)


def test_read_only_tokens_write_nothing(world):
    """Every write endpoint refuses every role's read-only token with 403, before reading."""
    writes = [n for n, spec in API_MATRIX.items() if "POST" in spec and "GET" in spec
              and spec["GET"].get("lead_staff") == 405]  # fmt: skip
    for role in ROLES:
        if role == ANONYMOUS:
            continue
        _token, key = actions.create_api_token(world.users[role], name="chỉ đọc", scopes="read")
        client = ApiClient(key)
        for name in writes:
            args = API_MATRIX[name].get("args")
            url = reverse(name, args=args(world) if args else None)
            got = request_as(client, role, "POST", url, {})
            assert got == 403, f"POST {url} as {role} with a read-only token: {got}"
