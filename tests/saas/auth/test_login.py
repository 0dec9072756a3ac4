"""Signing in and out, sessions, CSRF and login throttling."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import select

from saas.auth.models import User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient, add_user, make_tenant, test_config


def _login(tc: TenantClient, email: str, password: str, ip: str = "10.0.0.1"):
    return tc.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def test_login_then_home_then_logout(app, tenant):
    tc = TenantClient(app, tenant)
    assert tc.get("/").headers["Location"] == "/login"
    response = _login(tc, tenant["admin_email"], tenant["password"])
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Acme Corp" in tc.get("/").get_data(as_text=True)
    assert tc.post("/logout").status_code == 303
    assert tc.get("/").headers["Location"] == "/login"


def test_email_is_case_insensitive(app, tenant):
    tc = TenantClient(app, tenant)
    assert _login(tc, tenant["admin_email"].upper(), tenant["password"]).status_code == 303


def test_wrong_password_and_unknown_email_look_the_same(app, tenant):
    tc = TenantClient(app, tenant)
    wrong = _login(tc, tenant["admin_email"], "wrong password")
    unknown = _login(tc, "nobody@acme.example.com", "wrong password")
    assert wrong.status_code == unknown.status_code == 401
    message = "That e-mail and password do not match an active account."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_empty_login_form_gives_field_errors(app, tenant):
    response = _login(TenantClient(app, tenant), "", "")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter your e-mail address." in page and "Enter your password." in page


def test_same_email_in_two_tenants_are_two_accounts(app, tenant, other_tenant):
    add_user(app, other_tenant, email="sam@shared.example.com", password="globex password")
    add_user(app, tenant, email="sam@shared.example.com", password="acme password 1")
    assert (
        _login(TenantClient(app, tenant), "sam@shared.example.com", "globex password").status_code
        == 401
    )
    assert (
        _login(TenantClient(app, tenant), "sam@shared.example.com", "acme password 1").status_code
        == 303
    )
    assert (
        _login(
            TenantClient(app, other_tenant), "sam@shared.example.com", "globex password"
        ).status_code
        == 303
    )


def test_login_starts_a_new_session(app, tenant):
    tc = TenantClient(app, tenant)
    with tc.client.session_transaction(base_url=tc.base_url) as session:
        session["planted"] = "by an attacker"
    _login(tc, tenant["admin_email"], tenant["password"])
    with tc.client.session_transaction(base_url=tc.base_url) as session:
        assert "planted" not in session
        assert session["tenant_id"] == str(tenant["id"])


def test_password_change_ends_other_sessions(app, tenant):
    from saas.auth.passwords import hash_password

    tc = TenantClient(app, tenant)
    tc.login(tenant["admin_email"], tenant["password"])
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.scalar(select(User))
        user.password_hash = hash_password("another password")
        db.session.commit()
    assert tc.get("/").headers["Location"] == "/login"


def test_deactivated_user_cannot_log_in_and_is_signed_out(app, tenant):
    add_user(app, tenant, email="max@acme.example.com", password="max password 1")
    tc = TenantClient(app, tenant)
    tc.login("max@acme.example.com", "max password 1")
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.scalar(select(User).where(User.email == "max@acme.example.com"))
        user.is_active = False
        db.session.commit()
    assert tc.get("/").headers["Location"] == "/login"
    assert (
        _login(TenantClient(app, tenant), "max@acme.example.com", "max password 1").status_code
        == 401
    )


def test_open_redirect_after_login_is_refused(app, tenant):
    tc = TenantClient(app, tenant)
    response = tc.post(
        "/login?next=//evil.example.com/",
        data={"email": tenant["admin_email"], "password": tenant["password"]},
    )
    assert response.headers["Location"] == "/"
    tc2 = TenantClient(app, tenant)
    response = tc2.post(
        "/login?next=/settings/tokens/",
        data={"email": tenant["admin_email"], "password": tenant["password"]},
    )
    assert response.headers["Location"] == "/settings/tokens/"


def test_passwords_are_argon2id_with_the_required_cost(app, production_hashing):
    tenant = make_tenant(app, "acme")
    with app.app_context(), tenant_scope(tenant["id"]):
        stored = db.session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 46 * 1024 and int(params["t"]) >= 1


def test_hash_is_upgraded_when_parameters_change(app, tenant, production_hashing):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("weak old hash pw")
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.scalar(select(User))
        user.password_hash = weak
        db.session.commit()
    assert (
        _login(TenantClient(app, tenant), tenant["admin_email"], "weak old hash pw").status_code
        == 303
    )
    with app.app_context(), tenant_scope(tenant["id"]):
        upgraded = db.session.scalar(select(User.password_hash))
    assert upgraded != weak and "m=47104" in upgraded


def test_throttle_per_account_spares_the_real_user_elsewhere(app, tenant):
    attacker = TenantClient(app, tenant)
    for _ in range(10):
        assert _login(attacker, tenant["admin_email"], "guess", ip="203.0.113.9").status_code == 401
    blocked = _login(attacker, tenant["admin_email"], tenant["password"], ip="203.0.113.9")
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.get_data(as_text=True)
    real_user = TenantClient(app, tenant)
    assert (
        _login(real_user, tenant["admin_email"], tenant["password"], ip="198.51.100.7").status_code
        == 303
    )


def test_throttle_per_ip_covers_every_account(app, tenant):
    tc = TenantClient(app, tenant)
    for i in range(30):
        _login(tc, f"user{i}@acme.example.com", "guess", ip="203.0.113.50")
    response = _login(tc, tenant["admin_email"], tenant["password"], ip="203.0.113.50")
    assert response.status_code == 429
    assert "from your network" in response.get_data(as_text=True)
    assert (
        _login(
            TenantClient(app, tenant), tenant["admin_email"], tenant["password"], ip="203.0.113.51"
        ).status_code
        == 303
    )


def test_failures_are_forgotten_after_a_successful_login(app, tenant):
    tc = TenantClient(app, tenant)
    for _ in range(9):
        _login(tc, tenant["admin_email"], "guess")
    assert _login(tc, tenant["admin_email"], tenant["password"]).status_code == 303
    tc2 = TenantClient(app, tenant)
    for _ in range(9):
        assert _login(tc2, tenant["admin_email"], "guess").status_code == 401
    assert _login(tc2, tenant["admin_email"], tenant["password"]).status_code == 303


def test_csrf_is_enforced_on_forms(database_urls, app, tenant):
    from saas.app import create_app

    csrf_app = create_app(test_config(*database_urls, WTF_CSRF_ENABLED=True))
    tc = TenantClient(csrf_app, tenant)
    response = tc.post(
        "/login", data={"email": tenant["admin_email"], "password": tenant["password"]}
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    page = tc.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = tc.post(
        "/login",
        data={"email": tenant["admin_email"], "password": tenant["password"], "csrf_token": token},
    )
    assert response.status_code == 303
    with csrf_app.app_context():
        db.engine.dispose()
