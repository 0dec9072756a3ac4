from __future__ import annotations

import pytest

from saas.auth import api_tokens
from saas.auth.models import User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user


class Api:
    """A JSON client for one user's token."""

    def __init__(self, app, token: str) -> None:
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **kwargs):
        return self.client.get(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def post(self, path, json=None, **kwargs):
        return self.client.post(
            path, json=json, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def patch(self, path, json=None, **kwargs):
        return self.client.patch(
            path, json=json, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def put(self, path, json=None, **kwargs):
        return self.client.put(path, json=json, headers=self.headers, **kwargs)

    def delete(self, path, **kwargs):
        return self.client.delete(path, headers=self.headers, **kwargs)


def token_for(app, tenant: dict, user_id) -> str:
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.get(User, (tenant["id"], user_id))
        _, raw = api_tokens.create_api_token(user=user, name="tests")
        db.session.commit()
    return raw


@pytest.fixture
def api(app, tenant) -> Api:
    """Acme's admin through the API."""
    return Api(app, token_for(app, tenant, tenant["admin_id"]))


@pytest.fixture
def member_api(app, tenant) -> Api:
    user_id = add_user(app, tenant, email="member@acme.example.com", role="member")
    return Api(app, token_for(app, tenant, user_id))


@pytest.fixture
def other_api(app, other_tenant) -> Api:
    return Api(app, token_for(app, other_tenant, other_tenant["admin_id"]))
