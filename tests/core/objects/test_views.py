"""The web UI of the object engine: list views, boards, record pages, forms, recycle bin,
search before create and global search, for standard and custom objects alike."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.objects import permissions, records, schema
from core.objects import views as record_views
from saas.auth.actors import SYSTEM
from saas.auth.models import User
from saas.db import db
from tenants.models import Tenant
from tests.conftest import add_user, run_as_admin

MEMBER = {"email": "mia@acme.example.com", "password": "member password 1"}


run = run_as_admin


def make(app, tenant, object_name: str, values: dict, *, owner_id=None) -> str:
    def create(admin):
        actor = db.session.get(User, (tenant["id"], owner_id)) if owner_id else admin
        return str(records.create_record(object_name, values, actor=actor).id)

    return run(app, tenant, create)


def fetch(app, tenant, object_name: str, record_id: str) -> dict:
    def read(admin):
        obj_record = records.get_record(object_name, record_id, actor=SYSTEM, include_deleted=True)
        from core.objects.registry import object_for_tenant

        return records.to_api(object_for_tenant(object_name), obj_record, role="admin")

    return run(app, tenant, read)


def count(app, tenant, object_name: str) -> int:
    def total(admin):
        from core.objects.registry import object_for_tenant

        obj = object_for_tenant(object_name)
        query = records.records_query(obj).where(obj.model.deleted_at.is_(None))
        return db.session.scalar(select(func.count()).select_from(query.subquery()))

    return run(app, tenant, total)


def add_tier(app, tenant, **extra):
    run(
        app,
        tenant,
        lambda admin: schema.add_field(
            "companies",
            name="tier",
            label="Customer tier",
            type="picklist",
            options={
                "values": [
                    {"value": "Gold", "color": "#dc6803"},
                    {"value": "Silver"},
                    {"value": "Bronze"},
                ]
            },
            filterable=True,
            help_text="How much they buy from us.",
            **extra,
        ),
    )


def member_client(app, tenant, login_as, *, role="member"):
    user_id = add_user(app, tenant, email=MEMBER["email"], password=MEMBER["password"], role=role)
    return login_as(tenant, MEMBER["email"], MEMBER["password"]), user_id


def set_rights(app, tenant, object_name, **rights):
    run(
        app,
        tenant,
        lambda admin: permissions.set_rights(role="member", object_name=object_name, rights=rights),
    )


def text(response) -> str:
    return response.get_data(as_text=True)


def rows(page: str) -> list[str]:
    """The record titles of a list page, in order."""
    return re.findall(r'<td class="title-cell"><a href="[^"]+">([^<]+)</a>', page)


# List view ------------------------------------------------------------------------------


def test_empty_list_invites_to_create(client):
    page = text(client.get("/o/companies"))
    assert "No companies yet." in page
    assert 'href="/o/companies/new"' in page


def test_list_shows_records_with_default_columns_and_lookups(app, tenant, client):
    parent = make(app, tenant, "companies", {"name": "Holding AG", "industry": "Retail"})
    make(app, tenant, "contacts", {"first_name": "Ann", "last_name": "Lee", "company_id": parent})
    page = text(client.get("/o/contacts"))
    assert rows(page) == ["Ann Lee"]
    assert ">E-mail</a></th>" in page  # a default column, sortable
    client.post("/o/contacts/columns", data={"columns": ["company_id", "email"]})
    page = text(client.get("/o/contacts"))
    assert f'<a href="/o/companies/{parent}">Holding AG</a>' in page  # a lookup is a link


def test_filters_and_sort_come_from_the_query_string(app, tenant, client):
    for name, industry, employees in (
        ("Alpha", "Retail", 5),
        ("Bravo", "Retail", 50),
        ("Charlie", "Energy", 500),
    ):
        make(app, tenant, "companies", {"name": name, "industry": industry, "employees": employees})
    assert rows(text(client.get("/o/companies?sort=-name"))) == ["Charlie", "Bravo", "Alpha"]
    page = text(client.get("/o/companies?f=industry&op=eq&v=Retail&sort=name"))
    assert rows(page) == ["Alpha", "Bravo"]
    two = "/o/companies?f=industry&op=eq&v=Retail&f=employees&op=gte&v=10&f=&op=eq&v="
    assert rows(text(client.get(two))) == ["Bravo"]
    assert rows(text(client.get("/o/companies?f=industry&op=empty&v="))) == []
    assert rows(text(client.get("/o/companies?f=industry&op=not_empty&v=&sort=name"))) == [
        "Alpha",
        "Bravo",
        "Charlie",
    ]
    # The header of the sorted column sorts the other way; the others sort ascending.
    page = text(client.get("/o/companies?sort=name"))
    assert 'aria-sort="ascending"' in page and "sort=-name" in page
    empty = text(client.get("/o/companies?f=industry&op=eq&v=Tourism"))
    assert "No companies match these filters." in empty


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("f=employees&op=gt&v=many", "Enter a number."),
        ("f=industry&op=eq&v=Space", "Choose one of"),
        ("f=description&op=contains&v=x", "cannot be filtered"),
        ("f=industry&op=like&v=x", "Unknown operator"),
        ("f=nosuch&op=eq&v=x", "There is no such field."),
        ("sort=description", "cannot be sorted on"),
        ("cursor=not-a-cursor", "The cursor is not valid."),
    ],
)
def test_a_bad_filter_is_a_422_with_the_message(app, tenant, client, query, message):
    make(app, tenant, "companies", {"name": "Alpha"})
    response = client.get(f"/o/companies?{query}")
    assert response.status_code == 422
    assert message in text(response)
    assert rows(text(response)) == []


def test_cursor_pages_go_forward_and_back(app, tenant, client, monkeypatch):
    monkeypatch.setattr(record_views, "PAGE_SIZE", 2)
    for name in ("A1", "A2", "A3", "A4", "A5"):
        make(app, tenant, "companies", {"name": name})
    page = text(client.get("/o/companies?sort=name"))
    assert rows(page) == ["A1", "A2"] and 'rel="prev"' not in page
    seen = [rows(page)]
    for _ in range(2):
        next_url = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
        page = text(client.get(next_url))
        seen.append(rows(page))
    assert seen == [["A1", "A2"], ["A3", "A4"], ["A5"]]
    assert 'rel="next"' not in page and "Page 3" in page
    previous = re.search(r'href="([^"]+)" rel="prev"', page).group(1).replace("&amp;", "&")
    page = text(client.get(previous))
    assert rows(page) == ["A3", "A4"]
    previous = re.search(r'href="([^"]+)" rel="prev"', page).group(1).replace("&amp;", "&")
    assert rows(text(client.get(previous))) == ["A1", "A2"]


def test_column_choice_is_remembered_per_object(app, tenant, client):
    make(app, tenant, "companies", {"name": "Alpha", "industry": "Retail", "email": "a@alpha.com"})
    response = client.post(
        "/o/companies/columns",
        data={"columns": ["email", "created_at", "nosuch"], "query": "sort=name&cursor=x"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/o/companies?sort=name"
    page = text(client.get("/o/companies"))
    assert ">E-mail</a></th>" in page and ">Created</a></th>" in page
    assert ">Industry</a></th>" not in page
    # Contacts keep their own default columns.
    make(app, tenant, "contacts", {"first_name": "Ann", "last_name": "Lee", "email": "a@x.example"})
    contacts = text(client.get("/o/contacts"))
    assert ">Created</a></th>" not in contacts and ">E-mail</a></th>" in contacts
    client.post("/o/companies/columns", data={"reset": "1"})
    assert ">Industry</a></th>" in text(client.get("/o/companies"))


# Field-level and record-level access --------------------------------------------------------


def test_hidden_fields_are_never_shown(app, tenant, client, login_as):
    run(
        app,
        tenant,
        lambda admin: schema.add_field(
            "companies",
            name="margin",
            label="Secret margin",
            type="number",
            filterable=True,
            access={"member": "hidden"},
        ),
    )
    company = make(app, tenant, "companies", {"name": "Alpha", "margin": 42})
    member, _ = member_client(app, tenant, login_as)
    member.post("/o/companies/columns", data={"columns": ["margin", "industry"]})
    for path in ("/o/companies", f"/o/companies/{company}", "/o/companies/new"):
        page = text(member.get(path))
        assert "Secret margin" not in page and "margin" not in page.split("<main")[1], path
    assert member.get("/o/companies?f=margin&op=eq&v=42").status_code == 422
    assert (
        member.post(f"/o/companies/{company}/fields/margin", data={"margin": "1"}).status_code
        == 404
    )
    assert "Secret margin" in text(client.get(f"/o/companies/{company}"))


def test_members_who_see_their_own_records_see_nothing_else(app, tenant, client, login_as):
    member, member_id = member_client(app, tenant, login_as)
    set_rights(app, tenant, "companies", visibility="own")
    set_rights(app, tenant, "contacts", visibility="own")
    theirs = make(app, tenant, "companies", {"name": "Mine Ltd"}, owner_id=member_id)
    others = make(app, tenant, "companies", {"name": "Hidden Holdings"})
    make(
        app,
        tenant,
        "contacts",
        {"last_name": "Mycontact", "company_id": theirs},
        owner_id=member_id,
    )
    make(app, tenant, "contacts", {"last_name": "Secretcontact", "company_id": theirs})

    assert rows(text(member.get("/o/companies"))) == ["Mine Ltd"]
    assert member.get(f"/o/companies/{others}").status_code == 404
    page = text(member.get(f"/o/companies/{theirs}"))
    assert "Mycontact" in page and "Secretcontact" not in page  # the related list
    assert "Hidden" not in text(member.get("/search?q=holdings"))
    assert member.get("/search/suggest?q=hidden").get_json()["results"] == []
    assert member.get("/o/companies/duplicates?name=Hidden+Holdings").get_json()["matches"] == []
    assert member.get("/o/companies/lookup?q=hidden").get_json()["results"] == []
    assert "Hidden Holdings" not in text(member.get("/o/contacts/new"))  # lookup options
    assert "Hidden Holdings" in text(client.get("/search?q=holdings"))  # admins see all


def test_object_rights_shape_the_pages(app, tenant, login_as):
    member, _ = member_client(app, tenant, login_as)
    set_rights(app, tenant, "companies", create=False, delete=False, update=False)
    company = make(app, tenant, "companies", {"name": "Alpha"})
    page = text(member.get("/o/companies"))
    assert "New company" not in page
    assert member.get("/o/companies/new").status_code == 403
    assert member.post("/o/companies/new", data={"name": "Nope"}).status_code == 403
    show = text(member.get(f"/o/companies/{company}"))
    assert "Delete" not in show and f"/o/companies/{company}/edit" not in show
    assert member.get(f"/o/companies/{company}/edit").status_code == 403
    assert member.post(f"/o/companies/{company}/delete").status_code == 403
    set_rights(app, tenant, "contacts", read=False)
    assert member.get("/o/contacts").status_code == 403
    nav = text(member.get("/")).split('aria-label="Main"')[1].split("</nav>")[0]
    assert "Companies" in nav and "Contacts" not in nav
    assert count(app, tenant, "companies") == 1


# Record page ----------------------------------------------------------------------------


def test_record_page_has_sections_lookups_related_lists_and_history(app, tenant, client):
    add_tier(app, tenant)
    company = make(app, tenant, "companies", {"name": "Holding AG", "tier": "Gold"})
    contact = make(app, tenant, "contacts", {"last_name": "Lee", "company_id": company})
    run(
        app,
        tenant,
        lambda admin: records.update_record("companies", company, {"tier": "Silver"}, actor=admin),
    )
    page = text(client.get(f"/o/companies/{company}"))
    assert page.index(">Details</h2>") < page.index(">Custom fields</h2>")
    assert "Customer tier" in page and 'class="chip">Silver</span>' in page
    related = page.split('aria-label="Related"')[1]
    assert f'href="/o/contacts/{contact}">Lee</a>' in related
    assert f"/o/contacts/new?company_id={company}" in related  # "+ New" pre-fills the lookup
    history = page.split(">History</h2>")[1]
    assert "Acme Admin" in history and "changed" in history and "created it" in history
    assert 'chip chip-amber">Gold</span>' in history and ">Silver</span>" in history
    contact_page = text(client.get(f"/o/contacts/{contact}"))
    assert f'<a href="/o/companies/{company}">Holding AG</a>' in contact_page
    new_contact = text(client.get(f"/o/contacts/new?company_id={company}"))
    assert f'<option value="{company}" selected>Holding AG</option>' in new_contact


def test_unknown_objects_and_records_are_404(app, tenant, client):
    assert client.get("/o/spaceships").status_code == 404
    assert client.get("/o/companies/not-an-id").status_code == 404
    assert client.get("/o/companies/018f0000-0000-7000-8000-000000000000").status_code == 404


def test_inline_edit_saves_one_field(app, tenant, client):
    add_tier(app, tenant)
    company = make(app, tenant, "companies", {"name": "Alpha", "tier": "Gold"})
    response = client.post(
        f"/o/companies/{company}/fields/tier",
        data={"tier": "Bronze", "version": "1", "next": "/o/companies/board?field=tier"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/o/companies/board?field=tier"
    assert fetch(app, tenant, "companies", company)["tier"] == "Bronze"
    # With the script: JSON back, with the new version and every field's new display.
    response = client.post(
        f"/o/companies/{company}/fields/employees",
        data={"employees": "1200", "version": "2"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 3 and body["html"]["employees"] == "1,200"
    assert "Bronze" in body["html"]["tier"]
    # A checkbox left unticked is a "no"; an external next address is ignored.
    response = client.post(
        f"/o/companies/{company}/fields/roles", data={"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/o/companies/{company}"


def test_inline_edit_refusals_change_nothing(app, tenant, client):
    company = make(app, tenant, "companies", {"name": "Alpha", "employees": 10})
    response = client.post(
        f"/o/companies/{company}/fields/employees", data={"employees": "-3", "version": "1"}
    )
    assert response.status_code == 422
    page = text(response)
    assert "Enter 0 or more." in page and 'value="-3"' in page and "<details" in page
    json_response = client.post(
        f"/o/companies/{company}/fields/name",
        data={"name": ""},
        headers={"Accept": "application/json"},
    )
    assert json_response.status_code == 422
    assert json_response.get_json()["messages"] == ["This field is required."]
    stale = client.post(
        f"/o/companies/{company}/fields/employees", data={"employees": "11", "version": "7"}
    )
    assert stale.status_code == 412 and "changed by someone else" in text(stale)
    assert client.post(f"/o/companies/{company}/fields/nosuch", data={}).status_code == 404
    assert fetch(app, tenant, "companies", company)["employees"] == 10
    assert fetch(app, tenant, "companies", company)["version"] == 1


# Forms ----------------------------------------------------------------------------------


def test_new_form_has_the_right_input_for_each_type(app, tenant, client):
    add_tier(app, tenant)
    make(app, tenant, "companies", {"name": "Parent Co"})
    page = text(client.get("/o/companies/new"))
    expected = [
        'type="text" id="name" name="name"',
        'aria-required="true"',
        '<select id="industry" name="industry"',
        'type="number" id="employees" name="employees"',
        'type="date" id="founded_on"',
        'type="number" id="annual_revenue" name="annual_revenue" value="" step="0.01"',
        'type="url" id="website"',
        'type="tel" id="phone"',
        'type="email" id="email"',
        '<select id="parent_id" name="parent_id"',
        ">Parent Co</option>",
        'name="address.street"',
        'name="address.country"',
        'type="checkbox" name="roles" value="supplier"',
        '<textarea id="description"',
        '<select id="owner_id" name="owner_id"',
        '<select id="tier" name="tier"',
        "How much they buy from us.",
    ]
    for fragment in expected:
        assert fragment in page, fragment
    assert page.index(">Details</h2>") < page.index(">Custom fields</h2>")
    activity_form = text(client.get("/o/activities/new"))
    assert 'type="datetime-local" id="due_at"' in activity_form
    assert 'type="checkbox" id="done" name="done"' in activity_form


def test_create_saves_every_kind_of_value(app, tenant, client):
    add_tier(app, tenant)
    parent = make(app, tenant, "companies", {"name": "Parent Co"})
    response = client.post(
        "/o/companies/new",
        data={
            "name": "  Child Co ",
            "industry": "Retail",
            "employees": "1,200",
            "founded_on": "2020-02-29",
            "annual_revenue": "1234.5",
            "website": "child.example.com",
            "email": "Info@Child.example.com",
            "parent_id": parent,
            "address.city": "Porto",
            "address.country": "Portugal",
            "roles": ["customer", "partner"],
            "tier": "Gold",
            "create_anyway": "1",
        },
    )
    assert response.status_code == 303
    record_id = response.headers["Location"].rsplit("/", 1)[1]
    row = fetch(app, tenant, "companies", record_id)
    assert row["name"] == "Child Co" and row["employees"] == 1200
    assert row["founded_on"] == "2020-02-29" and row["annual_revenue"] == "1234.50"
    assert (
        row["website"] == "https://child.example.com" and row["email"] == "info@child.example.com"
    )
    assert row["parent_id"] == parent and row["roles"] == ["customer", "partner"]
    assert row["address"] == {"city": "Porto", "country": "Portugal"} and row["tier"] == "Gold"
    assert row["owner_id"] is None or row["owner_id"] == str(tenant["admin_id"])


def test_datetimes_are_typed_in_the_workspace_time_zone(app, tenant, client):
    response = client.post(
        "/o/activities/new", data={"type": "call", "subject": "Call", "due_at": "2026-01-31T09:00"}
    )
    assert response.status_code == 303, text(response)
    first = response.headers["Location"].rsplit("/", 1)[1]
    assert fetch(app, tenant, "activities", first)["due_at"] == "2026-01-31T09:00:00Z"
    with app.app_context():
        workspace = db.session.get(Tenant, tenant["id"])
        workspace.settings = {"timezone": "Europe/Lisbon"}
        db.session.commit()
    response = client.post(
        "/o/activities/new", data={"type": "call", "subject": "Call", "due_at": "2026-07-01T09:00"}
    )
    second = response.headers["Location"].rsplit("/", 1)[1]
    assert fetch(app, tenant, "activities", second)["due_at"] == "2026-07-01T08:00:00Z"
    edit = text(client.get(f"/o/activities/{second}/edit"))
    assert 'value="2026-07-01T09:00"' in edit and "Times are in Europe/Lisbon." in edit


def test_bad_input_is_shown_on_the_form_and_nothing_is_written(app, tenant, client):
    response = client.post(
        "/o/companies/new",
        data={
            "name": "",
            "email": "not-an-email",
            "employees": "-5",
            "founded_on": "yesterday",
            "website": "nowhere",
            "industry": "Space",
            "parent_id": "018f0000-0000-7000-8000-000000000000",
        },
    )
    assert response.status_code == 422
    page = text(response)
    for message in (
        "This field is required.",
        "That e-mail address is not valid",
        "Enter 0 or more.",
        "Enter a date as YYYY-MM-DD.",
        "Enter a web address",
        "Choose one of",
        "There is no such record.",
    ):
        assert message in page, message
    assert 'value="not-an-email"' in page and 'value="yesterday"' in page
    assert 'aria-invalid="true"' in page and "Please correct the fields marked below." in page
    assert count(app, tenant, "companies") == 0


def test_edit_saves_and_a_stale_version_is_refused(app, tenant, client):
    company = make(app, tenant, "companies", {"name": "Alpha", "industry": "Retail"})
    form = text(client.get(f"/o/companies/{company}/edit"))
    assert 'name="version" value="1"' in form and 'value="Alpha"' in form
    assert '<option value="Retail" selected>' in form
    response = client.post(
        f"/o/companies/{company}/edit", data={"name": "Alpha Two", "version": "1"}
    )
    assert response.status_code == 303
    assert fetch(app, tenant, "companies", company)["name"] == "Alpha Two"
    assert fetch(app, tenant, "companies", company)["industry"] is None  # cleared in the form
    stale = client.post(f"/o/companies/{company}/edit", data={"name": "Late", "version": "1"})
    assert stale.status_code == 412
    page = text(stale)
    assert "changed by someone else" in page and "load the latest version" in page
    assert 'value="Late"' in page
    assert fetch(app, tenant, "companies", company)["name"] == "Alpha Two"
    invalid = client.post(f"/o/companies/{company}/edit", data={"name": "", "version": "2"})
    assert invalid.status_code == 422 and "This field is required." in text(invalid)


def test_custom_objects_get_every_page(app, tenant, client):
    def setup(admin):
        schema.create_custom_object(name="vehicles", label="Vehicle")
        schema.add_field("vehicles", name="plate", label="Plate", type="text", filterable=True)
        schema.add_field(
            "vehicles",
            name="owner_company",
            label="Owner company",
            type="lookup",
            options={"target": "companies"},
            filterable=True,
        )

    run(app, tenant, setup)
    company = make(app, tenant, "companies", {"name": "Fleet Co"})
    assert "Vehicles" in text(client.get("/")).split('aria-label="Main"')[1].split("</nav>")[0]
    assert 'name="plate"' in text(client.get("/o/vehicles/new"))
    response = client.post(
        "/o/vehicles/new", data={"name": "Van 1", "plate": "AB-12", "owner_company": company}
    )
    assert response.status_code == 303
    vehicle = response.headers["Location"].rsplit("/", 1)[1]
    assert rows(text(client.get("/o/vehicles?f=plate&op=eq&v=AB-12"))) == ["Van 1"]
    assert "AB-12" in text(client.get(f"/o/vehicles/{vehicle}"))
    company_page = text(client.get(f"/o/companies/{company}"))
    assert f'href="/o/vehicles/{vehicle}">Van 1</a>' in company_page  # related list
    assert "Van 1" in text(client.get("/search?q=van"))
    assert "have no field to draw a board on" in text(client.get("/o/vehicles/board"))


# Search before create ---------------------------------------------------------------------


def test_likely_duplicates_as_one_types(app, tenant, client):
    acme = make(
        app,
        tenant,
        "companies",
        {"name": "Acme Rockets Ltd", "email": "info@acme.example", "website": "www.acme.example"},
    )
    make(app, tenant, "companies", {"name": "Globex"})

    def matches(query):
        return [
            m["title"] for m in client.get(f"/o/companies/duplicates?{query}").get_json()["matches"]
        ]

    assert matches("name=acme+rockets+GmbH") == ["Acme Rockets Ltd"]
    assert matches("name=rockets") == ["Acme Rockets Ltd"]
    assert matches("name=ac") == []  # too short to mean anything
    assert matches("email=INFO@acme.example") == ["Acme Rockets Ltd"]
    assert matches("website=https://acme.example/about") == ["Acme Rockets Ltd"]
    assert matches("name=Initech") == []
    first = client.get("/o/companies/duplicates?name=acme").get_json()["matches"][0]
    assert first["url"] == f"/o/companies/{acme}"
    make(
        app, tenant, "contacts", {"first_name": "Ann", "last_name": "Lee", "email": "ann@x.example"}
    )
    contacts = client.get("/o/contacts/duplicates?first_name=ann&last_name=lee").get_json()
    assert [m["title"] for m in contacts["matches"]] == ["Ann Lee"]
    assert 'data-duplicates-url="/o/contacts/duplicates"' in text(client.get("/o/contacts/new"))
    assert "data-duplicates-url" not in text(client.get("/o/activities/new"))


def test_create_checks_duplicates_again_and_can_go_ahead(app, tenant, client):
    make(app, tenant, "companies", {"name": "Acme Rockets"})
    response = client.post("/o/companies/new", data={"name": "ACME rockets", "industry": "Retail"})
    assert response.status_code == 409
    page = text(response)
    assert "may already exist" in page and ">Acme Rockets</a>" in page
    assert 'name="create_anyway"' in page and 'value="ACME rockets"' in page
    assert count(app, tenant, "companies") == 1
    response = client.post(
        "/o/companies/new",
        data={"name": "ACME rockets", "industry": "Retail", "create_anyway": "1"},
    )
    assert response.status_code == 303
    assert count(app, tenant, "companies") == 2


# Recycle bin ----------------------------------------------------------------------------


def test_delete_goes_to_the_recycle_bin_and_restores(app, tenant, client):
    company = make(app, tenant, "companies", {"name": "Alpha"})
    assert "The recycle bin is empty." in text(client.get("/o/companies/bin"))
    response = client.post(f"/o/companies/{company}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/o/companies"
    assert rows(text(client.get("/o/companies"))) == []
    assert client.get(f"/o/companies/{company}").status_code == 404
    bin_page = text(client.get("/o/companies/bin"))
    assert "Alpha" in bin_page and f"/o/companies/{company}/restore" in bin_page
    response = client.post(f"/o/companies/{company}/restore")
    assert response.status_code == 303 and response.headers["Location"] == f"/o/companies/{company}"
    assert rows(text(client.get("/o/companies"))) == ["Alpha"]
    history = text(client.get(f"/o/companies/{company}")).split(">History</h2>")[1]
    assert "moved it to the recycle bin" in history and "restored it" in history


# Global search --------------------------------------------------------------------------


def test_global_search_groups_results_per_object(app, tenant, client):
    company = make(app, tenant, "companies", {"name": "Lisbon Tours", "phone": "+351 21 000 0000"})
    make(app, tenant, "contacts", {"first_name": "Ana", "last_name": "Lisbon"})
    make(app, tenant, "contacts", {"first_name": "Rui", "last_name": "Porto"})
    page = text(client.get("/search?q=lisbon"))
    assert page.index(">Companies <") < page.index(">Contacts <")
    assert f'href="/o/companies/{company}">Lisbon Tours</a>' in page and "Ana Lisbon" in page
    assert "Rui Porto" not in page
    assert "Ana Lisbon" in text(client.get("/search?q=ana+lis"))  # every word, any field
    assert "Nothing matches" in text(client.get("/search?q=zzzz"))
    assert "Type at least two letters." in text(client.get("/search?q=a"))
    assert "Lisbon Tours" in text(client.get("/search?q=%2B351"))
    assert client.get("/search?q=100%25_").status_code == 200  # wildcards are literal
    suggestions = client.get("/search/suggest?q=lisbon").get_json()
    assert suggestions["query"] == "lisbon"
    assert {(r["object"], r["title"]) for r in suggestions["results"]} == {
        ("Companies", "Lisbon Tours"),
        ("Contacts", "Ana Lisbon"),
    }


def test_the_top_bar_lists_objects_and_has_the_search_box(app, tenant, client):
    run(app, tenant, lambda admin: schema.create_custom_object(name="vehicles", label="Vehicle"))
    page = text(client.get("/"))
    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    bar, more = nav.split(">More<")
    # What a small business works with every day is in the bar, in the registry's order.
    everyday = ["Companies", "Contacts", "Leads", "Deals", "Activities", "Tickets"]
    assert [bar.index(f">{label}<") for label in everyday] == sorted(
        bar.index(f">{label}<") for label in everyday
    )
    assert ">Vehicles<" in more and ">Products<" in more and ">Quotes<" in more
    # Child and junction objects are reached from their parents, never from a menu.
    assert "Price book entries" not in nav and "Campaign members" not in nav
    assert 'role="search"' in page and 'data-suggest-url="/search/suggest"' in page


# Kanban boards --------------------------------------------------------------------------


def test_board_has_a_column_per_picklist_value(app, tenant, client):
    add_tier(app, tenant)
    gold = make(app, tenant, "companies", {"name": "Goldie", "tier": "Gold"})
    make(app, tenant, "companies", {"name": "Plain"})
    page = text(client.get("/o/companies/board?field=tier"))
    columns = re.findall(r'<section class="board-column" data-value="([^"]*)"', page)
    assert columns == ["Gold", "Silver", "Bronze", ""]  # and one for records without a tier
    gold_column = page.split('data-value="Gold"')[1].split("</section>")[0]
    assert "Goldie" in gold_column and "Plain" not in gold_column
    assert f'action="/o/companies/{gold}/fields/tier"' in gold_column  # the no-script move form
    response = client.post(
        f"/o/companies/{gold}/fields/tier",
        data={"tier": "Silver", "version": "1", "next": "/o/companies/board?field=tier"},
    )
    assert response.status_code == 303
    page = text(client.get("/o/companies/board?field=tier"))
    assert "Goldie" in page.split('data-value="Silver"')[1].split("</section>")[0]
    assert client.get("/o/companies/board?field=name").status_code == 422
    filtered = text(client.get("/o/companies/board?field=tier&f=name&op=eq&v=Plain"))
    assert "Goldie" not in filtered and "Plain" in filtered


def test_deals_board_shows_the_stages_of_a_pipeline(app, tenant, client):
    deal = make(app, tenant, "deals", {"name": "Big deal", "amount": "1000"})
    page = text(client.get("/o/deals/board"))  # the stage is the default
    assert 'data-field="stage_id"' in page
    titles = re.findall(r'<h2 id="column-\d+"><span class="chip[^"]*">([^<]+)</span>', page)
    assert titles[:4] == ["Qualification", "Needs analysis", "Proposal", "Negotiation"]
    assert "Won" in titles and "Lost" in titles
    stage_ids = re.findall(r'<section class="board-column[^"]*" data-value="([^"]+)"', page)
    proposal = stage_ids[titles.index("Proposal")]
    response = client.post(
        f"/o/deals/{deal}/fields/stage_id",
        data={"stage_id": proposal, "version": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json()["html"]["probability"] == "50 %"  # the deal's rules ran
    lost = stage_ids[titles.index("Lost")]
    refused = client.post(
        f"/o/deals/{deal}/fields/stage_id",
        data={"stage_id": lost, "version": "2"},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 422
    assert refused.get_json()["messages"] == ["Lost reason: Required when the deal is lost."]
    assert fetch(app, tenant, "deals", deal)["stage_id"] == proposal
