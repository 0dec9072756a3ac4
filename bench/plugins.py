"""Benchmark: per-tenant plugins, in one run (issue #12, "Measured").

1. Enabling a plugin for a workspace, on PostgreSQL: ``saas.plugins.services.enable_plugin``
   + ``db.session.commit()`` as the application's role (RLS in force), the plugin's
   ``plugin_enabled`` writing its sample data (three contacts through the record services).
   Goal: p95 <= 200 ms, and no DDL (the statements of one extra enabling are counted).
2. Hook dispatch: requests to a plugin's JSON route through the whole app (tenant resolved
   from the host, the enabled set read, the plugin's route guard, the tenant's subset caller
   calling ``register_fields_for`` on core and the enabled plugin) with 3 plugins installed
   and 1 enabled, against a bare Flask route returning the same JSON; both through Flask's
   test client, interleaved in one loop. Goal: >= 0.70x the bare route's throughput.
   Also printed: the per-request caller lookup (``hooks_for``) before and after the first.

The script creates its own PostgreSQL database and app role (``--database-url``, a role
that may create both, e.g. ``postgres``) like bench/tenant_create.py, and drops them.

    .venv/bin/python bench/plugins.py [--n 200] [--requests 3000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import time
from importlib.metadata import EntryPoint
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 32)

from flask import Flask, jsonify  # noqa: E402
from tenant_create import DDL_WORDS, BenchDatabase, build_app  # noqa: E402

from saas.auth.passwords import hash_password  # noqa: E402
from saas.db import db  # noqa: E402
from saas.plugins import manager  # noqa: E402

GOAL_ENABLE_P95_MS = 200.0
GOAL_DISPATCH_RATIO = 0.70
DEFAULT_DATABASE_URL = (
    f"postgresql+psycopg://postgres@{os.environ.get('PG_HOST', '127.0.0.1')}:5432/"
    "trellis_bench_plugins"
)

PLUGIN = """
from flask import Blueprint, jsonify

from saas.plugins import hookimpl
from saas.plugins.meta import PluginMeta

META = PluginMeta(name="{name}", title="Bench {name}", version="1.0.0", adds={{"fields", "api"}})
bp = Blueprint("plugin_{name}", __name__)


@bp.get("/ping")
def ping():
    from saas.plugins.tenant import active_hooks

    fields = [f for found in active_hooks().hook.register_fields_for(object_name="contacts")
              for f in found or ()]
    return jsonify(ok=True, fields=len(fields))


@bp.get("/plain")
def plain():
    return jsonify(ok=True, fields=1)  # the same answer, without the hook dispatch


@hookimpl
def register_blueprints():
    return [bp]


@hookimpl
def register_fields_for(object_name):
    from core.objects.registry import FieldSpec

    if object_name == "contacts":
        return [FieldSpec("{name}_level", "Level", "text")]


@hookimpl
def plugin_enabled(tenant, plugin, sample_data):
    if plugin != "{name}" or not sample_data:
        return
    from saas.plugins.api import SYSTEM, create_record

    for n in range(3):
        create_record("contacts", {{"last_name": f"Sample {{n}}"}}, actor=SYSTEM)
"""
NAMES = ("alpha", "bravo", "charlie")


def install_plugins(directory: Path) -> None:
    """Three plugin modules, listed in the trellis.plugins group as installed packages."""
    for name in NAMES:
        (directory / f"bench_plugin_{name}.py").write_text(
            textwrap.dedent(PLUGIN.format(name=name))
        )
    sys.path.insert(0, str(directory))
    points = [EntryPoint(n, f"bench_plugin_{n}", manager.ENTRY_POINT_GROUP) for n in NAMES]
    manager.plugin_entry_points = lambda: list(points)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def make_tenants(app: Flask, count: int, password_hash: str) -> list:
    from tenants.provisioning import create_tenant

    made = []
    with app.app_context():
        for i in range(count):
            tenant, _admin = create_tenant(
                slug=f"plug-{i:05d}",
                name=f"Plugin bench {i}",
                admin_email=f"admin@plug-{i:05d}.example.com",
                admin_name="Bench Admin",
                admin_password_hash=password_hash,
            )
            made.append((tenant.id, tenant.slug))
        db.session.commit()
    return made


def enable_once(app: Flask, tenant_id, name: str) -> float:
    from saas.auth.actors import SYSTEM
    from saas.plugins import services
    from tenants.scoping import tenant_scope

    with app.app_context(), tenant_scope(tenant_id):
        start = time.perf_counter()
        services.enable_plugin(name, actor=SYSTEM, sample_data=True)
        db.session.commit()
        return time.perf_counter() - start


def measure_enabling(app: Flask, tenants: list, warmup: int = 10) -> tuple[list[float], list[str]]:
    for tenant_id, _slug in tenants[:warmup]:
        enable_once(app, tenant_id, "alpha")
    timed = [enable_once(app, tenant_id, "alpha") for tenant_id, _slug in tenants[warmup:-1]]
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    enable_once(app, tenants[-1][0], "alpha")
    event.remove(engine, "before_cursor_execute", record)
    return timed, statements


def measure_dispatch(app: Flask, slug: str, requests: int) -> dict:
    """Requests per second of three routes answering the same JSON, interleaved in batches:
    the plugin's route that dispatches a hook through the tenant's caller, the same app's
    route of the same plugin without the dispatch, and a bare Flask route."""
    bare = Flask("bare")

    @bare.get("/p/alpha/ping")
    def ping():
        return jsonify(ok=True, fields=1)

    host = f"http://{slug}.localhost"
    full_client, bare_client = app.test_client(), bare.test_client()
    sides = {
        "hook": lambda: full_client.get("/p/alpha/ping", base_url=host),
        "plain": lambda: full_client.get("/p/alpha/plain", base_url=host),
        "bare": lambda: bare_client.get("/p/alpha/ping"),
    }
    for name, call in sides.items():
        body = call().get_json()
        assert body == {"ok": True, "fields": 1}, (name, body)
    other = full_client.get("/p/bravo/ping", base_url=host)
    assert other.status_code == 404, other.status_code  # installed, not enabled
    for _ in range(200):  # warm-up
        for call in sides.values():
            call()
    spent = dict.fromkeys(sides, 0.0)
    batch = 50
    rounds = max(1, requests // batch)
    for i in range(rounds):
        names = list(sides)[i % 3 :] + list(sides)[: i % 3]
        for name in names:
            call = sides[name]
            start = time.perf_counter()
            for _ in range(batch):
                call()
            spent[name] += time.perf_counter() - start
    return {name: rounds * batch / seconds for name, seconds in spent.items()}


def measure_lookup(app: Flask) -> tuple[float, float]:
    from saas.plugins.tenant import _CALLERS, hooks_for

    pm = app.extensions["trellis_plugins"]
    _CALLERS.pop(pm, None)
    start = time.perf_counter()
    hooks_for(pm, {"bravo"})
    first = time.perf_counter() - start
    n = 100_000
    start = time.perf_counter()
    for _ in range(n):
        hooks_for(pm, {"bravo"})
    return first, (time.perf_counter() - start) / n


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="plugin enablings to time")
    parser.add_argument("--requests", type=int, default=3000, help="requests per side")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--app-role", default="trellis_bench_plugins_app")
    args = parser.parse_args()

    plugin_dir = Path(tempfile.mkdtemp(prefix="trellis-bench-plugins-"))
    install_plugins(plugin_dir)
    database = BenchDatabase(args.database_url, args.app_role)
    database.create()
    try:
        app = build_app(
            database.app_url.render_as_string(hide_password=False),
            database.owner_url.render_as_string(hide_password=False),
        )
        print(database.check_app_role())
        installed = sorted(manager.installed_plugins(app.extensions["trellis_plugins"]))
        print(f"plugins installed: {', '.join(installed)}")
        with app.app_context():
            password_hash = hash_password("bench passphrase 1")
        tenants = make_tenants(app, args.n + 11, password_hash)

        timed, statements = measure_enabling(app, tenants)
        ddl = [s for s in statements if s.split(" ", 1)[0].upper() in DDL_WORDS]
        p50, p95 = percentile(timed, 0.5) * 1000, percentile(timed, 0.95) * 1000
        print(
            f"\nEnabling a plugin (PostgreSQL, with sample data: 3 records), n={len(timed)}:"
            f"\n  p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(timed) * 1000:.1f} ms"
            f" (goal p95 <= {GOAL_ENABLE_P95_MS:.0f} ms: {_met(p95 <= GOAL_ENABLE_P95_MS)})"
            f"\n  {len(statements)} statements in one enabling, {len(ddl)} DDL"
            f"\n  mean {statistics.mean(timed) * 1000:.1f} ms"
        )

        slug = tenants[0][1]  # alpha enabled there, bravo and charlie installed only
        figures = measure_dispatch(app, slug, args.requests)
        ratio = figures["hook"] / figures["bare"]
        print(
            f"\nHook dispatch, 3 plugins installed / 1 enabled, {args.requests} requests each:"
            f"\n  full stack {figures['hook']:.0f} req/s, bare Flask {figures['bare']:.0f}"
            f" req/s: {ratio:.2f}x (goal >= {GOAL_DISPATCH_RATIO:.2f}x:"
            f" {_met(ratio >= GOAL_DISPATCH_RATIO)})"
            f"\n  the same stack without the dispatch {figures['plain']:.0f} req/s: the dispatch"
            f" keeps {figures['hook'] / figures['plain']:.2f}x of it"
        )
        first, after = measure_lookup(app)
        print(
            f"  the tenant's caller: first lookup {first * 1e6:.1f} us, then {after * 1e6:.2f} us"
            " (one dict lookup per request)"
        )
        with app.app_context():
            db.engine.dispose()
    finally:
        database.drop()


if __name__ == "__main__":
    main()
