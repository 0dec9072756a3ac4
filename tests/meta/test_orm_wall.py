"""The ORM wall: tenant-owned queries are filtered, and fail closed outside a scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from saas.auth.models import User
from saas.db import db
from tenants.scoping import TenantScoped, TenantScopeError, tenant_scope, unscoped
from tests.conftest import add_user


def test_query_outside_a_scope_raises(app, tenant):
    with app.app_context(), pytest.raises(TenantScopeError):
        db.session.scalars(select(User)).all()


def test_get_outside_a_scope_raises(app, tenant):
    with app.app_context(), pytest.raises(TenantScopeError):
        db.session.get(User, (tenant["id"], tenant["admin_id"]))


def test_bulk_update_outside_a_scope_raises(app, tenant):
    with app.app_context(), pytest.raises(TenantScopeError):
        db.session.execute(update(User).values(name="x"))


def test_scope_sees_only_its_tenant(app, tenant, other_tenant):
    add_user(app, other_tenant, email="g2@globex.example.com")
    with app.app_context():
        with tenant_scope(tenant["id"]):
            assert {u.email for u in db.session.scalars(select(User))} == {tenant["admin_email"]}
            # Even asking for the other tenant's key finds nothing.
            assert db.session.get(User, (other_tenant["id"], other_tenant["admin_id"])) is None
        with tenant_scope(other_tenant["id"]):
            assert len(db.session.scalars(select(User)).all()) == 2


def test_bulk_update_only_touches_the_scoped_tenant(app, tenant, other_tenant):
    with app.app_context():
        with tenant_scope(tenant["id"]):
            db.session.execute(update(User).values(name="Renamed"))
            db.session.commit()
        with tenant_scope(other_tenant["id"]):
            assert db.session.scalar(select(User.name)) == "Globex Admin"


def test_insert_is_stamped_with_the_scope(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        user = User(email="s@acme.example.com", name="S", role="member")
        db.session.add(user)
        db.session.flush()
        assert user.tenant_id == tenant["id"]
        db.session.rollback()


def test_insert_for_another_tenant_is_refused(app, tenant, other_tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        db.session.add(
            User(tenant_id=other_tenant["id"], email="x@x.example.com", name="X", role="member")
        )
        with pytest.raises(TenantScopeError):
            db.session.flush()
        db.session.rollback()


def test_insert_outside_a_scope_is_refused(app, tenant):
    with app.app_context():
        db.session.add(User(email="x@x.example.com", name="X", role="member"))
        with pytest.raises(TenantScopeError):
            db.session.flush()
        db.session.rollback()


def test_changing_a_row_loaded_in_another_scope_is_refused(app, tenant, other_tenant):
    with app.app_context():
        with tenant_scope(tenant["id"]):
            user = db.session.scalar(select(User))
        with tenant_scope(other_tenant["id"]):
            user.name = "Hijacked"
            with pytest.raises(TenantScopeError):
                db.session.flush()
        db.session.rollback()


def test_unscoped_needs_a_reason_and_adds_no_filter(app, tenant, other_tenant):
    with pytest.raises(ValueError):
        with unscoped(""):
            pass
    with app.app_context(), unscoped("test: count users across tenants"):
        emails = set(db.session.scalars(select(User.email)))
        dialect = db.engine.dialect.name
    if dialect == "sqlite":
        assert emails == {tenant["admin_email"], other_tenant["admin_email"]}
    else:
        # On PostgreSQL the database wall still hides every row without a tenant.
        assert emails == set()


def test_every_tenant_model_is_tenant_scoped(app):
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if "tenant_id" in table.c:
            assert issubclass(mapper.class_, TenantScoped), table.name


def test_counts_and_subqueries_are_filtered_too(app, tenant, other_tenant):
    from sqlalchemy import func

    add_user(app, other_tenant, email="g2@globex.example.com")
    with app.app_context():
        with tenant_scope(tenant["id"]):
            assert db.session.scalar(select(func.count()).select_from(User)) == 1
            assert db.session.scalar(select(func.count(User.id))) == 1
            subquery = select(User).where(User.role == "admin").subquery()
            assert db.session.scalar(select(func.count()).select_from(subquery)) == 1
            exists = select(User.id).where(User.email == "g2@globex.example.com").exists()
            assert db.session.scalar(select(exists)) is False
        with pytest.raises(TenantScopeError):
            db.session.scalar(select(func.count()).select_from(User))
