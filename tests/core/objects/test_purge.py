"""The purge of records deleted more than RESTORE_DAYS ago: what goes, what stays, what is
cleared or held, per tenant, in batches, dry or for real, as a job and from the CLI."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from core.objects.audit import AuditEntry
from core.objects.purge import enqueue_purges, purge_tenant
from core.objects.registry import object_for_tenant
from saas import clock
from saas.db import db
from saas.jobs import dispatch_outbox
from tenants.scoping import tenant_scope
from tests.core.objects.conftest import api, other_api  # noqa: F401  (fixtures)

COMPANIES = "/api/v1/objects/companies"
CONTACTS = "/api/v1/objects/contacts"
ACTIVITIES = "/api/v1/objects/activities"


# Their answers depend on the hour and the weekday: CI also runs them on a weekday at noon
# and a Saturday night (the --clock option).
pytestmark = pytest.mark.time_sensitive


def created(response) -> dict:
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deleted_days_ago(app, tenant: dict, object_name: str, record_id: str, days: float) -> None:
    """Put a record in the recycle bin as if it had been deleted ``days`` ago."""
    with app.app_context(), tenant_scope(tenant["id"]):
        obj = object_for_tenant(object_name)
        record = db.session.get(obj.model, (tenant["id"], uuid.UUID(record_id)))
        record.deleted_at = clock.now() - dt.timedelta(days=days)
        db.session.commit()


def exists(app, tenant: dict, object_name: str, record_id: str) -> bool:
    with app.app_context(), tenant_scope(tenant["id"]):
        obj = object_for_tenant(object_name)
        return db.session.get(obj.model, (tenant["id"], uuid.UUID(record_id))) is not None


def audit_actions(app, tenant: dict, record_id: str) -> list[str]:
    with app.app_context(), tenant_scope(tenant["id"]):
        query = select(AuditEntry.action).where(AuditEntry.record_id == uuid.UUID(record_id))
        return sorted(db.session.scalars(query))


def purge(app, tenant: dict, **options):
    with app.app_context():
        return purge_tenant(tenant["id"], **options)


def company(api, name: str) -> dict:  # noqa: F811
    return created(api.post(COMPANIES, json={"name": name}))


def test_a_record_deleted_31_days_ago_is_gone_and_one_deleted_29_days_ago_restorable(
    app,
    tenant,
    api,  # noqa: F811
):
    old, recent, live = company(api, "Old"), company(api, "Recent"), company(api, "Live")
    for record, days in ((old, 31), (recent, 29)):
        assert api.delete(f"{COMPANIES}/{record['id']}").status_code == 204
        deleted_days_ago(app, tenant, "companies", record["id"], days)

    report = purge(app, tenant)

    assert report.purged == {"companies": 1}
    assert not exists(app, tenant, "companies", old["id"])
    assert api.get(f"{COMPANIES}/{old['id']}").status_code == 404
    assert api.post(f"{COMPANIES}/{old['id']}/restore").status_code == 404
    # The history of who created and deleted it stays, closed by a purge entry.
    assert audit_actions(app, tenant, old["id"]) == ["create", "delete", "purge"]
    restored = api.post(f"{COMPANIES}/{recent['id']}/restore")
    assert restored.status_code == 200, restored.get_json()
    assert restored.get_json()["name"] == "Recent"
    assert api.get(f"{COMPANIES}/{live['id']}").status_code == 200


def test_other_tenants_are_untouched(
    app,
    tenant,
    other_tenant,
    api,  # noqa: F811
    other_api,  # noqa: F811
):
    ours, theirs = company(api, "Ours"), company(other_api, "Theirs")
    api.delete(f"{COMPANIES}/{ours['id']}")
    other_api.delete(f"{COMPANIES}/{theirs['id']}")
    deleted_days_ago(app, tenant, "companies", ours["id"], 40)
    deleted_days_ago(app, other_tenant, "companies", theirs["id"], 40)

    purge(app, tenant)

    assert not exists(app, tenant, "companies", ours["id"])
    assert exists(app, other_tenant, "companies", theirs["id"])
    assert audit_actions(app, other_tenant, theirs["id"]) == ["create", "delete"]


def test_a_dry_run_reports_exactly_and_changes_nothing(app, tenant, api):  # noqa: F811
    doomed = company(api, "Doomed")
    contact = created(api.post(CONTACTS, json={"last_name": "Ng", "company_id": doomed["id"]}))
    api.delete(f"{COMPANIES}/{doomed['id']}")
    deleted_days_ago(app, tenant, "companies", doomed["id"], 31)

    report = purge(app, tenant, dry_run=True)

    assert report.purged == {"companies": 1}
    assert report.cleared == {"contacts": 1}
    assert exists(app, tenant, "companies", doomed["id"])
    assert audit_actions(app, tenant, doomed["id"]) == ["create", "delete"]
    assert api.get(f"{CONTACTS}/{contact['id']}").get_json()["company_id"] == doomed["id"]


def test_activities_go_with_the_record_and_lookups_to_it_are_cleared(
    app,
    tenant,
    api,  # noqa: F811
):
    doomed, kept = company(api, "Doomed"), company(api, "Kept")
    contact = created(api.post(CONTACTS, json={"last_name": "Ng", "company_id": doomed["id"]}))
    call = created(
        api.post(
            ACTIVITIES,
            json={"subject": "Call", "related_object": "companies", "related_id": doomed["id"]},
        )
    )
    other_call = created(
        api.post(
            ACTIVITIES,
            json={"subject": "Other", "related_object": "companies", "related_id": kept["id"]},
        )
    )
    api.delete(f"{COMPANIES}/{doomed['id']}")
    deleted_days_ago(app, tenant, "companies", doomed["id"], 31)

    report = purge(app, tenant)

    assert report.purged == {"companies": 1, "activities": 1}
    assert not exists(app, tenant, "activities", call["id"])
    assert exists(app, tenant, "activities", other_call["id"])
    assert audit_actions(app, tenant, call["id"]) == ["create", "purge"]
    after = api.get(f"{CONTACTS}/{contact['id']}").get_json()
    assert after["company_id"] is None and after["version"] == contact["version"] + 1
    history = api.get(f"{CONTACTS}/{contact['id']}/history").get_json()["data"]
    assert history[0]["action"] == "update"
    assert history[0]["changes"]["company_id"] == [doomed["id"], None]


def test_quote_lines_go_with_their_quote(app, tenant, api):  # noqa: F811
    from core.orders.models import QuoteLine

    widget = created(
        api.post(
            "/api/v1/objects/products",
            json={"name": "Widget", "code": "W-1", "unit_price": "10.00"},
        )
    )
    customer = company(api, "Initech")
    quote = created(
        api.post(
            "/api/v1/objects/quotes",
            json={
                "name": "Q1",
                "company_id": customer["id"],
                "lines": [{"product_id": widget["id"], "quantity": 3}],
            },
        )
    )
    api.delete(f"/api/v1/objects/quotes/{quote['id']}")
    deleted_days_ago(app, tenant, "quotes", quote["id"], 31)

    purge(app, tenant)

    assert not exists(app, tenant, "quotes", quote["id"])
    with app.app_context(), tenant_scope(tenant["id"]):
        assert db.session.scalar(select(func.count()).select_from(QuoteLine)) == 0
    assert exists(app, tenant, "products", widget["id"])


def test_lines_of_live_quotes_keep_their_text_when_their_product_is_purged(
    app,
    tenant,
    api,  # noqa: F811
):
    from core.orders.models import QuoteLine

    widget = created(
        api.post(
            "/api/v1/objects/products",
            json={"name": "Widget", "code": "W-1", "unit_price": "10.00"},
        )
    )
    quote = created(
        api.post(
            "/api/v1/objects/quotes",
            json={"name": "Q1", "lines": [{"product_id": widget["id"], "quantity": 3}]},
        )
    )
    api.delete(f"/api/v1/objects/products/{widget['id']}")
    deleted_days_ago(app, tenant, "products", widget["id"], 31)

    report = purge(app, tenant)

    assert report.purged["products"] == 1
    with app.app_context(), tenant_scope(tenant["id"]):
        line = db.session.scalar(select(QuoteLine))
        assert line.product_id is None and line.quantity == 3
    after = api.get(f"/api/v1/objects/quotes/{quote['id']}").get_json()
    assert after["total"] == quote["total"]


def test_a_campaigns_members_go_with_it(app, tenant, api):  # noqa: F811
    campaign = created(api.post("/api/v1/objects/campaigns", json={"name": "Spring"}))
    contact = created(api.post(CONTACTS, json={"last_name": "Ng"}))
    member = created(
        api.post(
            "/api/v1/objects/campaign_members",
            json={"campaign_id": campaign["id"], "contact_id": contact["id"]},
        )
    )
    api.delete(f"/api/v1/objects/campaigns/{campaign['id']}")
    deleted_days_ago(app, tenant, "campaigns", campaign["id"], 31)

    report = purge(app, tenant)

    assert report.purged == {"campaigns": 1, "campaign_members": 1}
    assert not exists(app, tenant, "campaign_members", member["id"])
    assert exists(app, tenant, "contacts", contact["id"])


def test_a_price_book_that_orders_still_name_is_held(app, tenant, api):  # noqa: F811
    book = created(api.post("/api/v1/objects/price_books", json={"name": "Export"}))
    widget = created(
        api.post(
            "/api/v1/objects/products",
            json={"name": "Widget", "code": "W-1", "unit_price": "10.00"},
        )
    )
    created(
        api.post(
            "/api/v1/objects/price_book_entries",
            json={"price_book_id": book["id"], "product_id": widget["id"], "list_price": "9"},
        )
    )
    order = created(
        api.post(
            "/api/v1/objects/orders",
            json={
                "name": "O1",
                "price_book_id": book["id"],
                "lines": [{"product_id": widget["id"], "quantity": 1}],
            },
        )
    )
    api.delete(f"/api/v1/objects/price_books/{book['id']}")
    deleted_days_ago(app, tenant, "price_books", book["id"], 31)

    report = purge(app, tenant)

    assert report.held == {"price_books": 1} and not report.purged
    assert exists(app, tenant, "price_books", book["id"])
    assert api.get(f"/api/v1/objects/orders/{order['id']}").status_code == 200

    api.delete(f"/api/v1/objects/orders/{order['id']}")
    deleted_days_ago(app, tenant, "orders", order["id"], 31)
    # Once the last order naming it is purged, the same run purges the price book.
    report = purge(app, tenant)
    assert report.purged == {"orders": 1, "price_books": 1, "price_book_entries": 1}
    assert not report.held


def test_a_custom_objects_records_and_custom_lookups(app, tenant, api):  # noqa: F811
    from core.objects.schema import add_field, create_custom_object

    with app.app_context(), tenant_scope(tenant["id"]):
        create_custom_object(name="sites", label="Site")
        add_field("sites", name="owner_company", label="Company", type="lookup",
                  options={"target": "companies"})  # fmt: skip
        add_field("contacts", name="site", label="Site", type="lookup",
                  options={"target": "sites"}, filterable=True)  # fmt: skip
        db.session.commit()
    doomed = company(api, "Doomed")
    site = created(
        api.post("/api/v1/objects/sites", json={"name": "Plant", "owner_company": doomed["id"]})
    )
    old_site = created(api.post("/api/v1/objects/sites", json={"name": "Old plant"}))
    contact = created(api.post(CONTACTS, json={"last_name": "Ng", "site": old_site["id"]}))
    by_site = f"{CONTACTS}?filter[site]={old_site['id']}"
    assert len(api.get(by_site).get_json()["data"]) == 1
    api.delete(f"{COMPANIES}/{doomed['id']}")
    api.delete(f"/api/v1/objects/sites/{old_site['id']}")
    deleted_days_ago(app, tenant, "companies", doomed["id"], 31)
    deleted_days_ago(app, tenant, "sites", old_site["id"], 45)

    report = purge(app, tenant)

    assert report.purged == {"companies": 1, "sites": 1}
    assert report.cleared == {"sites": 1, "contacts": 1}
    assert api.get(f"/api/v1/objects/sites/{site['id']}").get_json().get("owner_company") is None
    assert api.get(f"{CONTACTS}/{contact['id']}").get_json().get("site") is None
    assert api.get(by_site).get_json()["data"] == []  # the filter's slot is emptied too


def test_batches_purge_everything_due(app, tenant, api):  # noqa: F811
    ids = [company(api, f"C{n}")["id"] for n in range(5)]
    for record_id in ids:
        api.delete(f"{COMPANIES}/{record_id}")
        deleted_days_ago(app, tenant, "companies", record_id, 31)

    assert purge(app, tenant, batch_size=2, dry_run=True).purged == {"companies": 5}
    assert all(exists(app, tenant, "companies", record_id) for record_id in ids)
    assert purge(app, tenant, batch_size=2).purged == {"companies": 5}
    assert not any(exists(app, tenant, "companies", record_id) for record_id in ids)


def test_the_nightly_job_purges_every_tenant_once_a_day(
    app,
    tenant,
    other_tenant,
    api,  # noqa: F811
    other_api,  # noqa: F811
):
    ours, theirs = company(api, "Ours"), company(other_api, "Theirs")
    api.delete(f"{COMPANIES}/{ours['id']}")
    other_api.delete(f"{COMPANIES}/{theirs['id']}")
    deleted_days_ago(app, tenant, "companies", ours["id"], 31)
    deleted_days_ago(app, other_tenant, "companies", theirs["id"], 10)

    with app.app_context():
        assert enqueue_purges(day=dt.date(2030, 1, 1)) == 2
        enqueue_purges(day=dt.date(2030, 1, 1))  # the same day again: absorbed
        db.session.commit()
        assert dispatch_outbox() == 2

    assert not exists(app, tenant, "companies", ours["id"])
    assert exists(app, other_tenant, "companies", theirs["id"])


def test_the_cli_command(app, tenant, api):  # noqa: F811
    doomed = company(api, "Doomed")
    api.delete(f"{COMPANIES}/{doomed['id']}")
    deleted_days_ago(app, tenant, "companies", doomed["id"], 31)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["purge-deleted", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "acme: would purge 1 record(s)" in dry.output
    assert exists(app, tenant, "companies", doomed["id"])

    unknown = runner.invoke(args=["purge-deleted", "--tenant", "nope"])
    assert unknown.exit_code == 2 and "No tenant 'nope'" in unknown.output

    done = runner.invoke(args=["purge-deleted", "--tenant", "acme"])
    assert done.exit_code == 0, done.output
    assert "acme: purged 1 record(s)" in done.output
    assert not exists(app, tenant, "companies", doomed["id"])


@pytest.mark.parametrize("days", [29.5, 1])
def test_the_recycle_bin_says_when_each_item_is_purged(app, tenant, client, api, days):  # noqa: F811
    record = company(api, "Binned")
    api.delete(f"{COMPANIES}/{record['id']}")
    deleted_days_ago(app, tenant, "companies", record["id"], days)
    purge_on = (clock.now() - dt.timedelta(days=days) + dt.timedelta(days=30)).date()

    page = client.get("/o/companies/bin").get_data(as_text=True)

    assert "Purged after" in page
    assert f"{purge_on:%b} {purge_on.day}, {purge_on.year}" in page  # Babel's "Dec 5, 2026"
