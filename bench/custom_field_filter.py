"""Benchmark: filtering and sorting on a filterable custom field, against a native indexed
column and against JSONB + GIN, on a PostgreSQL fixture of 1M contacts; and the write
latency of a contact with 20 custom fields and of adding a custom field.

The fixture: ``--tenants`` tenants (created with ``tenants.provisioning.create_tenant``)
whose sizes follow a Zipf law, 20 custom fields on contacts for every tenant (defined with
``core.objects.schema.add_field``, 5 of them filterable so they get slot columns), and
``--rows`` contacts loaded with COPY as the owner role. Every custom value is produced by
the field type's ``clean`` and mirrored with ``slot_value``, as ``core.objects.records``
writes it (the script checks sampled rows against ``clean_input`` after the load). A GIN
index on ``contacts.custom`` is added in the bench database only, for the JSONB reference.

What is timed, as the application's role (no BYPASSRLS, forced RLS, ``app.tenant_id`` set
per transaction by the app's own listener), in an app context and ``tenant_scope``, for the
largest and a median tenant, interleaved:

- native: ``list_records`` with a ``Filter`` on ``last_name`` (indexed), sorted on it;
- slot: ``list_records`` with a ``Filter`` on a filterable custom field (its slot column);
- jsonb: the same filter and sort written on ``custom`` (``@>`` for equality, ``->>`` for
  ranges), through the same session, metadata query and ORM loading as ``list_records``;
- beyond the first filtered page: a page mid-list (keyset cursor), unfiltered pages sorted
  descending, and the default list (sorted on created_at);
- writes: ``create_record`` with the 20 custom fields (+ audit entry) and commit;
  ``add_field`` + commit on the largest and the median tenant.

It then explains the slow cases: EXPLAIN ANALYZE of each page as the app role, the same
statements as the owner (RLS bypassed) and with the suspected operator functions marked
LEAKPROOF (in a transaction that is rolled back), and rewritten queries; and it counts the
interpreter's full garbage collections during the measurements.

    .venv/bin/python bench/custom_field_filter.py [--rows 1000000] [--tenants 1000]
    .venv/bin/python bench/custom_field_filter.py --keep          # keep the fixture
    .venv/bin/python bench/custom_field_filter.py --reuse --keep  # measure it again
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import gc
import json
import math
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import Numeric, create_engine, event, text, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Keep load_config() from writing instance/secret_key in the working directory.
os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 32)

from flask import Flask  # noqa: E402

from core.contacts.models import Contact  # noqa: E402
from core.objects.models import SLOT_COLUMNS  # noqa: E402
from core.objects.records import (  # noqa: E402
    Filter,
    clean_input,
    create_record,
    list_records,
    records_query,
)
from core.objects.registry import object_for_tenant  # noqa: E402
from core.objects.schema import add_field  # noqa: E402
from saas.app import create_app  # noqa: E402
from saas.auth.actors import SYSTEM  # noqa: E402
from saas.auth.models import User  # noqa: E402
from saas.auth.passwords import hash_password  # noqa: E402
from saas.db import db  # noqa: E402
from saas.migrate import upgrade_database  # noqa: E402
from tenants.provisioning import create_tenant  # noqa: E402
from tenants.scoping import tenant_scope  # noqa: E402

GOAL_RATIO = 1.5
GOAL_READ_P95_MS = 50.0
GOAL_READ_P99_MS = 150.0
GOAL_WRITE_P95_MS = 80.0
GOAL_ADD_FIELD_P95_MS = 50.0
GOAL_LARGE_OVER_MEDIAN = 2.0
PAGE = 50
DEFAULT_DATABASE_URL = (
    f"postgresql+psycopg://postgres@{os.environ.get('PG_HOST', '127.0.0.1')}:5432/trellis_bench_cf"
)
DEFAULT_APP_ROLE = "trellis_bench_cf_app"
MARKER = "bench_fixture"  # owner-only table describing the fixture (lets --reuse find it)
MARKER_TENANTS = "bench_fixture_tenants"
GIN_INDEX = "ix_bench_contacts_custom_gin"
ADDED_FIELD_PREFIX = "bench_added_"
EPOCH = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

out = print


def say(message: str = "") -> None:
    print(message, flush=True)


# Synthetic values ----------------------------------------------------------------------------

_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w")
_VOWELS = ("a", "e", "i", "o", "u", "ay", "ee", "oo")
_CODAS = ("", "n", "r", "s", "t", "ck", "ll", "nd", "rt", "th", "x", "mb")


def _names(count: int, syllables: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < count:
        parts = [
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        ]
        names.add("".join(parts).capitalize())
    return sorted(names)


SURNAMES = _names(1000, 3, 1)  # last_name and the "referrer" custom field share them
FIRST_NAMES = _names(300, 2, 2)
TITLES = ("CEO", "CFO", "CTO", "Buyer", "Engineer", "Office manager", "Sales director", "Owner")
MARITAL = ("single", "married", "partnership", "divorced", "widowed")
SEGMENTS = ("enterprise", "mid_market", "smb", "startup", "public_sector", "nonprofit")
SOURCES = ("web", "referral", "event", "partner", "outbound", "inbound_call")
INTERESTS = ("crm", "analytics", "billing", "support", "marketing")


def _picklist(values) -> dict:
    return {"values": [{"value": v} for v in values]}


def _subsets(values) -> list[list[str]]:
    return [
        [v for bit, v in enumerate(values) if mask >> bit & 1]
        for mask in range(1, 2 ** len(values))
    ]


@dataclass(frozen=True)
class FieldPlan:
    """One of the 20 custom fields: its definition, how often it is filled, its raw values."""

    name: str
    label: str
    type: str
    options: dict
    filterable: bool
    fill: float
    pool: Callable[[], list]  # raw values, as an API client would send them


FIELDS = (
    FieldPlan(
        "referrer", "Referred by", "text", {"max_length": 100}, True, 0.9, lambda: list(SURNAMES)
    ),
    FieldPlan(
        "score", "Score", "number", {"min": 0, "max": 999}, True, 0.9, lambda: [*range(1000)]
    ),
    FieldPlan("segment", "Segment", "picklist", _picklist(SEGMENTS), True, 0.95, lambda: SEGMENTS),
    FieldPlan(
        "renewal_date",
        "Renewal date",
        "date",
        {},
        True,
        0.7,
        lambda: [(dt.date(2026, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(730)],
    ),
    FieldPlan(
        "annual_revenue",
        "Annual revenue",
        "currency",
        {},
        True,
        0.6,
        lambda: [f"{(i * 7919) % 100_000 * 137.29:.2f}" for i in range(1000)],
    ),
    FieldPlan("nickname", "Nickname", "text", {"max_length": 40}, False, 0.3, lambda: FIRST_NAMES),
    FieldPlan(
        "linkedin",
        "LinkedIn",
        "url",
        {},
        False,
        0.5,
        lambda: [f"www.linkedin.com/in/person-{i}" for i in range(1000)],
    ),
    FieldPlan(
        "assistant_email",
        "Assistant's e-mail",
        "email",
        {},
        False,
        0.2,
        lambda: [f"Assistant.{i}@Example.COM" for i in range(500)],
    ),
    FieldPlan(
        "assistant_phone",
        "Assistant's phone",
        "phone",
        {},
        False,
        0.2,
        lambda: [f"+44 20 7946 {i:04d}" for i in range(1000)],
    ),
    FieldPlan(
        "notes",
        "Notes",
        "long_text",
        {},
        False,
        0.4,
        lambda: [
            f"Met at the {SOURCES[i % 6]} day {2020 + i % 7}; asked about "
            f"{INTERESTS[i % 5]} and {INTERESTS[(i // 5) % 5]}. Call back in {i % 12 + 1} weeks."
            for i in range(200)
        ],
    ),
    FieldPlan(
        "lead_source", "Lead source", "picklist", _picklist(SOURCES), False, 0.8, lambda: SOURCES
    ),
    FieldPlan(
        "tier",
        "Tier",
        "picklist",
        _picklist(("gold", "silver", "bronze")),
        False,
        0.7,
        lambda: ("gold", "silver", "bronze"),
    ),
    FieldPlan("nps", "NPS", "number", {"min": 0, "max": 10}, False, 0.5, lambda: [*range(11)]),
    FieldPlan(
        "discount",
        "Discount",
        "percent",
        {"scale": 1},
        False,
        0.3,
        lambda: [f"{i / 10:.1f}" for i in range(501)],
    ),
    FieldPlan(
        "first_contact",
        "First contact",
        "date",
        {},
        False,
        0.8,
        lambda: [(dt.date(2022, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(1500)],
    ),
    FieldPlan(
        "last_event_at",
        "Last event",
        "datetime",
        {},
        False,
        0.6,
        lambda: [
            (dt.datetime(2026, 1, 1, 9, 30) + dt.timedelta(hours=7 * i)).isoformat() + "+01:00"
            for i in range(1000)
        ],
    ),
    FieldPlan(
        "interests",
        "Interests",
        "multi_picklist",
        _picklist(INTERESTS),
        False,
        0.5,
        lambda: _subsets(INTERESTS),
    ),
    FieldPlan(
        "customer_ref",
        "Customer reference",
        "text",
        {"max_length": 20, "regex": "CUS-[0-9]{6}"},
        False,
        0.9,
        lambda: [f"CUS-{i * 37 % 1_000_000:06d}" for i in range(1000)],
    ),
    FieldPlan("newsletter", "Newsletter", "boolean", {}, False, 0.9, lambda: [True, False]),
    FieldPlan("vip", "VIP", "boolean", {}, False, 0.9, lambda: ["yes", "no"]),
)


def _copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    s = str(value)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@dataclass
class Pool:
    """A field's possible values: the raw input, its JSON fragment, its slot column text."""

    plan: FieldPlan
    raw: list
    fragments: list[str]
    slot_texts: list[str]
    population: list[int]  # indexes into the pool, -1 for "not filled", in fill proportion


def build_pools(specs: dict) -> list[Pool]:
    """Run every raw value through the field type, exactly as records._apply stores it."""
    pools = []
    for plan in FIELDS:
        spec = specs[plan.name]
        raw = list(plan.pool())
        fragments, slot_texts = [], []
        for value in raw:
            cleaned = spec.field_type.clean(value, spec.options)
            fragments.append(_copy_text(json.dumps(plan.name) + ":" + json.dumps(cleaned)))
            slot_value = spec.field_type.slot_value(cleaned) if spec.slot else None
            if isinstance(slot_value, str):
                slot_value = slot_value[:255]
            slot_texts.append(_copy_text(slot_value))
        repeat = math.ceil(100 / len(raw))
        empty = round(len(raw) * repeat * (1 - plan.fill) / plan.fill)
        population = [*range(len(raw))] * repeat + [-1] * empty
        pools.append(Pool(plan, raw, fragments, slot_texts, population))
    return pools


def zipf_sizes(rows: int, tenants: int, s: float) -> list[int]:
    """Rows per tenant (rank 1 first), proportional to rank**-s, at least 1, summing to rows."""
    weights = [k**-s for k in range(1, tenants + 1)]
    total = sum(weights)
    exact = [rows * w / total for w in weights]
    sizes = [max(1, int(x)) for x in exact]
    order = sorted(range(tenants), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(sizes) < rows:
        sizes[order[i % tenants]] += 1
        i += 1
    while sum(sizes) > rows:
        j = max(range(tenants), key=lambda t: sizes[t])
        sizes[j] -= 1
    return sizes


def uuid7_at(millis: int, rng: random.Random) -> uuid.UUID:
    """A UUIDv7 like saas.ids.new_id, for a given millisecond (the row's created_at)."""
    rand = rng.getrandbits(74)
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


# The database --------------------------------------------------------------------------------


@dataclass
class Tenant:
    rank: int
    id: uuid.UUID
    admin_id: uuid.UUID
    rows: int
    actor: User | None = None  # detached, loaded once; used for its id and role


class BenchDatabase:
    """The fixture database, owned by the ``--database-url`` role, and an app role that owns
    nothing. A database is only ever used if this script created it, now or (``--reuse``)
    in an earlier run that left its marker table in it."""

    def __init__(self, owner_url: str, app_role: str) -> None:
        self.owner_url = make_url(owner_url)
        self.app_role = app_role
        self.created_database = False
        self.created_role = False
        self.reused = False
        if not self.owner_url.database:
            raise SystemExit("--database-url must name the database to create, e.g. /trellis_bench")
        if self.owner_url.username == app_role:
            raise SystemExit("--app-role must differ from the owner role of --database-url")
        self._server = create_engine(
            self.owner_url.set(database="postgres"), isolation_level="AUTOCOMMIT"
        )

    @property
    def name(self) -> str:
        return self.owner_url.database

    @property
    def app_url(self) -> URL:
        return self.owner_url.set(username=self.app_role, password=None)

    def conninfo(self) -> str:
        return self.owner_url.set(drivername="postgresql").render_as_string(hide_password=False)

    def exists(self) -> bool:
        with self._server.connect() as connection:
            return bool(
                connection.scalar(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": self.name}
                )
            )

    def _check_role(self, connection) -> bool:
        role = connection.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :name"),
            {"name": self.app_role},
        ).first()
        if role is not None and (role.rolsuper or role.rolbypassrls):
            raise SystemExit(
                f"Role {self.app_role!r} bypasses row-level security; choose another --app-role"
            )
        return role is not None

    def create(self) -> None:
        if self.exists():
            raise SystemExit(
                f"Database {self.name!r} already exists; the benchmark only uses a database it "
                f"creates. Pass --reuse to measure a fixture kept with --keep, or drop it "
                f"(DROP DATABASE {self.name} WITH (FORCE))."
            )
        with self._server.connect() as connection:
            if not self._check_role(connection):
                connection.exec_driver_sql(
                    f'CREATE ROLE "{self.app_role}" LOGIN '
                    "NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
                )
                self.created_role = True
            connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
            self.created_database = True

    def open_fixture(self) -> dict:
        """The marker of a kept fixture (--reuse), or SystemExit when it is not one."""
        with self._server.connect() as connection:
            if not self._check_role(connection):
                raise SystemExit(f"Role {self.app_role!r} is missing; the fixture cannot be used")
        with psycopg.connect(self.conninfo()) as conn:
            found = conn.execute("SELECT to_regclass(%s)", (MARKER,)).fetchone()[0]
            if found is None:
                raise SystemExit(
                    f"Database {self.name!r} has no {MARKER} table: it is not a complete fixture "
                    f"of this benchmark. Drop it (DROP DATABASE {self.name} WITH (FORCE))."
                )
            columns = ("rows", "tenants", "zipf_s", "seed", "created_role", "load_seconds")
            values = conn.execute(f"SELECT {', '.join(columns)} FROM {MARKER}").fetchone()
        self.reused = True
        return dict(zip(columns, values, strict=True))

    def tenants(self) -> list[Tenant]:
        with psycopg.connect(self.conninfo()) as conn:
            rows = conn.execute(
                f"SELECT rank, tenant_id, admin_id, rows FROM {MARKER_TENANTS} ORDER BY rank"
            ).fetchall()
        return [Tenant(*row) for row in rows]

    def check_app_role(self) -> str:
        """Fail unless the app role is really under RLS: no ownership, no superuser/BYPASSRLS."""
        with psycopg.connect(self.conninfo()) as conn:
            owned = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE tableowner = %s", (self.app_role,)
            ).fetchone()[0]
            forced = conn.execute(
                "SELECT count(*) FROM pg_class WHERE relkind = 'r' "
                "AND relrowsecurity AND relforcerowsecurity"
            ).fetchone()[0]
            settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in (
                    "server_version",
                    "fsync",
                    "synchronous_commit",
                    "shared_buffers",
                    "work_mem",
                    "jit",
                )
            }
            size = conn.execute(
                "SELECT pg_size_pretty(pg_table_size('contacts')), "
                "pg_size_pretty(pg_indexes_size('contacts'))"
            ).fetchone()
        if owned:
            raise SystemExit(f"Role {self.app_role!r} owns {owned} tables; RLS would not bind it")
        version = settings.pop("server_version")
        return (
            f"PostgreSQL {version} ({', '.join(f'{k}={v}' for k, v in settings.items())});\n"
            f"contacts: table {size[0]}, indexes {size[1]}; {forced} tables with forced RLS;\n"
            f"app role {self.app_role}: no superuser, no BYPASSRLS, owns 0 tables"
        )

    def drop(self, marker: dict | None) -> None:
        drop_role = self.created_role or bool(marker and marker.get("created_role"))
        with self._server.connect() as connection:
            if self.created_database or self.reused:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            if drop_role:
                connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{self.app_role}"')

    def dispose(self) -> None:
        self._server.dispose()


def build_app(bench: BenchDatabase, *, migrate: bool) -> Flask:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": bench.app_url.render_as_string(hide_password=False),
            "DATABASE_OWNER_URL": bench.owner_url.render_as_string(hide_password=False),
            "MAIL_BACKEND": "memory",
            "TRELLIS_BASE_URL": "http://localhost:5000",
        }
    )
    if migrate:
        with app.app_context():
            upgrade_database()
    return app


# Building the fixture ------------------------------------------------------------------------


def create_tenants(app: Flask, sizes: list[int]) -> list[Tenant]:
    with app.app_context():
        password_hash = hash_password("correct horse battery staple")
    tenants = []
    for rank, rows in enumerate(sizes, start=1):
        with app.app_context():
            tenant, admin = create_tenant(
                slug=f"cf-{rank:05d}",
                name=f"Bench Company {rank}",
                admin_email=f"admin@cf-{rank:05d}.example.com",
                admin_name="Bench Admin",
                admin_password_hash=password_hash,
            )
            tenants.append(Tenant(rank, tenant.id, admin.id, rows))
            db.session.commit()
    return tenants


def define_fields(app: Flask, tenants: list[Tenant]) -> dict[uuid.UUID, dict[str, str]]:
    """add_field for the 20 fields of every tenant; the slots each tenant got."""
    slots: dict[uuid.UUID, dict[str, str]] = {}
    for tenant in tenants:
        with app.app_context(), tenant_scope(tenant.id):
            slots[tenant.id] = {}
            for plan in FIELDS:
                definition = add_field(
                    "contacts",
                    name=plan.name,
                    label=plan.label,
                    type=plan.type,
                    options=plan.options,
                    filterable=plan.filterable,
                )
                if definition.slot:
                    slots[tenant.id][plan.name] = definition.slot
            db.session.commit()
    return slots


def field_specs(app: Flask, tenant: Tenant) -> dict:
    with app.app_context(), tenant_scope(tenant.id):
        specs = object_for_tenant("contacts").fields
        db.session.rollback()
    return specs


CONTACT_COLUMNS = (
    "tenant_id",
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "title",
    "birth_date",
    "marital_status",
    "company_id",
    "address",
    "roles",
    "description",
    "custom",
    "owner_id",
    "created_by_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "version",
    *SLOT_COLUMNS,
)


def contact_lines(
    tenant: Tenant, pools: list[Pool], slots: dict[str, str], rng: random.Random
) -> str:
    """The tenant's contacts as COPY text: rows in (tenant, id) order, like real inserts."""
    n = tenant.rows
    slot_position = {name: SLOT_COLUMNS.index(f"s_{slot}") for name, slot in slots.items()}
    picks = [
        (pool, rng.choices(pool.population, k=n), slot_position.get(pool.plan.name))
        for pool in pools
    ]
    start, span = int(EPOCH.timestamp() * 1000), int((NOW - EPOCH).total_seconds() * 1000)
    created = sorted(start + rng.randrange(span) for _ in range(n))
    tenant_text, admin_text = str(tenant.id), str(tenant.admin_id)
    domain = f"cf-{tenant.rank:05d}.example.com"
    lines = []
    for r in range(n):
        fragments = []
        slot_cells = ["\\N"] * len(SLOT_COLUMNS)
        for pool, chosen, position in picks:
            index = chosen[r]
            if index >= 0:
                fragments.append(pool.fragments[index])
                if position is not None:
                    slot_cells[position] = pool.slot_texts[index]
        millis = created[r]
        created_at = dt.datetime.fromtimestamp(millis / 1000, dt.UTC)
        updated_at = created_at + (NOW - created_at) * rng.random() * 0.5
        deleted = rng.random() < 0.01
        first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
        last = SURNAMES[rng.randrange(len(SURNAMES))]
        born = rng.random() < 0.7
        cells = [
            tenant_text,
            str(uuid7_at(millis, rng)),
            first,
            last,
            f"{first.lower()}.{last.lower()}.{r}@{domain}",
            f"+1 555 {rng.randrange(10_000_000):07d}",
            "\\N",
            TITLES[rng.randrange(len(TITLES))],
            (dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))).isoformat()
            if born
            else "\\N",
            MARITAL[rng.randrange(len(MARITAL))] if rng.random() < 0.5 else "\\N",
            "\\N",
            "\\N",
            "\\N",
            "\\N",
            "{" + ",".join(fragments) + "}",
            admin_text,
            admin_text,
            created_at.isoformat(),
            updated_at.isoformat(),
            updated_at.isoformat() if deleted else "\\N",
            "1",
            *slot_cells,
        ]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def load_contacts(
    bench: BenchDatabase,
    tenants: list[Tenant],
    pools: list[Pool],
    slots: dict[uuid.UUID, dict[str, str]],
    seed: int,
) -> dict[str, float]:
    """COPY the contacts as the owner, secondary indexes dropped during the load and rebuilt
    from their own definitions (pg_get_indexdef), then the GIN index and VACUUM ANALYZE."""
    timings: dict[str, float] = {}
    rng = random.Random(seed)
    conninfo = bench.conninfo()
    with psycopg.connect(conninfo) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        indexes = conn.execute(
            "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x "
            "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 'contacts'::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) "
            "ORDER BY c.relname"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()

        start = time.perf_counter()
        statement = f"COPY contacts ({', '.join(CONTACT_COLUMNS)}) FROM STDIN"
        chunks: list[str | None] = []
        ready = threading.Condition()

        def produce() -> None:
            for tenant in tenants:
                chunk = contact_lines(tenant, pools, slots[tenant.id], rng)
                with ready:
                    while len(chunks) > 8:
                        ready.wait()
                    chunks.append(chunk)
                    ready.notify_all()
            with ready:
                chunks.append(None)
                ready.notify_all()

        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        with conn.cursor().copy(statement) as copy:
            while True:
                with ready:
                    while not chunks:
                        ready.wait()
                    chunk = chunks.pop(0)
                    ready.notify_all()
                if chunk is None:
                    break
                copy.write(chunk)
        conn.commit()
        producer.join()
        timings["copy"] = time.perf_counter() - start

        start = time.perf_counter()
        for _, definition in indexes:
            conn.execute(definition)
        conn.commit()
        rebuilt = conn.execute(
            "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x "
            "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 'contacts'::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) "
            "ORDER BY c.relname"
        ).fetchall()
        if rebuilt != indexes:
            raise RuntimeError("the rebuilt indexes differ from the migration's")
        timings["indexes"] = time.perf_counter() - start
        timings["index_count"] = len(indexes)

        start = time.perf_counter()
        conn.execute(f"CREATE INDEX {GIN_INDEX} ON contacts USING gin (custom jsonb_path_ops)")
        conn.commit()
        timings["gin"] = time.perf_counter() - start
    with psycopg.connect(conninfo, autocommit=True) as conn:
        start = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        timings["vacuum"] = time.perf_counter() - start
    return timings


def write_marker(bench: BenchDatabase, args, tenants: list[Tenant], load_seconds: float) -> None:
    with psycopg.connect(bench.conninfo()) as conn:
        conn.execute(
            f"CREATE TABLE {MARKER} (rows integer, tenants integer, zipf_s double precision, "
            "seed integer, created_role boolean, load_seconds double precision, "
            "built_at timestamptz DEFAULT now())"
        )
        conn.execute(
            f"INSERT INTO {MARKER} (rows, tenants, zipf_s, seed, created_role, load_seconds) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (args.rows, args.tenants, args.zipf_s, args.seed, bench.created_role, load_seconds),
        )
        conn.execute(
            f"CREATE TABLE {MARKER_TENANTS} (rank integer PRIMARY KEY, tenant_id uuid, "
            "admin_id uuid, rows integer)"
        )
        with conn.cursor().copy(f"COPY {MARKER_TENANTS} FROM STDIN") as copy:
            for t in tenants:
                copy.write_row((t.rank, t.id, t.admin_id, t.rows))


def step(label: str, seconds: float, note: str = "") -> None:
    say(f"  {label:<46}{seconds:7.1f} s  {note}".rstrip())


def build_fixture(bench: BenchDatabase, app: Flask, args) -> tuple[list[Tenant], float]:
    total = time.perf_counter()
    sizes = zipf_sizes(args.rows, args.tenants, args.zipf_s)
    say(
        f"Fixture: {args.rows:,} contacts over {args.tenants:,} tenants, Zipf s={args.zipf_s} "
        f"(largest {sizes[0]:,}, median {sizes[len(sizes) // 2]:,}, smallest {sizes[-1]:,})"
    )
    start = time.perf_counter()
    tenants = create_tenants(app, sizes)
    step(f"{len(tenants):,} tenants, create_tenant()", time.perf_counter() - start)
    start = time.perf_counter()
    slots = define_fields(app, tenants)
    step(
        f"{len(tenants) * len(FIELDS):,} custom fields, add_field() (20/tenant)",
        time.perf_counter() - start,
    )
    pools = build_pools(field_specs(app, tenants[0]))
    t = load_contacts(bench, tenants, pools, slots, args.seed)
    step(
        f"COPY {args.rows:,} contacts as the owner",
        t["copy"],
        f"({args.rows / t['copy']:,.0f} rows/s, rows generated on the fly)",
    )
    step(f"rebuild the {t['index_count']:.0f} secondary indexes", t["indexes"])
    step("VACUUM (ANALYZE)", t["vacuum"])
    load = t["copy"] + t["indexes"] + t["vacuum"]
    step("load = COPY + indexes + VACUUM ANALYZE", load, f"({args.rows / load:,.0f} rows/s)")
    step("GIN index on contacts.custom (bench only)", t["gin"])
    step("whole fixture", time.perf_counter() - total)
    write_marker(bench, args, tenants, load)
    return tenants, load


def check_fixture(app: Flask, tenant: Tenant, sample: int) -> str:
    """Sampled rows re-validated through clean_input: custom and slots must be unchanged."""
    checked = 0
    with app.app_context(), tenant_scope(tenant.id):
        obj = object_for_tenant("contacts")
        rows = db.session.scalars(records_query(obj).order_by(Contact.id).limit(sample * 20)).all()
        for row in random.Random(7).sample(rows, min(sample, len(rows))):
            cleaned = clean_input(obj, dict(row.custom), actor=SYSTEM, record=row)
            if cleaned != row.custom:
                raise RuntimeError(f"fixture row {row.id}: custom is not in its cleaned form")
            for name, spec in obj.fields.items():
                if not spec.slot:
                    continue
                expected = spec.field_type.slot_value(cleaned.get(name))
                if isinstance(expected, str):
                    expected = expected[:255]
                if getattr(row, f"s_{spec.slot}") != expected:
                    raise RuntimeError(f"fixture row {row.id}: slot of {name} differs")
            checked += 1
        db.session.rollback()
    return f"{checked} rows of tenant #{tenant.rank}: custom == clean_input(custom), slots match"


# Reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    name: str
    op: str  # eq, gte, lte
    custom: str  # the filterable custom field: "referrer" (text) or "score" (number)
    descending: bool = False

    @property
    def kind(self) -> str:
        return "number" if self.custom == "score" else "text"

    def values(self, rng: random.Random) -> tuple[str, str]:
        """(last_name value, custom field value) of equal selectivity."""
        if self.op == "eq":
            name = rng.choice(SURNAMES)
            return name, name if self.kind == "text" else str(rng.randrange(1000))
        q = rng.random()
        name = SURNAMES[int(q * len(SURNAMES))]
        return name, name if self.kind == "text" else str(int(q * 1000))

    def describe(self) -> str:
        symbol = {"eq": "=", "gte": ">=", "lte": "<="}[self.op]
        order = "desc" if self.descending else "asc"
        return f"{self.custom} {symbol} v, sort {order} on it, page of {PAGE}"


SHAPES = (
    Shape("eq-text", "eq", "referrer"),
    Shape("eq-number", "eq", "score"),
    Shape("range-text", "gte", "referrer"),
    Shape("range-number", "gte", "score"),
    Shape("desc-text", "lte", "referrer", descending=True),
    Shape("desc-number", "lte", "score", descending=True),
)
VARIANTS = ("native", "slot", "jsonb")


def _sort(name: str, shape: Shape) -> str:
    return f"-{name}" if shape.descending else name


def read_native(shape: Shape, value: str, actor) -> list:
    records, _ = list_records(
        "contacts",
        filters=[Filter("last_name", shape.op, value)],
        sort=_sort("last_name", shape),
        limit=PAGE,
        actor=actor,
    )
    return [r.id for r in records]


def read_slot(shape: Shape, value: str, actor) -> list:
    records, _ = list_records(
        "contacts",
        filters=[Filter(shape.custom, shape.op, value)],
        sort=_sort(shape.custom, shape),
        limit=PAGE,
        actor=actor,
    )
    return [r.id for r in records]


def read_jsonb(shape: Shape, value: str, actor) -> list:
    """list_records' query with the filter and sort written on the JSONB column instead."""
    obj = object_for_tenant("contacts")  # the same metadata query list_records makes
    custom = type_coerce(Contact.custom, JSONB)
    typed = int(value) if shape.kind == "number" else value
    expression = custom[shape.custom].astext
    if shape.kind == "number":
        expression = expression.cast(Numeric)
    if shape.op == "eq":
        condition = custom.contains({shape.custom: typed})  # @>: what the GIN index serves
    elif shape.op == "gte":
        condition = expression >= typed
    else:
        condition = expression <= typed
    # The order list_records gives: ties by id in the sort's direction, empty values last.
    if shape.descending:
        order = (expression.desc().nulls_last(), Contact.id.desc())
    else:
        order = (expression.asc().nulls_last(), Contact.id.asc())
    query = (
        records_query(obj)
        .where(Contact.deleted_at.is_(None), condition)
        .order_by(*order)
        .limit(PAGE + 1)
    )
    return [r.id for r in db.session.scalars(query)][:PAGE]


READERS = {"native": read_native, "slot": read_slot, "jsonb": read_jsonb}


def in_transaction(app: Flask, tenant: Tenant, work: Callable[[], object]) -> tuple[float, object]:
    """Seconds of ``work`` + COMMIT in a fresh session, as one request's transaction."""
    with app.app_context(), tenant_scope(tenant.id):
        start = time.perf_counter()
        result = work()
        db.session.commit()
        return time.perf_counter() - start, result


def load_actors(app: Flask, tenants: list[Tenant]) -> None:
    for tenant in tenants:
        with app.app_context(), tenant_scope(tenant.id):
            user = db.session.get(User, (tenant.id, tenant.admin_id))
            db.session.expunge(user)
            tenant.actor = user
            db.session.rollback()


@dataclass
class Series:
    seconds: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def measure_reads(
    app: Flask, tenants: dict[str, Tenant], n: int, warmup: int, seed: int
) -> tuple[dict, list[str]]:
    """Every shape, variant and tenant, interleaved; slot and jsonb pages must be equal."""
    rng = random.Random(seed)
    results = {
        (shape.name, label, variant): Series()
        for shape in SHAPES
        for label in tenants
        for variant in VARIANTS
    }
    mismatches: list[str] = []
    for shape in SHAPES:
        for i in range(warmup + n):
            for j, (label, tenant) in enumerate(tenants.items()):
                native_value, custom_value = shape.values(rng)
                pages = {}
                shift = (i + j) % len(VARIANTS)
                for variant in VARIANTS[shift:] + VARIANTS[:shift]:
                    value = native_value if variant == "native" else custom_value
                    reader = READERS[variant]
                    seconds, page = in_transaction(
                        app,
                        tenant,
                        lambda r=reader, s=shape, v=value, t=tenant: r(s, v, t.actor),
                    )
                    pages[variant] = page
                    if i >= warmup:
                        results[(shape.name, label, variant)].seconds.append(seconds)
                        results[(shape.name, label, variant)].rows.append(len(page))
                if pages["slot"] != pages["jsonb"]:
                    mismatches.append(f"{shape.name} {label} v={custom_value!r}")
        say(f"  measured {shape.name}")
    return results, mismatches


def capture_sql(app: Flask, tenant: Tenant, work: Callable[[], object], explain: bool):
    """The statements of one transaction, and EXPLAIN ANALYZE of its (last) contacts query."""
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    with app.app_context(), tenant_scope(tenant.id):
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            work()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        plan: list[str] = []
        if explain:
            statement, parameters = contacts_statement(statements)
            plan = list(
                db.session.connection()
                .exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                .scalars()
            )
        db.session.rollback()
    return statements, plan


def contacts_statement(statements: list[tuple[str, object]]) -> tuple[str, object]:
    return [s for s in statements if re.search(r"\bFROM contacts\b", s[0])][-1]


def explain_as_owner(
    bench: BenchDatabase,
    statement: str,
    parameters,
    *,
    tenant: Tenant | None = None,
    leakproof: tuple[str, ...] = (),
) -> list[str]:
    """EXPLAIN ANALYZE ``statement`` as the owner (a superuser: RLS bypassed), or with
    ``tenant`` as the app role; ``leakproof`` functions are marked LEAKPROOF first. All in
    one transaction that is rolled back, so nothing of it stays."""
    with psycopg.connect(bench.conninfo()) as conn:
        try:
            for function in leakproof:
                conn.execute(f"ALTER FUNCTION {function} LEAKPROOF")
            if tenant is not None:
                conn.execute(f'SET LOCAL ROLE "{bench.app_role}"')
                conn.execute("SELECT set_config('app.tenant_id', %s, true)", (str(tenant.id),))
            rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            return [line for (line,) in rows]
        finally:
            conn.rollback()


UUID_TEXT = re.compile(r"'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'::uuid")
SCAN = re.compile(
    r"((?:Parallel )?(?:Seq Scan|Index Scan Backward|Index Scan|Index Only Scan|"
    r"Bitmap Heap Scan|Bitmap Index Scan)(?: using \w+)?)"
)


def _short_condition(condition: str) -> str:
    condition = UUID_TEXT.sub("T", condition)
    condition = re.sub(r"::[a-z]+(?: [a-z]+)?", "", condition)
    condition = re.sub(r"\((\w+)\)", r"\1", condition)
    return condition


def plan_summary(plan: list[str]) -> str:
    """One line: execution time, scans, index conditions, rows filtered away, sort."""
    body = "\n".join(plan)
    time_ms = re.search(r"Execution Time: ([\d.]+) ms", body)
    scans = [s for s in SCAN.findall(body) if not s.startswith("Bitmap Heap")]
    conditions = [_short_condition(c) for c in re.findall(r"Index Cond: (.*)", body)]
    removed = sum(int(n) for n in re.findall(r"Rows Removed by Filter: (\d+)", body))
    if "Incremental Sort" in body:
        sort = "incremental sort"
    elif "top-N heapsort" in body or "Sort Method" in body:
        sort = "sort"
    else:
        sort = "no sort"
    return (
        f"{float(time_ms.group(1)) if time_ms else float('nan'):8.2f} ms  "
        f"{' + '.join(scans) or '?'} [{'; '.join(conditions)}] "
        f"filtered away {removed:,}; {sort}"
    )


def explain_reads(app: Flask, tenant: Tenant) -> dict[tuple[str, str], list[str]]:
    """EXPLAIN ANALYZE of one page of every shape and variant, as the app role."""
    plans = {}
    rng = random.Random(99)
    for shape in SHAPES:
        native_value, custom_value = shape.values(rng)
        for variant in VARIANTS:
            value = native_value if variant == "native" else custom_value
            _, plan = capture_sql(
                app,
                tenant,
                lambda s=shape, v=value, r=READERS[variant]: r(s, v, tenant.actor),
                explain=True,
            )
            plans[(shape.name, variant)] = plan
    return plans


# Beyond the first filtered page --------------------------------------------------------------


def cursor_at(app: Flask, tenant: Tenant, name: str, value: str) -> str | None:
    """The cursor after the first page of ``name >= value``: a position in the middle of the
    list sorted by ``name``, as a user paging through it would reach (cursors hold only the
    last value and id, not the filters)."""
    _, cursor = in_transaction(
        app,
        tenant,
        lambda: list_records(
            "contacts",
            filters=[Filter(name, "gte", value)],
            sort=name,
            limit=PAGE,
            actor=tenant.actor,
        )[1],
    )
    return cursor


def read_deep_page(name: str, cursor: str | None, actor) -> list:
    records, _ = list_records("contacts", sort=name, limit=PAGE, cursor=cursor, actor=actor)
    return [r.id for r in records]


def read_unfiltered(sort: str | None, actor) -> list:
    records, _ = list_records("contacts", sort=sort, limit=PAGE, actor=actor)
    return [r.id for r in records]


EXTRAS = (
    ("deep page native", "no filter, sort last_name, a page mid-list (cursor)"),
    ("deep page slot", "no filter, sort referrer, a page mid-list (cursor)"),
    ("unfiltered -native", "no filter, sort -last_name, first page"),
    ("unfiltered -slot", "no filter, sort -referrer, first page"),
    ("default list", "no filter, default sort (created_at), first page"),
)


def measure_extras(app: Flask, tenants: dict[str, Tenant], n: int, seed: int) -> dict:
    rng = random.Random(seed)
    results = {(name, label): Series() for name, _ in EXTRAS for label in tenants}
    quarter = len(SURNAMES) // 4
    for i in range(n + 2):
        for label, tenant in tenants.items():
            value = SURNAMES[rng.randrange(quarter, 3 * quarter)]
            cursors = {
                name: cursor_at(app, tenant, name, value) for name in ("last_name", "referrer")
            }
            work = {
                "deep page native": lambda t=tenant, c=cursors: read_deep_page(
                    "last_name", c["last_name"], t.actor
                ),
                "deep page slot": lambda t=tenant, c=cursors: read_deep_page(
                    "referrer", c["referrer"], t.actor
                ),
                "unfiltered -native": lambda t=tenant: read_unfiltered("-last_name", t.actor),
                "unfiltered -slot": lambda t=tenant: read_unfiltered("-referrer", t.actor),
                "default list": lambda t=tenant: read_unfiltered(None, t.actor),
            }
            names = list(work)
            shift = i % len(names)
            for name in names[shift:] + names[:shift]:
                seconds, page = in_transaction(app, tenant, work[name])
                if i >= 2:  # two warm-up rounds
                    results[(name, label)].seconds.append(seconds)
                    results[(name, label)].rows.append(len(page))
    return results


# Diagnosis -----------------------------------------------------------------------------------

LEAKPROOF_CHECK = (
    "texteq",
    "text_ge",
    "text_le",
    "date_ge",
    "numeric_eq",
    "numeric_ge",
    "numeric_le",
    "jsonb_contains",
)
NUMERIC_COMPARISONS = tuple(
    f"numeric_{op}(numeric, numeric)" for op in ("eq", "ne", "lt", "le", "gt", "ge")
)


def diagnose(bench: BenchDatabase, app: Flask, tenant: Tenant) -> list[tuple[str, str]]:
    """Why the slow cases are slow: the same statements as the owner (no RLS), with the
    suspected functions marked LEAKPROOF, or rewritten. One EXPLAIN ANALYZE each."""
    lines: list[tuple[str, str]] = []
    with psycopg.connect(bench.conninfo()) as conn:
        flags = dict(
            conn.execute(
                "SELECT proname, proleakproof FROM pg_proc WHERE proname = ANY(%s)",
                (list(LEAKPROOF_CHECK),),
            ).fetchall()
        )
        superuser = conn.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()[0]
    lines.append(
        (
            "leakproof operator functions",
            ", ".join(f"{name}={'yes' if flags.get(name) else 'NO'}" for name in LEAKPROOF_CHECK),
        )
    )
    actor = tenant.actor
    cases = (
        ("eq-number slot", lambda: read_slot(SHAPES[1], "204", actor)),
        ("range-number slot", lambda: read_slot(SHAPES[3], "900", actor)),
        ("eq-text jsonb", lambda: read_jsonb(SHAPES[0], SURNAMES[500], actor)),
    )
    for name, work in cases:
        statements, plan = capture_sql(app, tenant, work, explain=True)
        statement, parameters = contacts_statement(statements)
        lines.append((f"{name}, app role (as measured)", plan_summary(plan)))
        if superuser:
            owner = explain_as_owner(bench, statement, parameters)
            lines.append((f"{name}, owner (RLS bypassed)", plan_summary(owner)))
            functions = (
                ("jsonb_contains(jsonb, jsonb)",) if "jsonb" in name else NUMERIC_COMPARISONS
            )
            what_if = explain_as_owner(
                bench, statement, parameters, tenant=tenant, leakproof=functions
            )
            label = "jsonb_contains" if "jsonb" in name else "numeric_*"
            lines.append((f"{name}, app role, {label} LEAKPROOF", plan_summary(what_if)))

    value = SURNAMES[120]
    _, plan = capture_sql(app, tenant, lambda: read_slot(SHAPES[4], value, actor), explain=True)
    lines.append(("desc-text slot, list_records (DESC, ties id DESC)", plan_summary(plan)))

    def desc_rewritten() -> list:
        column = sort_column("referrer")
        query = (
            records_query(object_for_tenant("contacts"))
            .where(Contact.deleted_at.is_(None), column <= value, column.is_not(None))
            .order_by(column.desc(), Contact.id.asc())
            .limit(PAGE + 1)
        )
        return list(db.session.scalars(query))

    _, plan = capture_sql(app, tenant, desc_rewritten, explain=True)
    lines.append(("desc-text slot, ties id ASC (before 2026-11-23)", plan_summary(plan)))

    cursor = cursor_at(app, tenant, "referrer", SURNAMES[500])
    _, plan = capture_sql(
        app, tenant, lambda: read_deep_page("referrer", cursor, actor), explain=True
    )
    lines.append(("deep page slot, list_records (ROW(col, id) > cursor)", plan_summary(plan)))
    last_value, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))

    def page2_rewritten() -> list:
        column = sort_column("referrer")
        query = (
            records_query(object_for_tenant("contacts"))
            .where(
                Contact.deleted_at.is_(None),
                column >= last_value,
                (column > last_value) | (Contact.id > uuid.UUID(last_id)),
            )
            .order_by(column.asc(), Contact.id.asc())
            .limit(PAGE + 1)
        )
        return list(db.session.scalars(query))

    _, plan = capture_sql(app, tenant, page2_rewritten, explain=True)
    lines.append(("deep page slot, OR form (before 2026-11-23)", plan_summary(plan)))

    _, plan = capture_sql(app, tenant, lambda: read_unfiltered(None, actor), explain=True)
    lines.append(("default list, list_records (created_at)", plan_summary(plan)))

    def by_id() -> list:
        query = (
            records_query(object_for_tenant("contacts"))
            .where(Contact.deleted_at.is_(None))
            .order_by(Contact.id.asc())
            .limit(PAGE + 1)
        )
        return list(db.session.scalars(query))

    _, plan = capture_sql(app, tenant, by_id, explain=True)
    lines.append(("default list, ORDER BY id (primary key)", plan_summary(plan)))
    return lines


def sort_column(name: str):
    """The column list_records filters and sorts ``name`` on (in a tenant scope)."""
    return getattr(Contact, object_for_tenant("contacts").fields[name].sort_column)


# Writes --------------------------------------------------------------------------------------


def contact_input(rng: random.Random, pools: list[Pool], k: int) -> dict:
    """What an API client sends: native fields and all 20 custom fields, raw."""
    values = {
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(SURNAMES),
        "email": f"Bench.Writer.{k}@Example.com",
    }
    for pool in pools:
        values[pool.plan.name] = rng.choice(pool.raw)
    return values


ADDED_TYPES = (
    ("text", {}),
    ("number", {}),
    ("date", {}),
    ("picklist", _picklist(("a", "b", "c"))),
    ("boolean", {}),
)


def measure_writes(
    app: Flask,
    tenants: dict[str, Tenant],
    pools: list[Pool],
    n: int,
    adds: int,
    seed: int,
    created: list[uuid.UUID],
) -> dict:
    """create_record (ids appended to ``created``) then add_field, large/median interleaved."""
    rng = random.Random(seed)
    results: dict[tuple[str, str], list[float]] = {}
    warmup = 10
    for i in range(warmup + n):
        items = list(tenants.items())
        for label, tenant in items if i % 2 == 0 else reversed(items):
            values = contact_input(rng, pools, i)
            seconds, record_id = in_transaction(
                app,
                tenant,
                lambda v=values, t=tenant: create_record("contacts", v, actor=t.actor).id,
            )
            created.append(record_id)
            if i >= warmup:
                results.setdefault(("create_record", label), []).append(seconds)
    for i in range(adds):
        items = list(tenants.items())
        for label, tenant in items if i % 2 == 0 else reversed(items):
            kind, options = ADDED_TYPES[i % len(ADDED_TYPES)]
            seconds, _ = in_transaction(
                app,
                tenant,
                lambda k=kind, o=options, i=i: add_field(
                    "contacts",
                    name=f"{ADDED_FIELD_PREFIX}{i}",
                    label=f"Bench added {i}",
                    type=k,
                    options=o,
                ),
            )
            results.setdefault(("add_field", label), []).append(seconds)
    return results


def undo_writes(bench: BenchDatabase, created: list[uuid.UUID]) -> None:
    """Remove what the write measurements added, so a kept fixture stays the same."""
    with psycopg.connect(bench.conninfo()) as conn:
        conn.execute("DELETE FROM audit_entries WHERE record_id = ANY(%s)", (created,))
        conn.execute("DELETE FROM contacts WHERE id = ANY(%s)", (created,))
        conn.execute(
            "DELETE FROM field_definitions WHERE object_name = 'contacts' AND api_name LIKE %s",
            (ADDED_FIELD_PREFIX.replace("_", "\\_") + "%",),
        )


class GcWatch:
    """Counts the interpreter's full (generation 2) collections and how long each took: each
    one stalls whichever request is running, so they show in p99."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._start = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._start)

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self)

    def describe(self) -> str:
        if not self.pauses:
            return "no full (gen 2) garbage collection"
        ms = [p * 1000 for p in self.pauses]
        return (
            f"{len(ms)} full (gen 2) garbage collections, {statistics.fmean(ms):.0f} ms on "
            f"average, max {max(ms):.0f} ms, over {len(gc.get_objects()):,} tracked objects"
        )


# Reporting -----------------------------------------------------------------------------------


def summary(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "n": len(ms),
        "p50": statistics.median(ms),
        "p95": cuts[94],
        "p99": cuts[98],
        "mean": statistics.fmean(ms),
        "max": max(ms),
    }


def header(width: int = 22) -> str:
    return (
        f"{'':<{width}}{'n':>5}{'p50':>9}{'p95':>9}{'p99':>9}{'mean':>9}{'max':>9}"
        f"{'rows':>7}   (ms)"
    )


def row(label: str, s: dict, rows: float | None = None, width: int = 22) -> str:
    tail = f"{rows:>7.1f}" if rows is not None else ""
    return (
        f"{label:<{width}}{s['n']:>5}{s['p50']:>9.2f}{s['p95']:>9.2f}{s['p99']:>9.2f}"
        f"{s['mean']:>9.2f}{s['max']:>9.2f}{tail}"
    )


def ratio_row(label: str, top: dict, bottom: dict, width: int = 22) -> str:
    return f"{label:<{width}}{'':>5}" + "".join(
        f"{top[k] / bottom[k]:>8.2f}x" for k in ("p50", "p95", "p99")
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report_reads(results: dict, tenants: dict[str, Tenant], mismatches: list[str]) -> list[str]:
    """Print the read tables; return the goal lines."""
    goals = []
    for shape in SHAPES:
        out("")
        out(f"{shape.name}: {shape.describe()}; native: last_name, same selectivity")
        out(header())
        stats = {}
        for label in tenants:
            for variant in VARIANTS:
                series = results[(shape.name, label, variant)]
                stats[(label, variant)] = summary(series.seconds)
                out(
                    row(
                        f"{label} {variant}",
                        stats[(label, variant)],
                        statistics.fmean(series.rows),
                    )
                )
            native, slot, jsonb = (stats[(label, v)] for v in VARIANTS)
            out(ratio_row(f"{label} slot/native", slot, native))
            out(ratio_row(f"{label} jsonb/native", jsonb, native))
        large, median = list(tenants)[:2]
        out(ratio_row("slot large/median", stats[(large, "slot")], stats[(median, "slot")]))
        for label in tenants:
            native, slot = stats[(label, "native")], stats[(label, "slot")]
            ratio = slot["p95"] / native["p95"]
            goals.append(
                f"{shape.name:<13}{label:<7} slot/native p95 {ratio:5.2f}x "
                f"(<= {GOAL_RATIO}): {verdict(ratio <= GOAL_RATIO)};  slot p95 "
                f"{slot['p95']:6.2f} ms, p99 {slot['p99']:6.2f} ms: "
                f"{verdict(slot['p95'] <= GOAL_READ_P95_MS and slot['p99'] <= GOAL_READ_P99_MS)}"
            )
        spread = stats[(large, "slot")]["p95"] / stats[(median, "slot")]["p95"]
        goals.append(
            f"{shape.name:<13}slot p95 large/median {spread:5.2f}x "
            f"(<= {GOAL_LARGE_OVER_MEDIAN}): {verdict(spread <= GOAL_LARGE_OVER_MEDIAN)}"
        )
    out("")
    if mismatches:
        out(f"slot and jsonb pages DIFFER in {len(mismatches)} cases, e.g. {mismatches[:3]}")
    else:
        out("slot and jsonb variants returned the same pages (ids, order) in every run")
    return goals


def describe_statements(statements: list[tuple[str, object]]) -> str:
    """'3 statements: SELECT set_config, SELECT field_definitions, ...'."""
    parts = []
    for statement, _ in statements:
        flat = " ".join(statement.split())
        verb = flat.split(" ", 1)[0].upper()
        table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", flat)
        if "set_config" in flat:
            parts.append("SELECT set_config")
        else:
            parts.append(f"{verb} {table.group(1) if table else '?'}")
    return f"{len(parts)} statements: {', '.join(parts)}"


def report_extras(results: dict, tenants: dict[str, Tenant]) -> None:
    out("")
    out("Beyond the first filtered page (list_records + COMMIT, app role), same tenants:")
    for name, description in EXTRAS:
        out(f"  {name:<20}{description}")
    out(header())
    for label in tenants:
        for name, _ in EXTRAS:
            series = results[(name, label)]
            out(row(f"{label} {name}", summary(series.seconds), statistics.fmean(series.rows)))


def check_owner(bench: BenchDatabase) -> None:
    """COPY into forced-RLS tables and the diagnosis need RLS bypassed for the owner."""
    with bench._server.connect() as connection:
        role = connection.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).first()
    if not (role.rolsuper or role.rolbypassrls):
        raise SystemExit(
            "The --database-url role must be a superuser or have BYPASSRLS (e.g. postgres): "
            "it loads every tenant's rows with COPY"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="contacts (default 1M)")
    parser.add_argument("--tenants", type=int, default=1000, help="tenants (default 1000)")
    parser.add_argument("--zipf-s", type=float, default=0.9, help="Zipf exponent (default 0.9)")
    parser.add_argument("--n", type=int, default=200, help="timed reads per series (200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed reads per series (5)")
    parser.add_argument(
        "--extra-n", type=int, default=20, help="timed reads of the slow extra cases (20)"
    )
    parser.add_argument("--writes", type=int, default=200, help="create_record per tenant")
    parser.add_argument("--adds", type=int, default=100, help="add_field per tenant")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (and app role) at the end"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the fixture kept by an earlier --keep run instead of building one",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the full EXPLAIN ANALYZE plans"
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="what-if: gc.freeze() before measuring (fewer, shorter full collections)",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="a superuser (or BYPASSRLS role) that may create databases and roles, and the "
        "name of the fixture database (default %(default)s)",
    )
    parser.add_argument(
        "--app-role",
        default=DEFAULT_APP_ROLE,
        help="the application's role (created if missing; default %(default)s)",
    )
    args = parser.parse_args(argv)
    if min(args.n, args.writes, args.adds) < 20 or args.extra_n < 5:
        parser.error("--n, --writes and --adds must be >= 20 (--extra-n >= 5) for a p95")
    if args.tenants < 2 or args.rows < args.tenants:
        parser.error("give at least 2 tenants and one row per tenant")

    bench = BenchDatabase(args.database_url, args.app_role)
    check_owner(bench)
    marker = None
    created: list[uuid.UUID] = []
    app = None
    started = time.perf_counter()
    try:
        if args.reuse and bench.exists():
            marker = bench.open_fixture()
            if (marker["rows"], marker["tenants"]) != (args.rows, args.tenants):
                raise SystemExit(
                    f"The kept fixture has {marker['rows']:,} rows over {marker['tenants']:,} "
                    "tenants; pass the same --rows and --tenants, or drop it."
                )
            # Migrate: a fixture kept by an older checkout gets the schema this code expects.
            app = build_app(bench, migrate=True)
            tenants = bench.tenants()
            say(
                f"Reusing fixture {bench.name!r}: {marker['rows']:,} contacts over "
                f"{marker['tenants']:,} tenants, Zipf s={marker['zipf_s']} (its load took "
                f"{marker['load_seconds']:.1f} s)"
            )
        else:
            bench.create()
            app = build_app(bench, migrate=True)
            tenants, _ = build_fixture(bench, app, args)
            marker = {"created_role": bench.created_role}
        say(
            f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs"
        )
        say(bench.check_app_role())
        load_actors(app, tenants)
        chosen = {"large": tenants[0], "median": tenants[len(tenants) // 2]}
        for label, tenant in chosen.items():
            say(f"{label}: tenant #{tenant.rank} with {tenant.rows:,} contacts")
        say("fixture check: " + check_fixture(app, chosen["large"], 200))
        large = chosen["large"]
        pools = build_pools(field_specs(app, large))

        sql_list, _ = capture_sql(
            app, large, lambda: read_slot(SHAPES[0], SURNAMES[0], large.actor), explain=False
        )
        plans = explain_reads(app, large)

        if args.gc_freeze:
            gc.collect()
            gc.freeze()  # what-if: start-up objects out of the collector's sight
        say("")
        with GcWatch() as gc_watch:
            start = time.perf_counter()
            say(f"Reads: {args.n} per series after {args.warmup} warm-up, interleaved ...")
            reads, mismatches = measure_reads(app, chosen, args.n, args.warmup, args.seed)
            say(f"  {time.perf_counter() - start:.0f} s; extra reads: {args.extra_n} per series")
            start = time.perf_counter()
            extras = measure_extras(app, chosen, args.extra_n, args.seed + 2)
            say(f"  {time.perf_counter() - start:.0f} s; writes: {args.writes} create_record, ")
            say(f"  {args.adds} add_field per tenant ...")
            start = time.perf_counter()
            writes = measure_writes(
                app, chosen, pools, args.writes, args.adds, args.seed + 1, created
            )
            say(f"  {time.perf_counter() - start:.0f} s")
        sql_create, _ = capture_sql(
            app,
            large,
            lambda: create_record(
                "contacts", contact_input(random.Random(1), pools, -1), actor=large.actor
            ),
            explain=False,
        )
        say("Diagnosis ...")
        diagnosis = diagnose(bench, app, large)
    finally:
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        if args.keep and (bench.created_database or bench.reused):
            undo_writes(bench, created)  # a kept fixture stays as it was built
        if not args.keep:
            bench.drop(marker)
        bench.dispose()

    report(args, chosen, reads, mismatches, plans, extras, writes, diagnosis, sql_list, sql_create)
    out("")
    out(f"Python during the measurements: {gc_watch.describe()}")
    if args.gc_freeze:
        out("(--gc-freeze: gc.freeze() was called before the measurements)")
    kept = f"kept {bench.name!r} (rerun with --reuse)" if args.keep else "database dropped"
    out(f"\nTotal {time.perf_counter() - started:.0f} s; {kept}")
    return 0


def report(args, chosen, reads, mismatches, plans, extras, writes, diagnosis, sql_list, sql_create):
    large, median = chosen["large"], chosen["median"]
    out("")
    out("=" * 100)
    out("Filter + sort, first page of 50: list_records() + COMMIT as the app role under RLS,")
    out(f"one transaction each; large = tenant #{large.rank} ({large.rows:,} contacts), median = ")
    out(f"tenant #{median.rank} ({median.rows:,} contacts); rows = mean rows per page")
    out("  native: Filter on last_name (index tenant_id, last_name)")
    out("  slot:   Filter on the custom field, i.e. its slot column (index tenant_id, s_*)")
    out("  jsonb:  the same filter and sort on custom (@> for =, ->> for ranges; GIN index)")
    goals = report_reads(reads, chosen, mismatches)
    out(f"SQL of one list_records() page: {describe_statements(sql_list)}")

    out("")
    out(
        f"EXPLAIN ANALYZE of one page on the large tenant, as the app role ({PAGE + 1} rows asked):"
    )
    for (shape_name, variant), plan in plans.items():
        out(f"  {shape_name:<13}{variant:<7}{plan_summary(plan)}")
        if args.explain:
            for line in plan:
                out("      " + line)

    report_extras(extras, chosen)

    out("")
    out("Writes (app role, one transaction each, interleaved large/median):")
    out(header())
    for (what, label), seconds in writes.items():
        out(row(f"{what} {label}", summary(seconds)))
    out(f"SQL of one create_record(): {describe_statements(sql_create)}")
    write_p95 = max(summary(writes[("create_record", label)])["p95"] for label in chosen)
    add_p95 = max(summary(writes[("add_field", label)])["p95"] for label in chosen)
    goals.append(
        f"create_record p95 {write_p95:.2f} ms (<= {GOAL_WRITE_P95_MS:.0f}): "
        f"{verdict(write_p95 <= GOAL_WRITE_P95_MS)}"
    )
    goals.append(
        f"add_field p95 {add_p95:.2f} ms (<= {GOAL_ADD_FIELD_P95_MS:.0f}): "
        f"{verdict(add_p95 <= GOAL_ADD_FIELD_P95_MS)}"
    )

    out("")
    out("Diagnosis on the large tenant (EXPLAIN ANALYZE, one run each; the LEAKPROOF what-ifs")
    out("run in a transaction that is rolled back):")
    for label, line in diagnosis:
        out(f"  {label:<48}{line}")

    out("")
    out("Goals")
    for line in goals:
        out("  " + line)


if __name__ == "__main__":
    sys.exit(main())
