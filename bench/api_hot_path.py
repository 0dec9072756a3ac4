"""Benchmark: the API's hot path against its own floors, every goal of issue #14 in one run.

Everything is measured side by side in the same run, interleaved, so that the noise of a
shared machine falls on both sides of each ratio:

- a filtered, sorted page of 50 contacts through the API (gunicorn, 2 workers, HTTP over a
  Unix socket, one client) against the same SQL statement sent straight through psycopg
  (as the app role, in a transaction with the row-level security setting): p50 <= 3x;
- GET of one contact by id against its own floor (the same statement through psycopg):
  p50 <= 3x;
- the full middleware stack (tenant, token, RLS setting, rate limiter, billing, hooks) on
  ``GET /api/v1/me`` against a bare Flask route returning the same JSON, both under
  gunicorn with 2 workers and 4 clients: throughput >= 0.70x;
- 4 concurrent clients on 2 workers, the list page: p95 <= 40 ms;
- SQL statements of a list, a get, a create and an update (counted in-process on the same
  database): <= 5 each.

It creates its own database and app role (``--database-url``, a role that may create
both, e.g. ``postgres``), runs the real migrations, seeds one tenant with ``--records``
contacts (10 custom fields, 5 filterable), and drops the database at the end.

    .venv/bin/python bench/api_hot_path.py [--records 25000] [--n 400] [--seconds 3]
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 32)

import psycopg  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from tenant_create import BenchDatabase  # noqa: E402

from saas.app import create_app  # noqa: E402
from saas.billing.plans import DEFAULT_PLANS  # noqa: E402
from saas.db import db  # noqa: E402
from saas.migrate import upgrade_database  # noqa: E402

DEFAULT_DATABASE_URL = (
    f"postgresql+psycopg://postgres@{os.environ.get('PG_HOST', '127.0.0.1')}:5432/trellis_bench_api"
)
LIST = (
    "/api/v1/objects/contacts?filter[last_name][gte]=M&filter[last_name][lt]=N"
    "&sort=last_name&limit=50"
)
# Without a rate limit the server would answer 429 long before the benchmark ends: the
# limiter still runs (and counts in Redis or memory), with a budget no client reaches.
PLANS = copy.deepcopy(DEFAULT_PLANS)
PLANS["pro"]["api_requests_per_minute"] = 100_000_000
LAST_NAMES = ["Miller", "Smith", "Meyer", "Martin", "Lopez", "Chen", "Moore", "Garcia", "Wang"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# Set-up ----------------------------------------------------------------------------------


def app_config(app_url: str, owner_url: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": app_url,
        "DATABASE_OWNER_URL": owner_url,
        "MAIL_BACKEND": "memory",
        "TRELLIS_BASE_URL": "http://localhost:5000",
        "BILLING_PLANS": PLANS,
        "BILLING_TRIAL_PLAN": "pro",
    }


def seed(app, owner_url: str, records: int) -> dict:
    """One tenant with its admin, an API token, 10 custom fields and ``records`` contacts."""
    from core.objects import records as record_service
    from core.objects import schema as schema_service
    from saas.auth import api_tokens
    from tenants.provisioning import create_tenant
    from tenants.scoping import tenant_scope

    with app.app_context():
        tenant, admin = create_tenant(
            slug="bench",
            name="Bench Ltd",
            admin_email="admin@bench.example.com",
            admin_name="Bench Admin",
            admin_password="correct horse battery staple",
        )
        db.session.commit()
        with tenant_scope(tenant.id):
            for i in range(10):
                schema_service.add_field(
                    "contacts",
                    name=f"extra_{i}",
                    label=f"Extra {i}",
                    type="text" if i % 2 == 0 else "number",
                    filterable=i < 5,
                )
            db.session.commit()
            token_user = admin
            _, token = api_tokens.create_api_token(user=token_user, name="bench")
            base = min(records, 500)
            for i in range(base):
                values = {
                    "first_name": f"First{i}",
                    "last_name": LAST_NAMES[i % len(LAST_NAMES)] + f"{i:05d}",
                    "email": f"person{i}@example.com",
                    "phone": f"+44 20 7946 {i:04d}",
                    "title": "Buyer" if i % 3 == 0 else "Engineer",
                }
                for f in range(10):
                    values[f"extra_{f}"] = f"value {i} {f}" if f % 2 == 0 else i * f
                record_service.create_record("contacts", values, actor=token_user)
            db.session.commit()
            tenant_id = tenant.id
    copies = max(0, (records - base + base - 1) // base)
    if copies:
        engine = create_engine(owner_url)
        with engine.begin() as connection:
            columns = [
                row[0]
                for row in connection.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = 'contacts' ORDER BY ordinal_position"
                    )
                )
            ]
            copied = ", ".join(
                "gen_random_uuid()"
                if c == "id"
                else "last_name || '-' || g"
                if c == "last_name"
                else c
                for c in columns
            )
            connection.execute(
                text(
                    f"INSERT INTO contacts ({', '.join(columns)}) "  # noqa: S608
                    f"SELECT {copied} FROM contacts, generate_series(1, :copies) AS g "
                    "WHERE tenant_id = :tenant LIMIT :extra"
                ),
                {"copies": copies, "tenant": tenant_id, "extra": records - base},
            )
            connection.execute(text("ANALYZE contacts"))
        engine.dispose()
    return {"tenant_id": tenant_id, "token": token}


# Servers ---------------------------------------------------------------------------------


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=30)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.socket_path)


class Client:
    """One keep-alive HTTP client."""

    def __init__(self, path: str, headers: dict | None = None) -> None:
        self.path = path
        self.headers = headers or {}
        self.connection = UnixHTTPConnection(path)

    def get(self, url: str) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                self.connection.request("GET", url, headers=self.headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = UnixHTTPConnection(self.path)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def timed(self, url: str) -> float:
        start = time.perf_counter()
        status, _body = self.get(url)
        elapsed = time.perf_counter() - start
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
        return elapsed


def gunicorn(app: str, socket_path: str, env: dict, workers: int = 2) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"unix:{socket_path}",
        "--log-level",
        "warning",
        "--keep-alive",
        "30",
        app,
    ]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT)
    for _ in range(600):
        if os.path.exists(socket_path):
            try:
                probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                probe.connect(socket_path)
                probe.close()
                return process
            except OSError:
                pass
        if process.poll() is not None:
            raise SystemExit(f"gunicorn {app} stopped at start-up")
        time.sleep(0.1)
    raise SystemExit(f"gunicorn {app} did not start")


BARE_APP = """
import json, os
from flask import Flask, jsonify
app = Flask(__name__)
BODY = json.loads(open(os.environ["BENCH_BARE_JSON"]).read())

@app.route("/api/v1/me")
def me():
    return jsonify(BODY)
"""


# Measurements ----------------------------------------------------------------------------


def captured_statement(app, headers: dict, url: str, table: str) -> tuple[str, dict]:
    """The SQL (and parameters) of the data statement of one in-process request."""
    seen: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = app.test_client().get(url, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    data = [(s, p) for s, p in seen if f"FROM {table}" in s and "api_tokens" not in s]
    return data[-1]


def statements_per_request(app, headers: dict, record_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    requests = [
        ("list", "GET", LIST, None),
        ("get", "GET", f"/api/v1/objects/contacts/{record_id}", None),
        ("create", "POST", "/api/v1/objects/contacts", {"last_name": "Counted"}),
        ("update", "PATCH", f"/api/v1/objects/contacts/{record_id}", {"title": "Chief"}),
    ]
    for name, method, url, body in requests:
        client.open(url, method=method, json=body, headers=headers)  # warm
        seen: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany, seen=seen):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.open(url, method=method, json=body, headers=headers)
            assert response.status_code in (200, 201), response.get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        counts[name] = len(seen)
    return counts


class Floor:
    """The same statement through psycopg, as the app role, with the tenant's setting."""

    def __init__(self, url: str, tenant_id, statement: str, parameters: dict) -> None:
        self.connection = psycopg.connect(url)
        self.tenant = str(tenant_id)
        self.statement = statement
        self.parameters = parameters

    def timed(self) -> float:
        start = time.perf_counter()
        with self.connection.transaction(), self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.tenant_id', %s, true), "
                "set_config('app.platform', '', true)",
                (self.tenant,),
            )
            cursor.execute(self.statement, self.parameters)
            cursor.fetchall()
        return time.perf_counter() - start


def interleaved(pairs: dict[str, tuple], n: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    for i in range(n):
        for name, (a, b) in pairs.items():
            first, second = (a, b) if i % 2 == 0 else (b, a)
            for label, fn in (first, second):
                timings.setdefault(f"{name}:{label}", []).append(fn())
    return timings


def throughput(path: str, url: str, headers: dict, clients: int, seconds: float) -> float:
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def run(index: int) -> None:
        client = Client(path, headers)
        while time.perf_counter() < stop:
            status, _ = client.get(url)
            if status != 200:
                raise SystemExit(f"{url} answered {status}")
            done[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - start)


def concurrent_latencies(path: str, url: str, headers: dict, clients: int, n: int) -> list:
    results: list[float] = []
    lock = threading.Lock()

    def run() -> None:
        client = Client(path, headers)
        mine = [client.timed(url) for _ in range(n)]
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--app-role", default="trellis_bench_api_app")
    parser.add_argument("--records", type=int, default=25_000)
    parser.add_argument("--n", type=int, default=400, help="timed requests per measurement")
    parser.add_argument("--seconds", type=float, default=3.0, help="per throughput round")
    parser.add_argument("--rounds", type=int, default=4, help="throughput rounds per side")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "memory://"))
    args = parser.parse_args()

    bench = BenchDatabase(args.database_url, args.app_role)
    workdir = Path(tempfile.mkdtemp(prefix="trellis-bench-api-"))
    servers: list[subprocess.Popen] = []
    try:
        bench.create()
        owner_url = bench.owner_url.render_as_string(hide_password=False)
        app_url = bench.app_url.render_as_string(hide_password=False)
        app = create_app(app_config(app_url, owner_url))
        with app.app_context():
            upgrade_database()
        database = bench.check_app_role()
        started = time.perf_counter()
        seeded = seed(app, owner_url, args.records)
        seeding = time.perf_counter() - started
        headers = {"Authorization": f"Bearer {seeded['token']}"}

        list_sql, list_params = captured_statement(app, headers, LIST, "contacts")
        status_body = app.test_client().get(LIST, headers=headers).get_json()
        page = status_body["data"]
        record_id = page[0]["id"]
        get_url = f"/api/v1/objects/contacts/{record_id}"
        get_sql, get_params = captured_statement(app, headers, get_url, "contacts")
        counts = statements_per_request(app, headers, record_id)
        me_body = app.test_client().get("/api/v1/me", headers=headers).get_json()
        bare_json = workdir / "me.json"
        bare_json.write_text(json.dumps(me_body))
        (workdir / "bare_flask.py").write_text(BARE_APP)
        with app.app_context():
            db.engine.dispose()

        env = {
            "DATABASE_URL": app_url,
            "DATABASE_OWNER_URL": owner_url,
            "TRELLIS_BILLING_PLANS": json.dumps(PLANS),
            "BILLING_TRIAL_PLAN": "pro",
            "RATELIMIT_STORAGE_URI": args.redis_url,
            "MAIL_BACKEND": "memory",
            "TRELLIS_INSTANCE_DIR": str(workdir),
        }
        api_socket = str(workdir / "api.sock")
        bare_socket = str(workdir / "bare.sock")
        servers.append(gunicorn("saas.wsgi:app", api_socket, env))
        bare_env = {"BENCH_BARE_JSON": str(bare_json), "PYTHONPATH": str(workdir)}
        servers.append(gunicorn("bare_flask:app", bare_socket, bare_env))

        sql_url = bench.app_url.set(drivername="postgresql").render_as_string(hide_password=False)
        list_floor = Floor(sql_url, seeded["tenant_id"], list_sql, list_params)
        get_floor = Floor(sql_url, seeded["tenant_id"], get_sql, get_params)
        api = Client(api_socket, headers)
        for _ in range(50):  # warm both workers, their caches and the database
            api.timed(LIST)
            api.timed(get_url)
            list_floor.timed()
            get_floor.timed()
        timings = interleaved(
            {
                "list": (("api", lambda: api.timed(LIST)), ("psycopg", list_floor.timed)),
                "get": (("api", lambda: api.timed(get_url)), ("psycopg", get_floor.timed)),
            },
            args.n,
        )
        full, bare = [], []
        for i in range(args.rounds):
            order = [("full", api_socket), ("bare", bare_socket)]
            if i % 2:
                order.reverse()
            for label, path in order:
                rate = throughput(path, "/api/v1/me", headers, 4, args.seconds)
                (full if label == "full" else bare).append(rate)
        concurrent = concurrent_latencies(api_socket, LIST, headers, 4, max(50, args.n // 2))

        report(args, database, seeding, timings, counts, full, bare, concurrent, len(page))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        bench.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(args, database, seeding, timings, counts, full, bare, concurrent, page_size) -> None:
    load = os.getloadavg()
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit()}")
    print(
        f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    print(f"# {database}")
    print(
        f"# {args.records} contacts (10 custom fields) seeded in {seeding:.1f} s; "
        f"page of {page_size}; n={args.n} per side, interleaved"
    )
    print()
    print(f"{'':24}{'p50':>8}{'p95':>8}{'p99':>8}   (ms)")
    for key, values in timings.items():
        print(f"{key:24}{ms(pct(values, 50))} {ms(pct(values, 95))} {ms(pct(values, 99))}")
    print()
    list_ratio = pct(timings["list:api"], 50) / pct(timings["list:psycopg"], 50)
    get_ratio = pct(timings["get:api"], 50) / pct(timings["get:psycopg"], 50)
    full_rate, bare_rate = statistics.median(full), statistics.median(bare)
    stack_ratio = full_rate / bare_rate
    p95 = pct(concurrent, 95)
    worst = max(counts.values())
    goals = [
        (
            "filtered sorted page of 50, API p50 <= 3x psycopg",
            list_ratio <= 3,
            f"{list_ratio:.2f}x ({pct(timings['list:api'], 50) * 1000:.2f} vs "
            f"{pct(timings['list:psycopg'], 50) * 1000:.2f} ms)",
        ),
        (
            "GET by id, API p50 <= 3x its floor",
            get_ratio <= 3,
            f"{get_ratio:.2f}x ({pct(timings['get:api'], 50) * 1000:.2f} vs "
            f"{pct(timings['get:psycopg'], 50) * 1000:.2f} ms)",
        ),
        (
            "full stack >= 0.70x bare Flask (GET /api/v1/me, 4 clients, 2 workers)",
            stack_ratio >= 0.70,
            f"{stack_ratio:.2f}x ({full_rate:.0f} vs {bare_rate:.0f} req/s, median of "
            f"{len(full)} rounds)",
        ),
        (
            "list p95 <= 40 ms with 4 clients on 2 workers",
            p95 <= 0.040,
            f"p95 {p95 * 1000:.1f} ms (p50 {pct(concurrent, 50) * 1000:.1f}, n={len(concurrent)})",
        ),
        (
            "<= 5 SQL statements per API request",
            worst <= 5,
            ", ".join(f"{k} {v}" for k, v in counts.items()),
        ),
    ]
    for label, ok, figures in goals:
        print(f"{verdict(ok)}  {label}: {figures}")
    if load[0] > (os.cpu_count() or 1):
        print(f"note: the machine was loaded (load {load[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
