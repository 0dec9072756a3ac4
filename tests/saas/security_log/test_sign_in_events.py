"""Sign-ins, failures, throttling, sign-outs, resets and invitations reach the log."""

from __future__ import annotations

from tests.conftest import TenantClient, add_user, link_in


def _login(tc: TenantClient, email: str, password: str, ip: str = "10.0.0.1"):
    return tc.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def test_sign_in_failures_and_sign_out_are_logged(app, tenant, logged_events):
    tc = TenantClient(app, tenant)
    assert _login(tc, tenant["admin_email"], "wrong password").status_code == 401
    assert _login(tc, "nobody@acme.example.com", "whatever", ip="10.0.0.2").status_code == 401
    assert _login(tc, tenant["admin_email"], tenant["password"]).status_code == 303
    assert tc.post("/logout").status_code == 303
    events = logged_events(tenant)
    assert [(e["event"], e["actor"], e["ip"]) for e in events] == [
        ("auth.sign_in_failed", tenant["admin_email"], "10.0.0.1"),
        ("auth.sign_in_failed", "nobody@acme.example.com", "10.0.0.2"),
        ("auth.sign_in", tenant["admin_email"], "10.0.0.1"),
        ("auth.sign_out", tenant["admin_email"], "127.0.0.1"),
    ]
    assert events[0]["actor_id"] == tenant["admin_id"]
    assert events[0]["details"] == {"reason": "wrong password"}
    assert events[1]["actor_id"] is None and events[1]["details"] == {"reason": "unknown account"}
    assert events[2]["details"] == {"method": "password"}


def test_a_deactivated_account_and_a_throttled_attempt_are_logged(
    app, tenant, logged_events, monkeypatch
):
    member = "member@acme.example.com"
    member_id = add_user(app, tenant, email=member)
    admin = TenantClient(app, tenant)
    admin.login(tenant["admin_email"], tenant["password"])
    assert admin.post(f"/admin/users/{member_id}/deactivate").status_code == 303
    tc = TenantClient(app, tenant)
    assert _login(tc, member, "member password 1").status_code == 401
    assert admin.post(f"/admin/users/{member_id}/reactivate").status_code == 303

    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT", 2)
    assert _login(tc, member, "wrong password").status_code == 401
    assert _login(tc, member, "member password 1").status_code == 429
    about_member = [
        (e["event"], e["actor"], e["details"])
        for e in logged_events(tenant)
        if member in (e["actor"], e["target"])
    ]
    assert about_member == [
        ("user.created", "system", {"role": "member"}),
        ("user.deactivated", tenant["admin_email"], {}),
        ("auth.sign_in_failed", member, {"reason": "deactivated account"}),
        ("user.reactivated", tenant["admin_email"], {}),
        ("auth.sign_in_failed", member, {"reason": "wrong password"}),
        ("auth.sign_in_throttled", member, {"limit": "account"}),
    ]


def test_password_reset_and_invitation_are_logged(app, tenant, logged_events, mail):
    tc = TenantClient(app, tenant)
    assert tc.post("/password/forgot", data={"email": tenant["admin_email"]}).status_code == 303
    assert tc.post("/password/forgot", data={"email": "nobody@acme.example.com"}).status_code == 303
    reset = link_in(mail[-1])
    assert tc.post(reset, data={"password": "my brand new password"}).status_code == 303
    admin = TenantClient(app, tenant)
    admin.login(tenant["admin_email"], "my brand new password")
    invited = admin.post(
        "/admin/users/invite",
        data={"name": "Nina New", "email": "nina@acme.example.com", "role": "manager"},
    )
    assert invited.status_code == 303
    accept = link_in(mail[-1])
    assert (
        TenantClient(app, tenant)
        .post(accept, data={"name": "Nina New", "password": "nina's own password"})
        .status_code
        == 303
    )
    events = [(e["event"], e["actor"], e["target"]) for e in logged_events(tenant)]
    admin_email = tenant["admin_email"]
    assert events == [
        ("auth.password_reset_requested", admin_email, admin_email),
        ("auth.password_reset", admin_email, admin_email),
        ("auth.sign_in", admin_email, ""),
        ("user.invited", admin_email, "nina@acme.example.com"),
        ("user.joined", "nina@acme.example.com", "nina@acme.example.com"),
    ]
