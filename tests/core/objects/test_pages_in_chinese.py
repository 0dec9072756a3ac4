"""The record pages speak the reader's language: a workspace whose default is Simplified
Chinese gets its lists, board, record pages, forms, search, recycle bin and home page in
Chinese, with dates written the Chinese way in the workspace's time zone."""

from __future__ import annotations

import pytest

from saas.db import db
from tenants.models import Tenant
from tests.core.objects.conftest import api  # noqa: F401  (fixture)

EN = {"Accept-Language": "en-US"}


@pytest.fixture
def chinese(app, tenant):
    with app.app_context():
        workspace = db.session.get(Tenant, tenant["id"])
        workspace.default_locale = "zh_Hans"
        workspace.settings = {**(workspace.settings or {}), "timezone": "Asia/Shanghai"}
        db.session.commit()


def _page(client, path: str) -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_list_board_and_bin_are_in_chinese(chinese, client, api):  # noqa: F811
    created = api.post("/api/v1/objects/companies", json={"name": "星光培训学校"})
    assert created.status_code == 201
    page = _page(client, "/o/companies")
    assert "导出 CSV" in page and "添加筛选条件…" in page and "回收站" in page
    assert "星光培训学校" in page
    for english in ("Export CSV", "Add a filter", "Recycle bin", "Save view"):
        assert english not in page
    board = _page(client, "/o/deals/board")
    assert "看板" in board and "Board" not in board
    binned = _page(client, "/o/companies/bin")
    assert "回收站是空的。" in binned


def test_record_page_form_and_search_are_in_chinese(chinese, client, api):  # noqa: F811
    record = api.post("/api/v1/objects/companies", json={"name": "张伟贸易"}).get_json()
    page = _page(client, f"/o/companies/{record['id']}")
    assert "历史记录" in page and "时间线" in page and "编辑" in page
    # "2026年12月4日 …": the Chinese date order, in Shanghai's time.
    assert "创建于 " in page and "年" in page and "月" in page
    for english in ("History", "Timeline", "Last updated", "Log a call"):
        assert english not in page
    form = _page(client, f"/o/companies/{record['id']}/edit")
    assert "为必填项" in form and "Cancel" not in form
    found = _page(client, "/search?q=%E5%BC%A0%E4%BC%9F")
    assert "张伟贸易" in found and "Search all records" not in found


def test_home_dashboards_are_in_chinese(chinese, client):
    page = _page(client, "/")
    assert "我的工作" in page and "My work" not in page


def test_standard_labels_and_picklist_values_are_in_chinese(chinese, client, api):  # noqa: F811
    record = api.post(
        "/api/v1/objects/companies",
        json={"name": "星光培训学校", "industry": "Education", "founded_on": "2020-03-01"},
    ).get_json()
    page = _page(client, f"/o/companies/{record['id']}")
    # The object, its fields, a section, a picklist value and a date, all in Chinese.
    assert "<h1>星光培训学校</h1>" in page
    assert ">公司</a>" in page and "行业" in page and "财务信息" in page
    assert "教育培训" in page and "2020年3月1日" in page
    for english in ("Industry", "Financials", "Education", "Details"):
        assert f">{english}<" not in page  # shown text (a picklist's value stays its code)
    listing = _page(client, "/o/companies")
    assert "新建公司" in listing and "全部公司" in listing
    # The API says labels in the language the client asks for; the codes stay English.
    path = "/api/v1/schema/objects/companies/fields"
    chinese = api.get(path, headers={"Accept-Language": "zh-CN"}).get_json()["data"]
    english = api.get(path, headers={"Accept-Language": "en"}).get_json()["data"]
    labels = {row["name"]: row["label"] for row in chinese}
    assert labels["industry"] == "行业" and labels["name"] == "名称"
    assert {row["name"]: row["label"] for row in english}["industry"] == "Industry"
    assert {row["name"] for row in chinese} == {row["name"] for row in english}
