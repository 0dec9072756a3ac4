"""Every page an admin can open without parameters is well-formed where screen readers and
label clicks depend on it: ids are unique, no attribute carries a Python ``None``."""

from __future__ import annotations

import re
from collections import Counter

import pytest

SKIP = {"/logout", "/sso/start"}


def _pages(app) -> list[str]:
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        if rule.rule.startswith("/api/") or rule.rule in SKIP or rule.rule.endswith(".json"):
            continue
        urls.add(rule.rule)
    return sorted(urls)


@pytest.fixture
def pages(app, tenant):
    from core.objects import records
    from core.objects.registry import standard_objects
    from saas.auth.models import User
    from saas.db import db
    from tenants.scoping import tenant_scope

    urls = _pages(app)
    with app.app_context(), tenant_scope(tenant["id"]):
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        company = records.create_record("companies", {"name": "Alpha"}, actor=admin).id
        db.session.commit()
        names = list(standard_objects())
    for name in names:
        urls += [f"/o/{name}", f"/o/{name}/new", f"/admin/objects/{name}/fields"]
    return urls + [f"/o/companies/{company}", f"/o/companies/{company}/edit"]


def test_admin_pages_have_unique_ids_and_no_none_attributes(app, client, pages):
    checked = 0
    for url in pages:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        ids = Counter(re.findall(r'\sid="([^"]+)"', html))
        duplicated = sorted(name for name, count in ids.items() if count > 1)
        assert not duplicated, f"{url}: duplicate ids {duplicated}"
        assert '="None"' not in html, f"{url}: an attribute renders None"
        checked += 1
    assert checked >= 20  # the walk reached the application's pages


def test_templates_read_rights_by_key():
    """``rights.update`` in Jinja is the dict's ``update`` method, always true: it showed
    Edit to users without the right. Templates must write ``rights["update"]``."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for package in ("saas", "core", "admin", "plugins")
        for path in (root / package).rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\brights\.(update|create|read|delete)\b", line)
    ]
    assert not offenders
