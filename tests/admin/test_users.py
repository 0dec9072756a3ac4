"""The admin's users page: roles, deactivation and reactivation."""

from __future__ import annotations

from sqlalchemy import select

from saas.auth.models import User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient, add_user


def _user(app, tenant, email):
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.scalar(select(User).where(User.email == email))
        return {"id": user.id, "role": user.role, "is_active": user.is_active}


def test_users_page_lists_only_this_tenants_users(app, tenant, other_tenant, client):
    add_user(app, tenant, email="ivy@acme.example.com", name="Ivy Acme")
    add_user(app, other_tenant, email="gus@globex.example.com", name="Gus Globex")
    page = client.get("/admin/users/").get_data(as_text=True)
    assert "Ivy Acme" in page and "Gus Globex" not in page


def test_deactivate_and_reactivate(app, tenant, client):
    add_user(app, tenant, email="ivy@acme.example.com", password="ivy password 1")
    ivy = _user(app, tenant, "ivy@acme.example.com")
    assert client.post(f"/admin/users/{ivy['id']}/deactivate").status_code == 303
    assert _user(app, tenant, "ivy@acme.example.com")["is_active"] is False
    response = TenantClient(app, tenant).post(
        "/login", data={"email": "ivy@acme.example.com", "password": "ivy password 1"}
    )
    assert response.status_code == 401
    assert client.post(f"/admin/users/{ivy['id']}/reactivate").status_code == 303
    assert TenantClient(app, tenant).login("ivy@acme.example.com", "ivy password 1")


def test_admin_cannot_deactivate_self_or_the_last_admin(app, tenant, client):
    response = client.post(f"/admin/users/{tenant['admin_id']}/deactivate", follow_redirects=True)
    assert "You cannot deactivate yourself." in response.get_data(as_text=True)
    assert _user(app, tenant, tenant["admin_email"])["is_active"] is True
    response = client.post(
        f"/admin/users/{tenant['admin_id']}/role", data={"role": "member"}, follow_redirects=True
    )
    assert "at least one active admin" in response.get_data(as_text=True)
    assert _user(app, tenant, tenant["admin_email"])["role"] == "admin"


def test_change_role(app, tenant, client):
    add_user(app, tenant, email="ivy@acme.example.com")
    ivy = _user(app, tenant, "ivy@acme.example.com")
    assert (
        client.post(f"/admin/users/{ivy['id']}/role", data={"role": "manager"}).status_code == 303
    )
    assert _user(app, tenant, "ivy@acme.example.com")["role"] == "manager"
    client.post(f"/admin/users/{ivy['id']}/role", data={"role": "emperor"})
    assert _user(app, tenant, "ivy@acme.example.com")["role"] == "manager"


def test_members_and_managers_get_403_on_admin_pages(app, tenant, login_as):
    add_user(app, tenant, email="mem@acme.example.com", role="member", password="member pass 1")
    add_user(app, tenant, email="man@acme.example.com", role="manager", password="manager pass 1")
    for email, password in [
        ("mem@acme.example.com", "member pass 1"),
        ("man@acme.example.com", "manager pass 1"),
    ]:
        tc = login_as(tenant, email, password)
        assert tc.get("/admin/users/").status_code == 403
        assert (
            tc.post(
                "/admin/users/invite",
                data={"name": "x", "email": "x@acme.example.com", "role": "admin"},
            ).status_code
            == 403
        )
        assert tc.post(f"/admin/users/{tenant['admin_id']}/deactivate").status_code == 403
    assert _user(app, tenant, tenant["admin_email"])["is_active"] is True


def test_unknown_or_malformed_user_id_is_404(app, tenant, client):
    assert client.post("/admin/users/not-a-uuid/deactivate").status_code == 404
    assert (
        client.post("/admin/users/00000000-0000-7000-8000-000000000000/deactivate").status_code
        == 404
    )
