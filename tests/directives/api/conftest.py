"""API fixtures: a client that sends a bearer token, and tokens for the shared role users."""

from __future__ import annotations

import pytest
from django.test import Client

from directives import actions


class ApiClient(Client):
    """The test client with `Authorization: Bearer <key>` on every request, JSON bodies."""

    def __init__(self, key: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.key = key

    def _base_environ(self, **request):
        environ = super()._base_environ(**request)
        if self.key:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {self.key}"
        return environ

    def post_json(self, path, data):
        return self.post(path, data, content_type="application/json")


@pytest.fixture
def api_for():
    """api_for(user, scopes="read write") → a client with a fresh token of `user`."""

    def make(user, scopes="read write", name="Thử nghiệm"):
        _token, key = actions.create_api_token(user, name=name, scopes=scopes)
        return ApiClient(key)

    return make


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
