"""The page scripts speak the page's language: their marked strings are served as a script
file per language (the CSP allows no inline script), which a Chinese page loads first."""

from __future__ import annotations

import json
import re

from saas.i18n import script_messages

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en-US"}


def test_the_scripts_strings_are_found_in_the_static_files():
    found = script_messages()
    assert "Copied ✓" in found and "%(record)s moved to %(column)s." in found


def test_a_chinese_page_loads_the_chinese_catalogue_and_an_english_one_none(app):
    client = app.test_client()
    chinese = client.get("/", headers=ZH).get_data(as_text=True)
    src = re.search(r'<script src="(/i18n/zh_Hans\.js\?v=\w+)" defer>', chinese).group(1)
    assert chinese.index(src) < chinese.index("trellis.js")
    assert "/i18n/" not in client.get("/", headers=EN).get_data(as_text=True)

    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert "immutable" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    assert body.startswith("window.trellisMessages = ")
    messages = json.loads(body.removeprefix("window.trellisMessages = ").rstrip(";\n"))
    assert messages["Copied ✓"] == "已复制 ✓"
    assert messages["%(record)s moved to %(column)s."] == "“%(record)s”已移到“%(column)s”。"


def test_an_unknown_or_stale_catalogue_address(app):
    client = app.test_client()
    assert client.get("/i18n/fr.js").status_code == 404
    assert client.get("/i18n/en.js").status_code == 404
    stale = client.get("/i18n/zh_Hans.js?v=old")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
