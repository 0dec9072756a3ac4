"""The access choices of a field say what each role can really do (issue 11: a new field
read "Viewers: Can see and edit", though viewers edit nothing)."""

from __future__ import annotations

import re

from core.objects import permissions
from saas.db import db
from tenants.scoping import tenant_scope


def _options(page: str, select_name: str) -> list[str]:
    match = re.search(
        rf'<select[^>]*name="{re.escape(select_name)}"[^>]*>(.*?)</select>', page, re.S
    )
    assert match, select_name
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", match.group(1))]


def test_a_new_field_offers_viewers_see_or_not_and_editing_roles_edit(client):
    page = client.get("/admin/objects/companies/fields").get_data(as_text=True)

    assert _options(page, "access.viewer") == ["Can see", "Cannot see"]
    assert _options(page, "access.member") == [
        "Can see and edit",
        "Can see, not edit",
        "Cannot see",
    ]
    assert _options(page, "access.manager")[0] == "Can see and edit"
    assert (
        "Can see and edit" not in page[page.index('name="access.viewer"') :].split("</select>")[0]
    )


def test_a_role_that_may_not_change_the_object_is_not_offered_editing(app, tenant, client):
    with app.app_context(), tenant_scope(tenant["id"]):
        permissions.set_rights(
            role="member",
            object_name="companies",
            rights={"create": False, "update": False, "delete": False},
        )
        db.session.commit()

    page = client.get("/admin/objects/companies/fields").get_data(as_text=True)
    assert _options(page, "access.member") == ["Can see", "Cannot see"]
    matrix = client.get("/admin/permissions/companies/fields").get_data(as_text=True)
    assert _options(matrix, "viewer.website") == ["Visible", "Hidden"]
    assert _options(matrix, "member.website") == ["Visible", "Hidden"]
    assert _options(matrix, "manager.website") == ["Editable", "Read-only", "Hidden"]
