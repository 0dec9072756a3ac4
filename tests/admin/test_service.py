"""The admin pages for SLA targets, relationship types and party-role rights."""

from __future__ import annotations

from core.tickets import services as tickets
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user


def _csrf(page: str) -> str:
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def _sla_form(client) -> dict:
    page = client.get("/admin/sla").get_data(as_text=True)
    form = {"csrf_token": _csrf(page)}
    for priority, target in {
        "urgent": (60, 240),
        "high": (240, 1440),
        "normal": (480, 4320),
        "low": (1440, 10080),
    }.items():
        form[f"{priority}.first_response_minutes"] = str(target[0])
        form[f"{priority}.resolution_minutes"] = str(target[1])
    return form


def _targets(app, tenant) -> dict:
    with app.app_context(), tenant_scope(tenant["id"]):
        return tickets.sla_targets()


def test_admins_edit_sla_targets(app, tenant, client):
    page = client.get("/admin/sla").get_data(as_text=True)
    assert "Now 1 h" in page and "Now 3 d" in page
    form = _sla_form(client) | {"urgent.first_response_minutes": "30"}
    response = client.post("/admin/sla", data=form)
    assert response.status_code == 303
    assert _targets(app, tenant)["urgent"]["first_response_minutes"] == 30


def test_a_bad_sla_form_saves_nothing_and_says_why(app, tenant, client):
    form = _sla_form(client) | {
        "urgent.first_response_minutes": "15",  # valid on its own
        "low.resolution_minutes": "ten",
        "high.resolution_minutes": "5",  # shorter than the first response
    }
    response = client.post("/admin/sla", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give a whole number of minutes." in page
    assert "cannot be shorter than the first-response target" in page
    assert 'value="ten"' in page  # what was typed stays
    assert _targets(app, tenant)["urgent"]["first_response_minutes"] == 60


def test_members_cannot_reach_the_admin_pages(app, tenant, login_as):
    add_user(app, tenant, email="m@acme.example.com", password="member password 1")
    member = login_as(tenant, "m@acme.example.com", "member password 1")
    assert member.get("/admin/sla").status_code in (403, 404)
    assert member.get("/admin/relationship-types").status_code in (403, 404)


def test_admins_add_rename_and_delete_relationship_types(app, tenant, client):
    page = client.get("/admin/relationship-types").get_data(as_text=True)
    assert "subsidiary of" in page
    token = _csrf(page)
    added = client.post(
        "/admin/relationship-types",
        data={
            "csrf_token": token,
            "name": "Distribution",
            "category": "business",
            "from_object": "companies",
            "forward_label": "distributor for",
            "to_object": "",
            "reverse_label": "distributed by",
        },
    )
    assert added.status_code == 303
    from core.relationships.services import list_relationship_types

    with app.app_context(), tenant_scope(tenant["id"]):
        row = next(t for t in list_relationship_types() if t.name == "Distribution")
        assert (row.from_object, row.to_object) == ("companies", None)
        type_id = row.id
    refused = client.post(
        "/admin/relationship-types",
        data={"csrf_token": token, "name": "", "category": "other", "forward_label": "x"},
    )
    assert refused.status_code == 422
    assert "Enter 1 to 100 characters." in refused.get_data(as_text=True)
    renamed = client.post(
        f"/admin/relationship-types/{type_id}",
        data={
            "csrf_token": token,
            "name": "Distributor",
            "forward_label": "distributes for",
            "reverse_label": "distributed by",
        },
    )
    assert renamed.status_code == 303
    deleted = client.post(f"/admin/relationship-types/{type_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    with app.app_context(), tenant_scope(tenant["id"]):
        assert "Distributor" not in {t.name for t in list_relationship_types()}
        db.session.rollback()


def test_party_roles_are_set_on_the_permissions_page(app, tenant, client):
    from core.objects import permissions

    page = client.get("/admin/permissions").get_data(as_text=True)
    assert 'name="member.companies.party_roles"' in page
    assert 'name="member.deals.party_roles"' not in page
    form = {"csrf_token": _csrf(page)}
    # Re-send the matrix as it is (everything allowed, all records), plus one party role.
    with app.app_context(), tenant_scope(tenant["id"]):
        from core.objects.registry import objects_for_tenant

        names = [obj.api_name for obj in objects_for_tenant()]
    data = dict(form)
    for role in [role for role in permissions.ROLES if role != "admin"]:
        for name in names:
            for action in permissions.ACTIONS:
                if role != "viewer" or action == "read":  # viewers never write
                    data[f"{role}.{name}.{action}"] = "on"
            data[f"{role}.{name}.visibility"] = "all"
    unchanged = client.post("/admin/permissions", data=data, follow_redirects=True)
    assert "Nothing changed." in unchanged.get_data(as_text=True)
    data["member.companies.party_roles"] = ["supplier", "partner"]
    saved = client.post("/admin/permissions", data=data)
    assert saved.status_code == 303
    with app.app_context(), tenant_scope(tenant["id"]):
        rights = permissions.rights_of("member", "companies")
        assert rights["party_roles"] == ["supplier", "partner"]
        assert permissions.rights_of("member", "contacts")["party_roles"] is None


# Business hours on the SLA page ----------------------------------------------------------------


def _hours_form(client, **changes) -> dict:
    page = client.get("/admin/sla").get_data(as_text=True)
    form = {"csrf_token": _csrf(page), "timezone": ""}
    for day in ("mon", "tue", "wed", "thu", "fri"):
        form[f"week.{day}"] = "09:00-17:00"
    form["week.sat"] = form["week.sun"] = ""
    return form | {key.replace("_", "."): value for key, value in changes.items()}


def _hours(app, tenant) -> dict:
    from core.tickets import hours

    with app.app_context(), tenant_scope(tenant["id"]):
        return hours.business_hours()


def test_the_sla_page_shows_the_hours_and_each_target_mode(client):
    page = client.get("/admin/sla").get_data(as_text=True)
    assert 'name="urgent.hours"' in page and "Business hours" in page
    assert 'value="09:00-17:00"' in page  # Monday's default hours
    assert 'name="timezone"' in page and '<option value="Europe/Berlin">' in page
    assert "No holidays yet." in page


def test_admins_save_hours_with_a_lunch_break(app, tenant, client):
    form = _hours_form(
        client, timezone="Europe/Berlin", week_mon="09:00-12:30, 13:15-17:30", week_sat="closed"
    )
    response = client.post("/admin/sla/hours", data=form)
    assert response.status_code == 303
    saved = _hours(app, tenant)
    assert saved["timezone"] == "Europe/Berlin"
    assert saved["week"]["mon"] == [
        {"start": "09:00", "end": "12:30"},
        {"start": "13:15", "end": "17:30"},
    ]
    assert saved["week"]["sat"] == []
    page = client.get("/admin/sla").get_data(as_text=True)
    assert 'value="09:00-12:30, 13:15-17:30"' in page and 'value="Europe/Berlin"' in page


def test_bad_hours_say_why_and_save_nothing(app, tenant, client):
    form = _hours_form(
        client,
        timezone="Europe/Atlantis",
        week_mon="17:00-09:00",
        week_tue="09:00-13:00, 12:00-17:00",
        week_wed="nine to five",
    )
    response = client.post("/admin/sla/hours", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Unknown time zone" in page
    assert "17:00–09:00 ends before it starts" in page
    assert "09:00–13:00 and 12:00–17:00 overlap" in page
    assert 'value="Europe/Atlantis"' in page  # what was typed stays
    assert _hours(app, tenant)["timezone"] == "UTC"
    assert _hours(app, tenant)["week"]["mon"] == [{"start": "09:00", "end": "17:00"}]

    text_error = client.post("/admin/sla/hours", data=_hours_form(client, week_wed="nine"))
    assert text_error.status_code == 422
    assert "as start-end" in text_error.get_data(as_text=True)


def test_a_week_without_hours_is_refused(app, tenant, client):
    form = _hours_form(client) | {f"week.{d}": "" for d in ("mon", "tue", "wed", "thu", "fri")}
    response = client.post("/admin/sla/hours", data=form)
    assert response.status_code == 422
    assert "at least one working interval" in response.get_data(as_text=True)
    assert _hours(app, tenant)["weekly_minutes"] == 2400


def test_admins_add_and_remove_holidays(app, tenant, client):
    token = _csrf(client.get("/admin/sla").get_data(as_text=True))
    response = client.post(
        "/admin/sla/holidays",
        data={"csrf_token": token, "holiday.date": "2026-12-25", "holiday.name": "Christmas"},
    )
    assert response.status_code == 303
    assert _hours(app, tenant)["holidays"] == [{"date": "2026-12-25", "name": "Christmas"}]
    page = client.get("/admin/sla").get_data(as_text=True)
    assert "Christmas" in page and "/admin/sla/holidays/2026-12-25/delete" in page

    again = client.post(
        "/admin/sla/holidays",
        data={"csrf_token": token, "holiday.date": "2026-12-25", "holiday.name": "Again"},
    )
    assert again.status_code == 422 and "already a holiday" in again.get_data(as_text=True)
    bad = client.post(
        "/admin/sla/holidays",
        data={"csrf_token": token, "holiday.date": "25/12/2026", "holiday.name": ""},
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Give a date as YYYY-MM-DD." in page and "Name the holiday." in page

    removed = client.post("/admin/sla/holidays/2026-12-25/delete", data={"csrf_token": token})
    assert removed.status_code == 303
    assert _hours(app, tenant)["holidays"] == []
    gone = client.post("/admin/sla/holidays/2026-12-25/delete", data={"csrf_token": token})
    assert gone.status_code == 404


def test_admins_switch_a_target_to_business_hours(app, tenant, client):
    form = _sla_form(client) | {"high.hours": "business"}
    response = client.post("/admin/sla", data=form)
    assert response.status_code == 303
    targets = _targets(app, tenant)
    assert targets["high"]["hours"] == "business" and targets["low"]["hours"] == "24x7"
    page = client.get("/admin/sla").get_data(as_text=True)
    assert "of business hours" in page

    bad = client.post("/admin/sla", data=_sla_form(client) | {"low.hours": "sometimes"})
    assert bad.status_code == 422
    assert "24x7 or business" in bad.get_data(as_text=True)
    assert _targets(app, tenant)["low"]["hours"] == "24x7"


def test_members_cannot_change_the_hours(app, tenant, login_as):
    add_user(app, tenant, email="m2@acme.example.com", password="member password 1")
    member = login_as(tenant, "m2@acme.example.com", "member password 1")
    assert member.post("/admin/sla/hours", data={"timezone": "Asia/Tokyo"}).status_code in (
        400,
        403,
        404,
    )
    assert _hours(app, tenant)["timezone"] == "UTC"
