"""Password reset by e-mail and invitations (links that set a password)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from saas import clock
from saas.auth.models import User, UserToken
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient, link_in


def test_password_reset_by_email(app, tenant, mail):
    tc = TenantClient(app, tenant)
    response = tc.post("/password/forgot", data={"email": tenant["admin_email"]})
    assert response.status_code == 303
    assert len(mail) == 1 and mail[0]["to"] == tenant["admin_email"]
    path = link_in(mail[0])
    assert path.startswith("/password/reset/")
    assert "acme.localhost" in mail[0]["body"]

    assert tc.get(path).status_code == 200
    too_short = tc.post(path, data={"password": "short"})
    assert too_short.status_code == 422 and "8 to 128" in too_short.get_data(as_text=True)
    done = tc.post(path, data={"password": "my brand new password"})
    assert done.status_code == 303
    assert TenantClient(app, tenant).login(tenant["admin_email"], "my brand new password")
    # The link works once.
    assert tc.get(path).status_code == 404


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(app, tenant, mail):
    response = TenantClient(app, tenant).post(
        "/password/forgot", data={"email": "nobody@acme.example.com"}
    )
    assert response.status_code == 303
    assert mail == []


def test_reset_with_bad_email_gives_field_error(app, tenant, mail):
    response = TenantClient(app, tenant).post("/password/forgot", data={"email": "nope"})
    assert response.status_code == 422
    assert "not valid" in response.get_data(as_text=True)


def test_reset_link_expires(app, tenant, mail):
    tc = TenantClient(app, tenant)
    tc.post("/password/forgot", data={"email": tenant["admin_email"]})
    path = link_in(mail[0])
    with app.app_context(), tenant_scope(tenant["id"]):
        token = db.session.scalar(select(UserToken).where(UserToken.purpose == "reset"))
        token.expires_at = clock.now() - dt.timedelta(seconds=1)
        db.session.commit()
    response = tc.post(path, data={"password": "my brand new password"})
    assert response.status_code == 404
    assert "invalid or has expired" in response.get_data(as_text=True)


def test_reset_link_of_one_tenant_is_useless_on_another(app, tenant, other_tenant, mail):
    TenantClient(app, tenant).post("/password/forgot", data={"email": tenant["admin_email"]})
    path = link_in(mail[0])
    assert TenantClient(app, other_tenant).get(path).status_code == 404


def test_invitation_flow(app, tenant, client, mail):
    response = client.post(
        "/admin/users/invite",
        data={"name": "Nia Brown", "email": "nia@acme.example.com", "role": "manager"},
    )
    assert response.status_code == 303
    page = client.get("/admin/users/").get_data(as_text=True)
    assert "Nia Brown" in page and "Invited" in page
    assert mail[0]["to"] == "nia@acme.example.com"
    assert "invited you to Acme Corp" in mail[0]["subject"]
    path = link_in(mail[0])

    invitee = TenantClient(app, tenant)
    form = invitee.get(path)
    assert form.status_code == 200 and "nia@acme.example.com" in form.get_data(as_text=True)
    accepted = invitee.post(path, data={"name": "Nia Brown", "password": "nia's password"})
    assert accepted.status_code == 303
    assert "Nia" in invitee.get("/").get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant["id"]):
        nia = db.session.scalar(select(User).where(User.email == "nia@acme.example.com"))
        assert nia.role == "manager" and nia.password_hash.startswith("$argon2id$")
    assert invitee.get(path).status_code == 404


def test_invitation_bad_input_writes_nothing(app, tenant, client, mail):
    cases = [
        ({"name": "", "email": "x@acme.example.com", "role": "member"}, "Enter a name."),
        ({"name": "X", "email": "bad", "role": "member"}, "not valid"),
        ({"name": "X", "email": "x@acme.example.com", "role": "owner"}, "Not a valid choice"),
        ({"name": "X" * 201, "email": "x@acme.example.com", "role": "member"}, "at most 200"),
        ({"name": "Dup", "email": tenant["admin_email"], "role": "member"}, "already exists"),
    ]
    for data, message in cases:
        response = client.post("/admin/users/invite", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    with app.app_context(), tenant_scope(tenant["id"]):
        assert len(db.session.scalars(select(User)).all()) == 1
    assert mail == []


def test_resend_invitation_invalidates_the_old_link(app, tenant, client, mail):
    client.post(
        "/admin/users/invite",
        data={"name": "Olu", "email": "olu@acme.example.com", "role": "member"},
    )
    first = link_in(mail[0])
    with app.app_context(), tenant_scope(tenant["id"]):
        olu_id = db.session.scalar(select(User.id).where(User.email == "olu@acme.example.com"))
    assert client.post(f"/admin/users/{olu_id}/resend").status_code == 303
    second = link_in(mail[1])
    assert first != second
    assert TenantClient(app, tenant).get(first).status_code == 404
    assert TenantClient(app, tenant).get(second).status_code == 200
