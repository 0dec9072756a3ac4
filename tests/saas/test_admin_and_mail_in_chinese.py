"""The admin console speaks the reader's language, and an e-mail speaks its recipient's: an
invitation to a Chinese workspace is written in Chinese whoever sends it, and a password
reset follows the user's own choice over the workspace's default."""

from __future__ import annotations

import pytest

from saas.auth.models import User
from saas.db import db
from tenants.models import Tenant
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient

EN = {"Accept-Language": "en-US"}
ADMIN_PAGES = {
    "/admin/objects": "对象与字段",
    "/admin/permissions": "保存权限",
    "/admin/teams": "创建团队",
    "/admin/sla": "工作时间",
    "/admin/relationship-types": "添加类型",
    "/admin/security-log/": "安全日志",
    "/admin/tokens/": "工作区的 API 令牌",
    "/admin/billing/": "账单记录",
    "/admin/navigation": "恢复默认设置",
}


def _set_workspace_language(app, tenant, locale):
    with app.app_context():
        db.session.get(Tenant, tenant["id"]).default_locale = locale
        db.session.commit()


@pytest.fixture
def chinese(app, tenant):
    _set_workspace_language(app, tenant, "zh_Hans")


@pytest.mark.parametrize("path", sorted(ADMIN_PAGES))
def test_admin_pages_are_in_chinese(chinese, client, path):
    response = client.get(path, headers=EN, follow_redirects=True)
    assert response.status_code == 200, path
    page = response.get_data(as_text=True)
    assert ADMIN_PAGES[path] in page
    for english in ("Save", "Cancel", "Delete", "Actions"):
        assert f">{english}<" not in page, (path, english)


def test_an_invitation_is_written_in_the_workspaces_language(app, tenant, chinese, client, mail):
    response = client.post(
        "/admin/users/invite",
        data={"name": "张伟", "email": "zhang@acme.example.com", "role": "member"},
        headers=EN,
    )
    assert response.status_code == 303
    assert "邀请您加入 Trellis 上的“Acme Corp”" in mail[0]["subject"]
    assert "张伟，您好" in mail[0]["body"] and "7 天内有效" in mail[0]["body"]


def test_a_password_reset_follows_the_users_own_language(app, tenant, mail):
    _set_workspace_language(app, tenant, "zh_Hans")
    with app.app_context(), tenant_scope(tenant["id"]):
        db.session.get(User, (tenant["id"], tenant["admin_id"])).locale = "en"
        db.session.commit()
    TenantClient(app, tenant).post("/password/forgot", data={"email": tenant["admin_email"]})
    assert mail[-1]["subject"] == "Reset your Acme Corp password"

    with app.app_context(), tenant_scope(tenant["id"]):
        db.session.get(User, (tenant["id"], tenant["admin_id"])).locale = None
        db.session.commit()
    TenantClient(app, tenant).post(
        "/password/forgot", data={"email": tenant["admin_email"]}, headers=EN
    )
    assert mail[-1]["subject"] == "重置您在“Acme Corp”的密码"
