"""The request's language: the browser's Accept-Language, the language switch, and the
Chinese pages and messages that follow from it (docs/i18n.md)."""

from __future__ import annotations

import pytest

from saas.i18n import normalize_locale
from tests.conftest import TenantClient


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zh-CN", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh_Hans_CN", "zh_Hans"),
        ("zh-SG", "zh_Hans"),
        ("zh-TW", None),
        ("zh-Hant-HK", None),
        ("en-GB", "en"),
        ("en", "en"),
        ("fr", None),
        ("", None),
        ("x-klingon!!", None),
    ],
)
def test_locale_names_map_to_the_supported_ones(value, expected):
    assert normalize_locale(value) == expected


def test_accept_language_zh_cn_gives_the_chinese_sign_in_page(app, tenant):
    page = TenantClient(app, tenant).get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="zh-Hans">' in html
    assert "登录Acme Corp" in html and "忘记密码？" in html
    assert '<label for="email">邮箱</label>' in html
    assert "Forgot your password?" not in html


def test_the_best_supported_match_wins_by_quality(app, tenant):
    tc = TenantClient(app, tenant)
    html = tc.get("/login", headers={"Accept-Language": "fr, zh-TW;q=0.9, en;q=0.8, zh;q=0.7"})
    assert '<html lang="en">' in html.get_data(as_text=True)
    html = tc.get("/login", headers={"Accept-Language": "fr, zh-Hans;q=0.9, en;q=0.8"})
    assert '<html lang="zh-Hans">' in html.get_data(as_text=True)


def test_without_accept_language_the_page_is_english(app, tenant):
    html = TenantClient(app, tenant).get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Forgot your password?" in html


def test_form_errors_and_flash_messages_are_translated(app, tenant):
    tc = TenantClient(app, tenant)
    zh = {"Accept-Language": "zh-CN"}
    empty = tc.post("/login", data={"email": "", "password": ""}, headers=zh)
    assert empty.status_code == 422
    assert "请输入您的邮箱地址。" in empty.get_data(as_text=True)
    tc.login(tenant["admin_email"], tenant["password"])
    tc.post("/logout", headers=zh)
    page = tc.get("/login", headers=zh).get_data(as_text=True)
    assert "您已退出登录。" in page


def test_the_language_switch_signed_out_keeps_the_choice_in_the_session(app, tenant):
    tc = TenantClient(app, tenant)
    page = tc.get("/login").get_data(as_text=True)
    assert 'data-testid="language-switch"' in page and "简体中文" in page
    switched = tc.post("/language", data={"locale": "zh_Hans", "next": "/login"})
    assert switched.status_code == 303 and switched.headers["Location"] == "/login"
    assert '<html lang="zh-Hans">' in tc.get("/login").get_data(as_text=True)
    # An explicit choice beats the browser's language.
    again = tc.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in again


def test_the_language_switch_refuses_an_unknown_language_and_an_outside_target(app, tenant):
    tc = TenantClient(app, tenant)
    response = tc.post("/language", data={"locale": "tlh", "next": "https://evil.example/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert '<html lang="en">' in tc.get("/login").get_data(as_text=True)


def test_the_landing_page_in_chinese(app):
    page = app.test_client().get(
        "/", base_url="http://localhost", headers={"Accept-Language": "zh-CN"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "客户、商机和服务请求，尽在一处。" in html and "创建您的工作区" in html
    assert "免费版" in html and "每用户每月" in html


def test_api_error_messages_follow_accept_language_and_codes_stay_english(app, tenant):
    client = app.test_client()
    answer = client.get(
        "/api/v1/nothing-here", base_url=tenant["host"], headers={"Accept-Language": "zh-CN"}
    )
    assert answer.status_code in (401, 404)
    body = answer.get_json()
    assert body["error"] in ("unauthorized", "not_found")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    english = client.get("/api/v1/nothing-here", base_url=tenant["host"]).get_json()
    assert english["error"] == body["error"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english["message"])
