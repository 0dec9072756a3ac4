"""Schema rules of a shared-schema multi-tenant database."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, UniqueConstraint

from saas.db import db


def _tenant_tables():
    return [t for t in db.metadata.sorted_tables if "tenant_id" in t.c]


def test_there_are_tenant_tables(app):
    names = {t.name for t in _tenant_tables()}
    assert {"users", "api_tokens", "user_tokens", "email_outbox", "sso_providers"} <= names


def test_tenant_id_leads_every_tenant_primary_key(app):
    for table in _tenant_tables():
        columns = [c.name for c in table.primary_key.columns]
        assert columns[0] == "tenant_id" and "id" in columns, (table.name, columns)


def test_no_unique_constraint_or_foreign_key_without_tenant_id(app):
    for table in _tenant_tables():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint):
                assert "tenant_id" in constraint.columns, (table.name, constraint.name)
            if isinstance(constraint, ForeignKeyConstraint):
                assert "tenant_id" in {c.name for c in constraint.columns}, (
                    table.name,
                    constraint.name,
                )
        for index in table.indexes:
            if index.unique:
                assert "tenant_id" in index.columns, (table.name, index.name)
