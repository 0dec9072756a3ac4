"""Who chooses the language: the user's own choice beats the workspace's default, which beats
the browser's; the preferences page, the workspace page and the switch store the choices."""

from __future__ import annotations

import re

from saas.db import db
from saas.security_log.models import SecurityLogEntry
from tenants.models import Tenant
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient, add_user

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en-US"}


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.get_data(as_text=True)).group(1)


def _csrf(tc: TenantClient, path: str) -> str:
    page = tc.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _set_workspace_language(app, tenant, locale):
    with app.app_context():
        db.session.get(Tenant, tenant["id"]).default_locale = locale
        db.session.commit()


def test_user_choice_beats_workspace_default_beats_browser(app, tenant, client):
    # Browser only.
    assert _lang(client.get("/", headers=ZH)) == "zh-Hans"
    assert _lang(client.get("/", headers=EN)) == "en"
    # The workspace's default beats the browser.
    _set_workspace_language(app, tenant, "zh_Hans")
    assert _lang(client.get("/", headers=EN)) == "zh-Hans"
    # The user's own choice beats the workspace's default.
    csrf = _csrf(client, "/settings/preferences/")
    saved = client.post(
        "/settings/preferences/", data={"locale": "en", "timezone": "", "csrf_token": csrf}
    )
    assert saved.status_code == 303
    assert _lang(client.get("/", headers=ZH)) == "en"


def test_the_preferences_page_saves_language_and_time_zone(app, tenant, client):
    page = client.get("/settings/preferences/")
    assert page.status_code == 200 and "Your preferences" in page.get_data(as_text=True)
    csrf = _csrf(client, "/settings/preferences/")
    saved = client.post(
        "/settings/preferences/",
        data={"locale": "zh_Hans", "timezone": "Asia/Shanghai", "csrf_token": csrf},
    )
    assert saved.status_code == 303
    after = client.get("/settings/preferences/", headers=EN).get_data(as_text=True)
    assert "您的偏好设置已保存。" in after and '<html lang="zh-Hans">' in after
    with app.app_context(), tenant_scope(tenant["id"]):
        from saas.auth.models import User

        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        assert (admin.locale, admin.timezone) == ("zh_Hans", "Asia/Shanghai")


def test_bad_preferences_are_a_form_error_and_change_nothing(app, tenant, client):
    csrf = _csrf(client, "/settings/preferences/")
    refused = client.post(
        "/settings/preferences/",
        data={"locale": "xx", "timezone": "Mars/Olympus", "csrf_token": csrf},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Choose one of the languages offered." in html and "Unknown time zone" in html
    with app.app_context(), tenant_scope(tenant["id"]):
        from saas.auth.models import User

        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        assert (admin.locale, admin.timezone) == (None, None)


def test_the_admin_sets_the_workspace_language_and_time_zone_logged(app, tenant, client):
    page = client.get("/admin/workspace/")
    assert page.status_code == 200
    csrf = _csrf(client, "/admin/workspace/")
    saved = client.post(
        "/admin/workspace/",
        data={"default_locale": "zh_Hans", "timezone": "Asia/Shanghai", "csrf_token": csrf},
    )
    assert saved.status_code == 303
    with app.app_context():
        row = db.session.get(Tenant, tenant["id"])
        assert row.default_locale == "zh_Hans" and row.settings["timezone"] == "Asia/Shanghai"
        with tenant_scope(tenant["id"]):
            entry = (
                db.session.query(SecurityLogEntry)
                .filter_by(event="settings.workspace_language_changed")
                .one()
            )
            assert entry.details["changes"]["default_locale"] == {"from": None, "to": "zh_Hans"}
            assert entry.details["changes"]["timezone"]["to"] == "Asia/Shanghai"
    refused = client.post(
        "/admin/workspace/", data={"default_locale": "", "timezone": "", "csrf_token": csrf}
    )
    assert refused.status_code == 422


def test_members_cannot_change_the_workspace_language(app, tenant, login_as):
    add_user(app, tenant, email="mia@acme.example.com")
    member = login_as(tenant, "mia@acme.example.com", "member password 1")
    assert member.get("/admin/workspace/").status_code == 403


def test_the_switch_signed_in_stores_the_choice_on_the_user(app, tenant, client):
    switched = client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    assert switched.status_code == 303
    # Another browser of the same user (no session choice) gets it from the profile.
    other = TenantClient(app, tenant)
    other.login(tenant["admin_email"], tenant["password"])
    assert _lang(other.get("/", headers=EN)) == "zh-Hans"


def test_a_choice_made_before_signing_in_survives_signing_in(app, tenant):
    tc = TenantClient(app, tenant)
    tc.post("/language", data={"locale": "zh_Hans", "next": "/login"})
    tc.login(tenant["admin_email"], tenant["password"])
    assert _lang(tc.get("/", headers=EN)) == "zh-Hans"


def test_dates_follow_the_users_time_zone(app, tenant, client):
    import datetime as dt

    from flask_babel import format_datetime

    moment = dt.datetime(2026, 12, 4, 16, 30, tzinfo=dt.UTC)
    csrf = _csrf(client, "/settings/preferences/")
    client.post(
        "/settings/preferences/",
        data={"locale": "en", "timezone": "Asia/Shanghai", "csrf_token": csrf},
    )
    # The selector reads the signed-in user: render in a request as that user.
    with app.test_request_context("/", base_url=tenant["host"]):
        from flask import g
        from flask_login import login_user

        from saas.auth.models import User

        with tenant_scope(tenant["id"]):
            g.tenant = db.session.get(Tenant, tenant["id"])
            login_user(db.session.get(User, (tenant["id"], tenant["admin_id"])))
            assert format_datetime(moment, "HH:mm") == "00:30"


def test_signing_out_keeps_the_language_for_the_sign_in_page(app, tenant, client):
    client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    client.post("/logout")
    page = client.get("/login", headers=EN).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page and "您已退出登录。" in page


def test_the_account_pages_in_chinese(app, tenant, client):
    client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    two_factor = client.get("/settings/two-factor/").get_data(as_text=True)
    assert "两步验证未开启" in two_factor and "设置两步验证" in two_factor
    tokens = client.get("/settings/tokens/").get_data(as_text=True)
    assert "还没有令牌。" in tokens and "创建令牌" in tokens
    users = client.get("/admin/users/").get_data(as_text=True)
    assert "邀请用户" in users and "已用 1 个计费席位" in users
    assert "工作区" in client.get("/admin/workspace/").get_data(as_text=True)
