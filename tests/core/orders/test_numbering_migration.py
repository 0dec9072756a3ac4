"""The migration that introduced numbers numbers the quotes and orders that existed, per
tenant and year in creation order, and starts the counters after them (SQLite scratch
database; the PostgreSQL run of the suite migrates an empty database through it)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import command

from saas.app import create_app
from saas.migrate import alembic_config
from tests.conftest import test_config

BEFORE, NUMBERS = "d7842608d582", "56fa73b58a83"


def _filler(column: sa.Column):
    kind = column.type
    if isinstance(kind, sa.Uuid) or column.name == "id":
        return uuid.uuid4().hex  # SQLite keeps a UUID as 32 hex digits
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.DateTime):
        return dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    if isinstance(kind, sa.Date):
        return dt.date(2025, 1, 1)
    if isinstance(kind, sa.Integer | sa.Numeric | sa.Float):
        return 0
    if isinstance(kind, sa.JSON):
        return {}
    return "x"


def _insert(connection, table: sa.Table, **values) -> dict:
    row = {
        column.name: _filler(column)
        for column in table.columns
        if not column.nullable and column.name not in values
    }
    row |= values
    connection.execute(table.insert().values(**row))
    return row


def test_existing_quotes_and_orders_are_numbered(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app(test_config(url, url))
    with app.app_context():
        command.upgrade(alembic_config(), BEFORE)
        engine = sa.create_engine(url)
        meta = sa.MetaData()
        meta.reflect(engine)
        tenants, books = meta.tables["tenants"], meta.tables["price_books"]
        quotes, orders = meta.tables["quotes"], meta.tables["orders"]

        def at(year, month, day):
            return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)

        with engine.begin() as connection:
            made = {}
            for slug in ("acme", "globex"):
                tenant = _insert(connection, tenants, slug=slug, status="active", settings={})
                book = _insert(connection, books, tenant_id=tenant["id"], currency="USD")
                made[slug] = (tenant["id"], book["id"])
            acme, acme_book = made["acme"]
            globex, globex_book = made["globex"]
            for name, when in (
                ("late", at(2026, 2, 1)),
                ("early", at(2025, 12, 30)),
                ("middle", at(2026, 1, 15)),
                ("first26", at(2026, 1, 2)),
            ):
                _insert(
                    connection,
                    quotes,
                    tenant_id=acme,
                    price_book_id=acme_book,
                    name=name,
                    status="draft",
                    currency="USD",
                    created_at=when,
                )
            _insert(
                connection,
                quotes,
                tenant_id=globex,
                price_book_id=globex_book,
                name="theirs",
                status="draft",
                currency="USD",
                created_at=at(2026, 3, 1),
            )
            _insert(
                connection,
                orders,
                tenant_id=acme,
                price_book_id=acme_book,
                name="order",
                status="draft",
                currency="USD",
                created_at=at(2026, 5, 1),
            )
        command.upgrade(alembic_config(), NUMBERS)
        with engine.connect() as connection:
            numbers = dict(connection.execute(sa.text("SELECT name, number FROM quotes")).all())
            assert numbers == {
                "early": "Q-2025-0001",
                "first26": "Q-2026-0001",
                "middle": "Q-2026-0002",
                "late": "Q-2026-0003",
                "theirs": "Q-2026-0001",
            }
            assert connection.scalar(sa.text("SELECT number FROM orders")) == "SO-2026-0001"
            counters = connection.execute(
                sa.text("SELECT tenant_id, name, value FROM tenant_counters")
            ).all()
            by_tenant = {(uuid.UUID(str(t)).hex, name): value for t, name, value in counters}
            assert by_tenant == {
                (acme, "quotes:2025"): 1,
                (acme, "quotes:2026"): 3,
                (acme, "orders:2026"): 1,
                (globex, "quotes:2026"): 1,
            }
        engine.dispose()
        db_engine = app.extensions["sqlalchemy"].engine
        db_engine.dispose()
