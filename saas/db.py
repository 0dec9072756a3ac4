"""The SQLAlchemy handle, declarative base and column types shared by every model."""

from __future__ import annotations

import datetime as dt

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, Boolean, DateTime, MetaData, String, event, literal
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from saas import clock

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(dt.UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class json_array_has_any(FunctionElement):  # noqa: N801  (an SQL expression, named as one)
    """True when the JSON array of strings in ``column`` holds any of ``values``.

    PostgreSQL uses JSONB's ``?|`` (served by a GIN index when there is one); SQLite looks
    through ``json_each``. Values are bound parameters, never spliced into the SQL.
    """

    type = Boolean()
    inherit_cache = True
    name = "json_array_has_any"

    def __init__(self, column, values) -> None:
        if not values:
            raise ValueError("json_array_has_any needs at least one value")
        super().__init__(column, *(literal(str(value), String) for value in values))


@compiles(json_array_has_any)
def _has_any_sqlite(element, compiler, **kw) -> str:
    column, *values = list(element.clauses)
    listed = ", ".join(compiler.process(value, **kw) for value in values)
    # Only compiled column names and bound-parameter placeholders are formatted in.
    return (
        f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)}) "  # noqa: S608
        f"WHERE json_each.value IN ({listed}))"
    )


@compiles(json_array_has_any, "postgresql")
def _has_any_postgresql(element, compiler, **kw) -> str:
    column, *values = list(element.clauses)
    listed = ", ".join(compiler.process(value, **kw) for value in values)
    return f"({compiler.process(column, **kw)} ?| CAST(ARRAY[{listed}] AS TEXT[]))"


def utcnow() -> dt.datetime:
    """The current instant from the one clock (``saas.clock``), for column defaults."""
    return clock.now()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite enforces foreign keys only when asked, per connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
