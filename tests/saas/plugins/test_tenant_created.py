"""New workspaces get their defaults from the hooks: tenants/provisioning.py calls
tenant_created (core first, keyword arguments) and imports no area."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from saas.db import db
from saas.errors import ValidationFailed
from saas.plugins import hookimpl
from saas.plugins.manager import build_manager, notify
from tenants.models import Tenant
from tenants.provisioning import create_tenant
from tenants.scoping import current_tenant_id


@pytest.fixture
def extra_plugin(app):
    """A plugin registered after the core, for one test."""
    pm = app.extensions["trellis_plugins"]
    registered = []

    def register(plugin, name):
        pm.register(plugin, name=name)
        registered.append(name)

    yield register
    for name in registered:
        pm.unregister(name=name)


def _create(slug="zzacme"):
    return create_tenant(
        slug=slug,
        name="Zz Acme",
        admin_email=f"admin@{slug}.example",
        admin_name="Ada Admin",
        admin_password="a long enough passphrase 42",
    )


def test_core_defaults_come_from_tenant_created_before_a_plugins(app, extra_plugin):
    seen = []

    class Plugin:
        @hookimpl
        def tenant_created(self, tenant, admin):
            from core.deals.services import find_default_pipeline, list_stages

            # The core's defaults are there already: the plugin runs after them.
            seen.append((tenant.slug, admin.email, current_tenant_id() == tenant.id))
            seen.append(len(list_stages(find_default_pipeline().id)) > 0)

    extra_plugin(Plugin(), "zz_plugin")
    with app.app_context():
        tenant, _ = _create()
        db.session.commit()
    assert seen == [("zzacme", "admin@zzacme.example", True), True]


def test_an_implementation_that_fails_refuses_the_workspace(app, extra_plugin):
    class Refuses:
        @hookimpl
        def tenant_created(self):
            raise ValidationFailed("no room for another workspace")

    extra_plugin(Refuses(), "zz_refuses")
    with app.app_context():
        with pytest.raises(ValidationFailed, match="no room"):
            _create("zzfails")
        db.session.rollback()
        left = db.session.scalar(
            select(func.count()).select_from(Tenant).where(Tenant.slug == "zzfails")
        )
        if db.engine.dialect.name == "postgresql":
            assert left == 0  # the whole creation rolled back
        # (On SQLite, pysqlite commits the tenant row when create_tenant's savepoint is
        # released, as for any failure after it: a known gap of the SQLite set-up.)


def test_notify_calls_in_registration_order_with_keywords_only():
    calls = []

    class First:
        @hookimpl
        def tenant_created(self, tenant):
            calls.append(("first", tenant))

    class Second:
        @hookimpl
        def tenant_created(self, admin, tenant):
            calls.append(("second", tenant, admin))

    pm = build_manager()
    pm.register(First(), name="zz_first")
    pm.register(Second(), name="zz_second")
    impls = [impl.plugin_name for impl in pm.hook.tenant_created.get_hookimpls()]
    assert impls == [
        "core.deals.hooks",
        "core.products.hooks",
        "core.relationships.hooks",
        "core.tickets.hooks",
        "zz_first",
        "zz_second",
    ]
    for name in impls[:4]:
        pm.unregister(name=name)  # they need a tenant scope and a database
    notify(pm, "tenant_created", tenant="t", admin="a")
    assert calls == [("first", "t"), ("second", "t", "a")]
    with pytest.raises(TypeError):
        pm.hook.tenant_created("t", "a")  # pluggy refuses positional arguments
