"""Two-factor sign-in: enrolment, the second sign-in step, recovery codes, the workspace's
requirement, an admin's reset, the security log and the sign-in throttle."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from sqlalchemy import func, select

from saas import clock
from saas.auth.models import LoginFailure, RecoveryCode, TwoFactorCredential, User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient, add_user

MEMBER = "mia@acme.example.com"
MEMBER_PASSWORD = "member password 1"


@pytest.fixture
def frozen():
    """The clock standing still in the middle of a 30-second step."""
    with clock.travel(dt.datetime(2026, 12, 2, 10, 0, 15, tzinfo=dt.UTC), tick=False):
        yield


def code_at(secret: str, *, steps_later: int = 0) -> str:
    return pyotp.TOTP(secret).at(int(clock.now().timestamp()) + 30 * steps_later)


def enrol(tc: TenantClient) -> tuple[str, list[str]]:
    """Set up two-factor sign-in through the pages; the secret and the recovery codes."""
    assert tc.post("/settings/two-factor/start").status_code == 303
    page = tc.get("/settings/two-factor/").get_data(as_text=True)
    secret = re.search(r'data-testid="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = tc.post("/settings/two-factor/confirm", data={"code": code_at(secret)})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == "/settings/two-factor/recovery-codes"
    codes_page = tc.get("/settings/two-factor/recovery-codes").get_data(as_text=True)
    codes = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", codes_page)
    return secret, codes


def password_step(tc: TenantClient, email: str, password: str, ip: str = "10.0.0.1"):
    return tc.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def code_step(tc: TenantClient, code: str, ip: str = "10.0.0.1"):
    return tc.post("/login/two-factor", data={"code": code}, environ_base={"REMOTE_ADDR": ip})


def signed_in(tc: TenantClient) -> bool:
    return tc.get("/").status_code == 200


@pytest.fixture
def member(app, tenant) -> TenantClient:
    add_user(app, tenant, email=MEMBER, password=MEMBER_PASSWORD)
    tc = TenantClient(app, tenant)
    tc.login(MEMBER, MEMBER_PASSWORD)
    return tc


def _names(events: list[dict]) -> list[str]:
    return [event["event"] for event in events]


# Enrolment --------------------------------------------------------------------------------


def test_enrolment_shows_a_local_qr_code_and_the_key_then_needs_a_code(
    app, tenant, member, frozen, logged_events
):
    assert "Two-factor sign-in is off" in member.get("/settings/two-factor/").get_data(as_text=True)
    member.post("/settings/two-factor/start")
    page = member.get("/settings/two-factor/").get_data(as_text=True)
    assert 'class="qr-code"' in page and "<title>QR code" in page
    assert "http" not in page.split('data-testid="qr-code">')[1].split("</figure>")[0]
    secret = re.search(r'data-testid="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert len(secret) == 32

    wrong = member.post("/settings/two-factor/confirm", data={"code": "000000"})
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant["id"]):
        credential = db.session.scalar(select(TwoFactorCredential))
        assert credential.confirmed_at is None
        assert secret not in credential.secret_encrypted  # encrypted at rest

    right = member.post("/settings/two-factor/confirm", data={"code": code_at(secret)})
    assert right.status_code == 303
    codes_page = member.get("/settings/two-factor/recovery-codes")
    codes = re.findall(
        r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", codes_page.get_data(as_text=True)
    )
    assert len(set(codes)) == 10
    # Shown once: the page does not show them again.
    assert member.get("/settings/two-factor/recovery-codes").status_code == 303
    with app.app_context(), tenant_scope(tenant["id"]):
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10
    assert not any(code.replace("-", "") in stored for code in codes for stored in hashes)
    assert "two_factor.enrolled" in _names(logged_events(tenant))
    assert "10 of 10 recovery codes left" in member.get("/settings/two-factor/").get_data(
        as_text=True
    )


def test_starting_again_replaces_an_unconfirmed_secret(member, frozen):
    member.post("/settings/two-factor/start")
    first = member.get("/settings/two-factor/").get_data(as_text=True)
    member.post("/settings/two-factor/start")
    second = member.get("/settings/two-factor/").get_data(as_text=True)
    key = re.compile(r'data-testid="secret-key">([A-Z2-7 ]+)<')
    assert key.search(first).group(1) != key.search(second).group(1)
    member.post("/settings/two-factor/cancel")
    assert "Two-factor sign-in is off" in member.get("/settings/two-factor/").get_data(as_text=True)


# Signing in -------------------------------------------------------------------------------


def test_sign_in_asks_for_a_code_after_the_password(app, tenant, member, frozen, logged_events):
    secret, _codes = enrol(member)
    tc = TenantClient(app, tenant)
    response = password_step(tc, MEMBER, MEMBER_PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/login/two-factor"
    assert not signed_in(tc)  # the password alone does not open the account
    assert "trellis_device" not in response.headers.get("Set-Cookie", "")
    assert "Enter your code" in tc.get("/login/two-factor").get_data(as_text=True)

    done = code_step(tc, code_at(secret, steps_later=1))
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert "trellis_device=" in done.headers["Set-Cookie"]
    assert signed_in(tc)
    sign_in = [e for e in logged_events(tenant) if e["event"] == "auth.sign_in"][-1]
    assert sign_in["details"] == {"method": "password", "second_factor": "totp"}


def test_a_wrong_code_is_refused_counted_and_logged(app, tenant, member, frozen, logged_events):
    enrol(member)
    tc = TenantClient(app, tenant)
    password_step(tc, MEMBER, MEMBER_PASSWORD)
    response = code_step(tc, "123456")
    assert response.status_code == 401
    assert "That code is not right" in response.get_data(as_text=True)
    assert not signed_in(tc)
    failed = [e for e in logged_events(tenant) if e["event"] == "auth.two_factor_failed"]
    assert failed and failed[0]["actor"] == MEMBER and failed[0]["ip"] == "10.0.0.1"
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(LoginFailure).where(LoginFailure.second_factor)
            )
            == 1
        )


def test_a_code_is_not_accepted_twice(app, tenant, member, frozen):
    secret, _codes = enrol(member)
    # The code that confirmed the enrolment is used up: it cannot sign in.
    tc = TenantClient(app, tenant)
    password_step(tc, MEMBER, MEMBER_PASSWORD)
    assert code_step(tc, code_at(secret)).status_code == 401
    # A later step's code signs in once; the same code again, within its window, does not.
    assert code_step(tc, code_at(secret, steps_later=1)).status_code == 303
    again = TenantClient(app, tenant)
    password_step(again, MEMBER, MEMBER_PASSWORD)
    assert code_step(again, code_at(secret, steps_later=1)).status_code == 401
    # Nor does an older code that is still within the window.
    assert code_step(again, code_at(secret, steps_later=-1)).status_code == 401
    assert not signed_in(again)


def test_codes_outside_the_window_are_refused(app, tenant, member, frozen):
    secret, _codes = enrol(member)
    tc = TenantClient(app, tenant)
    password_step(tc, MEMBER, MEMBER_PASSWORD)
    assert code_step(tc, code_at(secret, steps_later=2)).status_code == 401
    assert code_step(tc, code_at(secret, steps_later=-2)).status_code == 401


def test_a_recovery_code_signs_in_once(app, tenant, member, frozen, logged_events):
    _secret, codes = enrol(member)
    tc = TenantClient(app, tenant)
    password_step(tc, MEMBER, MEMBER_PASSWORD)
    done = code_step(tc, codes[3].lower().replace("-", " "))  # typed loosely
    assert done.status_code == 303 and signed_in(tc)
    assert "9 of 10 recovery codes left" in tc.get("/settings/two-factor/").get_data(as_text=True)
    used = [e for e in logged_events(tenant) if e["event"] == "two_factor.recovery_code_used"]
    assert used[0]["details"] == {"codes_left": 9}
    sign_in = [e for e in logged_events(tenant) if e["event"] == "auth.sign_in"][-1]
    assert sign_in["details"]["second_factor"] == "recovery_code"

    again = TenantClient(app, tenant)
    password_step(again, MEMBER, MEMBER_PASSWORD)
    assert code_step(again, codes[3]).status_code == 401
    assert code_step(again, codes[4]).status_code == 303


def test_the_second_step_expires(app, tenant, member):
    with clock.travel(dt.datetime(2026, 12, 2, 10, 0, 15, tzinfo=dt.UTC), tick=False):
        secret, _codes = enrol(member)
        tc = TenantClient(app, tenant)
        password_step(tc, MEMBER, MEMBER_PASSWORD)
    with clock.travel(dt.datetime(2026, 12, 2, 10, 5, 30, tzinfo=dt.UTC), tick=False):
        response = code_step(tc, code_at(secret))
        assert response.status_code == 303 and response.headers["Location"] == "/login"
        assert not signed_in(tc)


def test_the_second_step_needs_a_password_first(app, tenant):
    tc = TenantClient(app, tenant)
    assert tc.get("/login/two-factor").headers["Location"] == "/login"
    assert code_step(tc, "123456").headers["Location"] == "/login"


def test_a_password_reset_does_not_skip_the_second_step(app, tenant, member, mail, frozen):
    secret, _codes = enrol(member)
    tc = TenantClient(app, tenant)
    tc.post("/password/forgot", data={"email": MEMBER})
    link = re.search(r"https?://[^/\s]+(/\S+)", mail[-1]["body"]).group(1)
    response = tc.post(link, data={"password": "a brand new passphrase 7"})
    assert response.status_code == 303 and response.headers["Location"] == "/login/two-factor"
    assert not signed_in(tc)
    assert code_step(tc, code_at(secret, steps_later=1)).status_code == 303
    assert signed_in(tc)


# Throttling -------------------------------------------------------------------------------


def test_wrong_codes_count_toward_the_sign_in_throttle(app, tenant, member, frozen, monkeypatch):
    secret, _codes = enrol(member)
    monkeypatch.setitem(app.config, "LOGIN_SECOND_FACTOR_FAILURES_PER_ACCOUNT", 3)
    tc = TenantClient(app, tenant)
    # The password step does not wipe the count of a two-factor user's failures: only a
    # finished sign-in does. Wrong codes from three addresses lock the second step out.
    for number in range(3):
        ip = f"10.0.1.{number}"
        assert password_step(tc, MEMBER, MEMBER_PASSWORD, ip=ip).status_code == 303
        assert code_step(tc, "000000", ip=ip).status_code == 401
    assert password_step(tc, MEMBER, MEMBER_PASSWORD, ip="10.0.9.9").status_code == 303
    refused = code_step(tc, code_at(secret, steps_later=1), ip="10.0.9.9")
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.get_data(as_text=True)
    assert not signed_in(tc)


def test_wrong_codes_count_toward_the_account_limit(app, tenant, member, frozen, monkeypatch):
    enrol(member)
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT", 2)
    tc = TenantClient(app, tenant)
    password_step(tc, MEMBER, MEMBER_PASSWORD)
    code_step(tc, "000000")
    code_step(tc, "000001")
    # From the address that failed, the account is now refused, the password too.
    assert password_step(tc, MEMBER, MEMBER_PASSWORD).status_code == 429


def test_a_finished_sign_in_clears_the_failures(app, tenant, member, frozen):
    secret, _codes = enrol(member)
    tc = TenantClient(app, tenant)
    password_step(tc, MEMBER, MEMBER_PASSWORD)
    code_step(tc, "000000")
    assert code_step(tc, code_at(secret, steps_later=1)).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


# Turning it off, new recovery codes -------------------------------------------------------


def test_turning_it_off_needs_the_password_or_a_code(app, tenant, member, frozen, logged_events):
    enrol(member)
    refused = member.post("/settings/two-factor/disable", data={"proof": "not my password"})
    assert refused.status_code == 403
    assert "neither your password nor a current code" in refused.get_data(as_text=True)
    assert "Two-factor sign-in is on" in member.get("/settings/two-factor/").get_data(as_text=True)
    done = member.post("/settings/two-factor/disable", data={"proof": MEMBER_PASSWORD})
    assert done.status_code == 303
    assert "two_factor.disabled" in _names(logged_events(tenant))
    tc = TenantClient(app, tenant)
    assert password_step(tc, MEMBER, MEMBER_PASSWORD).headers["Location"] == "/"
    with app.app_context(), tenant_scope(tenant["id"]):
        assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


def test_new_recovery_codes_replace_the_old_ones(app, tenant, member, frozen, logged_events):
    secret, old = enrol(member)
    response = member.post(
        "/settings/two-factor/recovery-codes", data={"proof": code_at(secret, steps_later=1)}
    )
    assert response.status_code == 303
    page = member.get("/settings/two-factor/recovery-codes").get_data(as_text=True)
    new = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert "two_factor.recovery_codes_regenerated" in _names(logged_events(tenant))
    tc = TenantClient(app, tenant)
    password_step(tc, MEMBER, MEMBER_PASSWORD)
    assert code_step(tc, old[0]).status_code == 401
    assert code_step(tc, new[0]).status_code == 303


# The workspace's requirement --------------------------------------------------------------


def test_requiring_it_needs_the_admin_to_use_it_first(client, tenant, logged_events, frozen):
    refused = client.post("/admin/security/", data={"required": "admins"})
    assert refused.status_code == 409
    assert "for your own account first" in refused.get_data(as_text=True)
    assert client.post("/admin/security/", data={"required": "sometimes"}).status_code == 422
    enrol(client)
    assert client.post("/admin/security/", data={"required": "admins"}).status_code == 303
    changed = [
        e for e in logged_events(tenant) if e["event"] == "settings.two_factor_requirement_changed"
    ]
    assert changed[0]["details"] == {
        "changes": {"two_factor_required": {"from": None, "to": "admins"}}
    }
    assert changed[0]["actor"] == tenant["admin_email"]


def _require(client, value: str) -> None:
    enrol(client)
    assert client.post("/admin/security/", data={"required": value}).status_code == 303


def test_required_for_admins_sends_an_admin_without_it_to_set_it_up(app, tenant, client, frozen):
    add_user(app, tenant, email="ada@acme.example.com", role="admin", password="admin password 2")
    add_user(app, tenant, email=MEMBER, password=MEMBER_PASSWORD)
    _require(client, "admins")
    assert "Ada" in client.get("/admin/security/").get_data(as_text=True)

    ada = TenantClient(app, tenant)
    response = password_step(ada, "ada@acme.example.com", "admin password 2")
    assert response.headers["Location"] == "/settings/two-factor/"
    for path in ("/", "/admin/users/", "/o/companies"):
        assert ada.get(path).headers["Location"] == "/settings/two-factor/"
    page = ada.get("/settings/two-factor/").get_data(as_text=True)
    assert 'data-testid="two-factor-required"' in page
    enrol(ada)
    assert ada.get("/").status_code == 200

    mia = TenantClient(app, tenant)
    assert password_step(mia, MEMBER, MEMBER_PASSWORD).headers["Location"] == "/"
    assert mia.get("/").status_code == 200


def test_required_for_everyone_covers_members_but_not_api_tokens(app, tenant, client, frozen):
    from saas.auth import api_tokens

    member_id = add_user(app, tenant, email=MEMBER, password=MEMBER_PASSWORD)
    mia = TenantClient(app, tenant)
    mia.login(MEMBER, MEMBER_PASSWORD)
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.get(User, (tenant["id"], member_id))
        _token, secret = api_tokens.create_api_token(user=user, name="script")
        db.session.commit()
    _require(client, "everyone")
    # A session signed in before the requirement is sent to set it up too.
    assert mia.get("/").headers["Location"] == "/settings/two-factor/"
    assert "Mia" in client.get("/admin/security/").get_data(as_text=True)
    api = app.test_client().get(
        "/api/v1/me", base_url=tenant["host"], headers={"Authorization": f"Bearer {secret}"}
    )
    assert api.status_code == 200


def test_single_sign_on_sessions_are_not_asked_to_enrol(app, tenant, client, frozen):
    add_user(app, tenant, email=MEMBER, password=MEMBER_PASSWORD)
    _require(client, "everyone")
    mia = TenantClient(app, tenant)
    mia.login(MEMBER, MEMBER_PASSWORD)
    assert mia.get("/").status_code == 302
    with mia.client.session_transaction(base_url=mia.base_url) as session:
        session["auth_method"] = "sso"
    assert mia.get("/").status_code == 200


def test_turning_it_off_when_required_leads_back_to_set_up(app, tenant, client, frozen):
    _require(client, "everyone")
    assert (
        client.post("/settings/two-factor/disable", data={"proof": tenant["password"]}).status_code
        == 303
    )
    assert client.get("/").headers["Location"] == "/settings/two-factor/"


# An admin's reset -------------------------------------------------------------------------


def test_an_admin_resets_a_users_two_factor(app, tenant, client, member, frozen, logged_events):
    enrol(member)
    page = client.get("/admin/users/").get_data(as_text=True)
    assert f'data-testid="two-factor-{MEMBER}"><span class="badge green">On' in page
    with app.app_context(), tenant_scope(tenant["id"]):
        member_id = db.session.scalar(select(User.id).where(User.email == MEMBER))
    response = client.post(f"/admin/users/{member_id}/two-factor/reset")
    assert response.status_code == 303
    reset = [e for e in logged_events(tenant) if e["event"] == "two_factor.reset"]
    assert reset[0]["actor"] == tenant["admin_email"] and reset[0]["target"] == MEMBER
    tc = TenantClient(app, tenant)
    assert password_step(tc, MEMBER, MEMBER_PASSWORD).headers["Location"] == "/"

    # Not twice, not one's own, not by a member.
    client.post(f"/admin/users/{member_id}/two-factor/reset")
    assert "does not use two-factor sign-in" in client.get("/admin/users/").get_data(as_text=True)
    assert member.post(f"/admin/users/{member_id}/two-factor/reset").status_code == 403


def test_an_admin_cannot_reset_their_own(client, tenant, frozen):
    enrol(client)
    client.post(f"/admin/users/{tenant['admin_id']}/two-factor/reset")
    page = client.get("/settings/two-factor/").get_data(as_text=True)
    assert "Two-factor sign-in is on" in page


def test_another_tenants_user_cannot_be_reset(app, tenant, other_tenant, client, frozen):
    globex = TenantClient(app, other_tenant)
    globex.login(other_tenant["admin_email"], other_tenant["password"])
    enrol(globex)
    response = client.post(f"/admin/users/{other_tenant['admin_id']}/two-factor/reset")
    assert response.status_code == 404
    with app.app_context(), tenant_scope(other_tenant["id"]):
        assert db.session.scalar(select(func.count()).select_from(TwoFactorCredential)) == 1
