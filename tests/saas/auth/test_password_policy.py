"""The password policy: long enough and hard to guess, wherever a password is set."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from saas.auth import services as accounts
from saas.auth.models import User
from saas.auth.password_policy import password_problem, user_inputs
from saas.db import db
from saas.demo import DEMO_PASSWORD
from saas.errors import ValidationFailed
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient, link_in


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", "qwertyuiop", "iloveyou1", "Summer2024!", "aaaaaaaaaaaa"],
)
def test_common_and_guessable_passwords_are_refused_with_advice(password):
    problem = password_problem(password)
    assert problem is not None and problem.startswith("This password is too easy to guess.")
    assert len(problem) > len("This password is too easy to guess. ")


def test_a_password_made_of_the_persons_own_words_is_refused():
    inputs = user_inputs("sam@acme.example.com", "Sam Smith", "acme", "Acme Corp")
    for password in ("samsmith99", "acmecorp2024", "SamSmith@acme"):
        problem = password_problem(password, inputs=inputs)
        assert problem is not None and "Avoid your name" in problem, password
    # The same letters are fine for someone else.
    assert password_problem("acmecorp2024") is None


@pytest.mark.parametrize(
    "password",
    ["correct horse battery", "a long enough passphrase", "my brand new password", DEMO_PASSWORD],
)
def test_passphrases_and_the_demo_password_pass(password):
    assert password_problem(password) is None


def test_length_limits_stay():
    assert password_problem("Xq7#") == "Use at least 8 characters."
    assert password_problem("Xq7#vL9!" * 17) == "Use at most 128 characters."


def test_signup_shows_the_reason_next_to_the_password(app):
    response = app.test_client().post(
        "/signup",
        data={
            "company": "Blue Fin Travel",
            "slug": "bluefin",
            "name": "Ana Lima",
            "email": "ana@bluefin.example.com",
            "password": "bluefin2024",
        },
        base_url="http://localhost",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="password-error"' in page and "too easy to guess" in page
    assert "Avoid your name, your e-mail address and the workspace" in page


def test_reset_refuses_a_common_password_and_keeps_the_link(app, tenant, mail):
    tc = TenantClient(app, tenant)
    tc.post("/password/forgot", data={"email": tenant["admin_email"]})
    path = link_in(mail[0])
    refused = tc.post(path, data={"password": "password123"})
    assert refused.status_code == 422
    assert "too easy to guess" in refused.get_data(as_text=True)
    assert tc.post(path, data={"password": "my brand new password"}).status_code == 303


def test_invitation_refuses_the_invitees_name(app, tenant, client, mail):
    client.post(
        "/admin/users/invite",
        data={"name": "Nia Brown", "email": "nia@acme.example.com", "role": "member"},
    )
    path = link_in(mail[0])
    invitee = TenantClient(app, tenant)
    refused = invitee.post(path, data={"name": "Nia Brown", "password": "niabrown1"})
    assert refused.status_code == 422
    assert "Avoid your name" in refused.get_data(as_text=True)
    accepted = invitee.post(path, data={"name": "Nia Brown", "password": "nia's password"})
    assert accepted.status_code == 303
    assert invitee.get(path).status_code == 404


def test_create_user_refuses_a_weak_password(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        with pytest.raises(ValidationFailed) as caught:
            accounts.create_user(
                email="leo@acme.example.com", name="Leo", role="member", password="acmecorp1"
            )
        assert caught.value.field == "password" and "Avoid your name" in caught.value.message
        assert db.session.scalar(select(User).where(User.email == "leo@acme.example.com")) is None


def test_cli_tenant_create_refuses_a_weak_password(app):
    from saas.cli import tenant_create

    result = CliRunner().invoke(
        tenant_create,
        [
            "--slug",
            "initech",
            "--name",
            "Initech",
            "--admin-email",
            "bill@initech.example.com",
            "--admin-password",
            "initech123",
        ],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert result.exit_code == 2
    assert "Error: password: This password is too easy to guess." in result.output
