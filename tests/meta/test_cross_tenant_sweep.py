"""Every route and verb, called by tenant B against tenant A, reveals and changes nothing.

The sweep is built from ``app.url_map``: a new route with a URL parameter that has no
sample here fails the test until a sample of tenant A's is added.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from saas import clock
from saas.auth import api_tokens
from saas.auth import services as accounts
from saas.auth.actors import SYSTEM
from saas.auth.models import ApiToken, SsoProvider, User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient, add_user

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# URL parameters whose sample is an id of tenant A's: tenant B must get a 403/404/405.
A_SPECIFIC_ARGUMENTS = {
    "record_id",
    "field_name",
    "pipeline_id",
    "stage_id",
    "quote_id",
    "order_id",
    "campaign_id",
    "type_id",
    "view_id",
    "workflow_id",
    "run_id",
}

# URL parameters that name something every workspace has alike (an installed plugin, a
# language of the scripts' catalogue): B may act on it for itself (enabling a plugin for B),
# never for A (checked at the end).
SHARED_ARGUMENTS = {"name", "locale"}


@pytest.fixture
def world(app, tenant, other_tenant):
    """Tenant A (acme) with a member, a token, an invitation, a reset link and an SSO provider;
    tenant B (globex) with its admin signed in and a token of its own."""
    member_id = add_user(app, tenant, email="secret.member@acme.example.com", name="Zed Secret")
    with app.app_context():
        with tenant_scope(tenant["id"]):
            admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
            token, raw_a = api_tokens.create_api_token(user=admin, name="acme-only-token")
            pending = accounts.create_user(
                email="pending.invitee@acme.example.com", name="Pending Invitee", role="member"
            )
            invite = accounts.issue_user_token(pending, purpose=accounts.INVITE, ttl_seconds=3600)
            reset = accounts.issue_user_token(admin, purpose=accounts.RESET, ttl_seconds=3600)
            handoff = accounts.issue_user_token(admin, purpose=accounts.HANDOFF, ttl_seconds=3600)
            from core.objects import records, schema

            schema.add_field(
                "companies", name="secret_tier", label="Secret tier", type="text", filterable=True
            )
            company = records.create_record(
                "companies",
                {"name": "Acme Hidden Holdings", "secret_tier": "platinum-acme"},
                actor=admin,
            )
            schema.create_custom_object(name="acme_vaults", label="Acme vault")
            schema.add_field("acme_vaults", name="combination", label="Combination", type="text")
            vault = records.create_record(
                "acme_vaults", {"name": "Acme Vault One", "combination": "12-34-56"}, actor=admin
            )
            from core.deals import services as deals

            pipeline = deals.create_pipeline(
                name="Acme Secret Pipeline",
                stages=[{"name": "Acme Secret Stage", "probability": 42}],
            )
            stage = deals.list_stages(pipeline.id)[0]
            records.create_record(
                "deals", {"name": "Acme Secret Deal", "stage_id": str(stage.id)}, actor=admin
            )
            records.create_record(
                "leads", {"last_name": "Acme Secret Lead", "company_name": "Lead Co"}, actor=admin
            )
            records.create_record(
                "activities",
                {
                    "subject": "Acme secret call",
                    "related_object": "companies",
                    "related_id": str(company.id),
                },
                actor=admin,
            )
            product = records.create_record(
                "products",
                {"name": "Acme Secret Product", "code": "ACME-SECRET", "unit_price": "7"},
                actor=admin,
            )
            secret_line = [{"product_id": str(product.id), "quantity": 3}]
            quote = records.create_record(
                "quotes",
                {"name": "Acme Secret Quote", "status": "accepted", "lines": secret_line},
                actor=admin,
            )
            order = records.create_record(
                "orders", {"name": "Acme Secret Order", "lines": secret_line}, actor=admin
            )
            records.create_record(
                "tickets", {"subject": "Acme secret outage", "priority": "urgent"}, actor=admin
            )
            campaign = records.create_record(
                "campaigns", {"name": "Acme Secret Launch", "cost": "990"}, actor=admin
            )
            from core.relationships import services as relationships

            rel_type = relationships.create_relationship_type(
                values={
                    "name": "Acme Secret Alliance",
                    "forward_label": "allied with",
                    "reverse_label": "allied with",
                }
            )
            from core.tickets import hours as business_hours

            business_hours.set_business_hours(
                {
                    "timezone": "Pacific/Chatham",
                    "holidays": [{"date": "2026-12-25", "name": "Acme Secret Holiday"}],
                }
            )
            from core.savedviews import services as saved_views

            view = saved_views.create_view(
                "acme_vaults",
                name="Acme Secret View",
                shared=True,
                setup={"filters": [{"field": "name", "op": "contains", "value": "Vault"}]},
                actor=admin,
            )
            from core.currencies import services as currencies

            currencies.enable_currency("HKD")
            rate = currencies.set_rate(currency="HKD", valid_from="2026-12-01", rate="0.1234567")
            from core.workflows import services as workflows
            from core.workflows.engine import run_manually

            workflow = workflows.create_workflow(
                name="Acme Secret Workflow",
                object_name="companies",
                trigger_type="manual",
                actions=[{"type": "create_task", "subject": "Acme secret follow-up"}],
                active=True,
                actor=admin,
            )
            workflow_run = run_manually(workflow, record_id=company.id, actor=admin)
            provider = SsoProvider(
                name="Acme IdP",
                issuer="https://idp.acme.example.com",
                client_id="acme-client",
                client_secret_encrypted="not-a-real-secret",
                enabled=False,  # so that no test reaches out to its issuer
            )
            db.session.add(provider)
            db.session.flush()
            world = {
                "member_id": member_id,
                "token_id": token.id,
                "raw_a": raw_a,
                "provider_id": provider.id,
                "invite": invite,
                "reset": reset,
                "handoff": handoff,
                "token_prefix": token.prefix,
                "company_id": company.id,
                "vault_id": vault.id,
                "pipeline_id": pipeline.id,
                "stage_id": stage.id,
                "quote_id": quote.id,
                "order_id": order.id,
                "campaign_id": campaign.id,
                "type_id": rel_type.id,
                "view_id": view.id,
                "rate_id": rate.id,
                "workflow_id": workflow.id,
                "run_id": workflow_run.id,
            }
            # A enables every installed plugin (none in the core's own run; the external
            # plugin's run, tests/saas/plugins/test_external_plugin.py, sweeps its routes).
            from saas.plugins import services as plugin_services
            from saas.plugins.manager import installed_plugins

            plugins = sorted(installed_plugins(app.extensions["trellis_plugins"]))
            for name in plugins:
                plugin_services.enable_plugin(name, actor=SYSTEM)
            world["plugins"] = plugins
            db.session.commit()
        with tenant_scope(other_tenant["id"]):
            b_admin = db.session.get(User, (other_tenant["id"], other_tenant["admin_id"]))
            _, world["raw_b"] = api_tokens.create_api_token(user=b_admin, name="b")
            db.session.commit()
    b_client = TenantClient(app, other_tenant)
    b_client.login(other_tenant["admin_email"], other_tenant["password"])
    world["b_client"] = b_client
    world["secrets"] = [
        "secret.member@acme.example.com",
        "Zed Secret",
        "pending.invitee@acme.example.com",
        "acme-only-token",
        world["token_prefix"],
        "Acme IdP",  # (disabled, so not even on A's own login page)
        tenant["admin_email"],
        "Acme Hidden Holdings",
        "platinum-acme",
        "Acme Vault One",
        "12-34-56",
        "Acme Secret Pipeline",
        "Acme Secret Stage",
        "Acme Secret Deal",
        "Acme Secret Lead",
        "Acme secret call",
        "Acme Secret Product",
        "Acme Secret Quote",
        "Acme Secret Order",
        "Acme secret outage",
        "Acme Secret Launch",
        "Acme Secret Alliance",
        "Acme Secret View",
        "Acme Secret Holiday",
        "0.1234567",  # A's exchange rate
        "Acme Secret Workflow",
        "Acme secret follow-up",
        # (A's time zone is not listed: every zone name is on the SLA page's suggestions.)
        # (A's object and field names are not listed: a 404 may echo what the caller asked.)
    ]
    return world


def _samples(world, *, standard: bool = False) -> dict[str, str]:
    """A's ids for every URL parameter: A's custom object, or (standard) A's company."""
    return {
        "user_id": str(world["member_id"]),
        "token_id": str(world["token_id"]),
        "provider_id": str(world["provider_id"]),
        "token": world["invite"],
        "filename": "trellis.css",
        "object_name": "companies" if standard else "acme_vaults",
        "record_id": str(world["company_id"] if standard else world["vault_id"]),
        "field_name": "secret_tier" if standard else "combination",
        "role": "member",
        "pipeline_id": str(world["pipeline_id"]),
        "stage_id": str(world["stage_id"]),
        "quote_id": str(world["quote_id"]),
        "order_id": str(world["order_id"]),
        "priority": "urgent",
        "campaign_id": str(world["campaign_id"]),
        "type_id": str(world["type_id"]),
        "view_id": str(world["view_id"]),
        "workflow_id": str(world["workflow_id"]),
        "run_id": str(world["run_id"]),
        "index": "0",  # a workflow's first action
        "date": "2026-12-25",
        "name": world["plugins"][0] if world["plugins"] else "school",
        "code": "HKD",
        "rate_id": str(world["rate_id"]),
        "locale": "zh_Hans",  # the scripts' catalogue: the same for every workspace
    }


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in METHODS:
            if method in rule.methods:
                yield rule, method


def _path(rule, samples: dict[str, str], endpoint_tokens: dict[str, str]) -> str:
    values = {}
    for argument in rule.arguments:
        assert argument in samples, f"add a tenant-A sample for <{argument}> of {rule.rule}"
        values[argument] = samples[argument]
    if "token" in values:
        values["token"] = endpoint_tokens.get(rule.endpoint, samples["token"])
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", value)
    return path


def _endpoint_tokens(world) -> dict[str, str]:
    return {
        "auth.reset_password": world["reset"],
        "auth.handoff": world["handoff"],
        "auth.accept_invitation": world["invite"],
    }


def _assert_reveals_nothing(response, world, where):
    body = response.get_data(as_text=True)
    for secret in world["secrets"]:
        assert secret not in body, f"{where} revealed {secret!r}"


def _assert_a_unchanged(app, tenant, world):
    with app.app_context(), tenant_scope(tenant["id"]):
        member = db.session.get(User, (tenant["id"], world["member_id"]))
        assert member.is_active and member.role == "member"
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        assert admin.is_active and admin.role == "admin"
        token = db.session.get(ApiToken, (tenant["id"], world["token_id"]))
        assert token.revoked_at is None
        assert db.session.get(SsoProvider, (tenant["id"], world["provider_id"])) is not None
        from core.objects import records

        company = records.get_record("companies", world["company_id"], actor=SYSTEM)
        assert company.deleted_at is None and company.custom == {"secret_tier": "platinum-acme"}
        vault = records.get_record("acme_vaults", world["vault_id"], actor=SYSTEM)
        assert vault.custom == {"combination": "12-34-56"} and vault.version == 1
        pending = db.session.scalar(
            select(User).where(User.email == "pending.invitee@acme.example.com")
        )
        assert pending.is_active and pending.password_hash is None
        from core.deals import services as deals
        from core.leads.models import Lead

        stage = deals.get_stage(world["pipeline_id"], world["stage_id"])
        assert stage.name == "Acme Secret Stage" and stage.probability == 42
        pipelines = deals.list_pipelines()
        assert [(p.name, p.is_default) for p in pipelines] == [
            ("Sales", True),
            ("Acme Secret Pipeline", False),
        ]
        assert [len(deals.list_stages(p.id)) for p in pipelines] == [6, 1]
        lead = db.session.scalar(select(Lead))
        assert lead.status == "new" and lead.version == 1
        for name in ("quotes", "orders"):
            sale = records.get_record(name, world[f"{name[:-1]}_id"], actor=SYSTEM)
            assert sale.version == 1 and sale.total == 21
        quote = records.get_record("quotes", world["quote_id"], actor=SYSTEM)
        assert quote.status == "accepted" and quote.order_id is None
        from core.currencies import services as currencies

        assert currencies.is_enabled("HKD")
        assert [r.id for r in currencies.list_rates()] == [world["rate_id"]]
        from core.orders import services as sales

        assert sales.credit_check_mode() == "warn"
        from core.relationships import services as relationships
        from core.tickets import services as tickets

        rel_type = relationships.get_relationship_type(world["type_id"])
        assert rel_type.name == "Acme Secret Alliance"
        assert tickets.sla_targets()["urgent"] == {
            "first_response_minutes": 60,
            "resolution_minutes": 240,
            "hours": "24x7",
        }
        from core.tickets import hours as business_hours

        acme_hours = business_hours.business_hours()
        assert acme_hours["timezone"] == "Pacific/Chatham"
        assert acme_hours["holidays"] == [{"date": "2026-12-25", "name": "Acme Secret Holiday"}]
        assert acme_hours["weekly_minutes"] == 2400
        campaign = records.get_record("campaigns", world["campaign_id"], actor=SYSTEM)
        assert campaign.version == 1 and campaign.deleted_at is None
        from core.savedviews.models import SavedView

        view = db.session.get(SavedView, (tenant["id"], world["view_id"]))
        assert view.name == "Acme Secret View" and view.shared and view.setup["filters"]
        from saas.plugins.tenant import enabled_plugins, forget_enabled_plugins

        forget_enabled_plugins()
        assert sorted(enabled_plugins()) == world["plugins"]


def test_b_admin_on_its_own_host_gets_404_or_403_for_a_ids(app, tenant, other_tenant, world):
    samples = _samples(world)
    tokens = _endpoint_tokens(world)
    checked = 0
    for rule, method in _routes(app):
        if rule.endpoint in ("static", "auth.logout"):
            continue  # signing B out would end the sweep's session
        path = _path(rule, samples, tokens)
        response = world["b_client"].open(path, method)
        assert world["b_client"].get("/").status_code == 200, f"B was signed out by {path}"
        where = f"{method} {path} on B's host"
        _assert_reveals_nothing(response, world, where)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, (where, response.status_code)  # no token
        elif set(rule.arguments) - SHARED_ARGUMENTS:
            assert response.status_code in (403, 404, 405), (where, response.status_code)
        else:
            assert response.status_code < 500, where
        checked += 1
    assert checked > 20
    _assert_a_unchanged(app, tenant, world)


def test_b_session_cookie_on_a_host_is_anonymous(app, tenant, other_tenant, world):
    cookie = world["b_client"].client.get_cookie("session", domain="globex.localhost")
    assert cookie is not None
    samples = _samples(world)
    tokens = _endpoint_tokens(world)
    for rule, method in _routes(app):
        if rule.endpoint in ("static", "auth.handoff"):
            continue  # the hand-off link is a credential in itself, and single use
        path = _path(rule, samples, tokens)
        intruder = app.test_client()
        intruder.set_cookie("session", cookie.value, domain="acme.localhost")
        anonymous = app.test_client()
        with_b = intruder.open(path, method=method, base_url=tenant["host"])
        without = anonymous.open(path, method=method, base_url=tenant["host"])
        where = f"{method} {path} on A's host with B's session"
        assert with_b.status_code == without.status_code, where
        assert with_b.headers.get("Location") == without.headers.get("Location"), where
        if rule.endpoint != "auth.accept_invitation":  # shows the invitee to the link holder
            _assert_reveals_nothing(with_b, world, where)
    _assert_a_unchanged(app, tenant, world)


def test_b_token_never_authenticates_for_a(app, tenant, other_tenant, world):
    headers = {"Authorization": f"Bearer {world['raw_b']}"}
    for standard in (False, True):
        samples = _samples(world, standard=standard)
        for rule, method in _routes(app):
            if not rule.rule.startswith("/api/"):
                continue
            path = _path(rule, samples, {})
            where = f"{method} {path} with B's token"
            on_a = app.test_client().open(
                path, method=method, base_url=tenant["host"], headers=headers, json={}
            )
            assert on_a.status_code == 401, where
            on_b = app.test_client().open(path, method=method, headers=headers, json={})
            _assert_reveals_nothing(on_b, world, where)
            a_specific = A_SPECIFIC_ARGUMENTS & set(rule.arguments) or (
                not standard and "object_name" in rule.arguments
            )
            if a_specific:
                assert on_b.status_code in (403, 404, 405), (where, on_b.status_code)
            else:
                assert on_b.status_code < 500, where
    me = app.test_client().get("/api/v1/me", headers=headers).get_json()
    assert me["tenant"]["slug"] == "globex"
    _assert_a_unchanged(app, tenant, world)


def test_expired_a_token_cannot_be_replayed(app, tenant, world):
    with app.app_context(), tenant_scope(tenant["id"]):
        for record in db.session.scalars(select(accounts.UserToken)):
            record.expires_at = clock.now() - dt.timedelta(seconds=1)
        db.session.commit()
    for endpoint, token in _endpoint_tokens(world).items():
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        path = rule.rule.replace("<token>", token)
        response = app.test_client().get(path, base_url=tenant["host"])
        assert response.status_code == 404, endpoint
