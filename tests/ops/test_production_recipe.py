"""docs/operations.md followed as an operator would, on PostgreSQL: create the two roles and
the database with the SQL it shows, configure the URLs it shows, `trellis db upgrade`, check
the result with its queries (and the results it prints), `trellis doctor` (and `--runtime`
as a pod runs it), create a workspace, serve it with the documented gunicorn command behind
a (simulated) TLS proxy, and run the worker. Each block is read from the document itself,
so the recipe cannot drift from what works.

It runs in the PostgreSQL run of the suite (TRELLIS_TEST_DATABASE_URL set: CI's second run);
the SQLite run leaves it out to stay fast.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests import pg
from tests.conftest import redis_test_url

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "docs" / "operations.md"
PG_HOST = os.environ.get("PG_HOST", "127.0.0.1")
PG_ADMIN_URL = f"postgresql+psycopg://postgres@{PG_HOST}:5432/postgres"
# This worker's own Redis database: its queue must not meet another worker's jobs tests.
REDIS_URL = redis_test_url()
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    not (os.environ.get("TRELLIS_TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="the operator's recipe runs in the suite's PostgreSQL run",
)


def _section(title: str) -> str:
    text_ = OPERATIONS.read_text()
    start = text_.index(f"\n## {title}\n")
    end = text_.find("\n## ", start + 1)
    return text_[start : end if end > 0 else None]


def _blocks(section: str, language: str = "") -> list[str]:
    """The fenced code blocks of ``section`` whose info string is ``language``."""
    blocks, current, info = [], None, ""
    for line in section.splitlines():
        stripped = line.strip()
        if current is None and stripped.startswith("```"):
            current, info = [], stripped[3:].strip()
        elif current is not None and stripped == "```":
            if info == language:
                blocks.append("\n".join(current) + "\n")
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _statements(sql: str) -> list[str]:
    without_comments = "\n".join(
        line for line in sql.splitlines() if not line.strip().startswith("--")
    )
    return [s.strip() for s in without_comments.split(";") if s.strip()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def names():
    suffix = uuid.uuid4().hex[:8]
    return {
        "trellis_owner": f"rcp_owner_{suffix}",
        "trellis_app": f"rcp_app_{suffix}",
        "database": pg.worker_database(f"rcp_{suffix}"),
    }


def _named(text_: str, names: dict) -> str:
    """The document's text with this run's role and database names (the suite's own roles
    are called trellis_app too) and this machine's database host."""
    text_ = text_.replace("trellis_owner", names["trellis_owner"])
    text_ = text_.replace("trellis_app", names["trellis_app"])
    text_ = re.sub(r"DATABASE trellis\b", f"DATABASE {names['database']}", text_)
    text_ = re.sub(r"(:5432/)trellis\b", rf"\g<1>{names['database']}", text_)
    return text_.replace("db.internal", PG_HOST)


@pytest.fixture
def database(names):
    if not pg.reachable(PG_ADMIN_URL):
        pytest.fail(f"PostgreSQL is not reachable at {PG_HOST}:5432")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield admin
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{names["database"]}" WITH (FORCE)')
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {names['trellis_app']}")
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {names['trellis_owner']}")
    admin.dispose()


def _run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=300, cwd=kwargs.pop("cwd"), **kwargs
    )


def _get(url: str, host: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers={"Host": host, **(headers or {})})
    try:
        return urllib.request.urlopen(request, timeout=10)  # noqa: S310 (a local test server)
    except urllib.error.HTTPError as error:
        return error


def test_the_operations_recipe_works_as_written(database, names, tmp_path):
    roles_section = _section("PostgreSQL: the two database roles")
    sql_blocks = _blocks(roles_section, "sql")
    create_sql, check_sql = sql_blocks[0], sql_blocks[-1]
    # 1. The roles and the database, as a superuser.
    with database.connect() as connection:
        for statement in _statements(_named(create_sql, names)):
            connection.exec_driver_sql(statement)
    # 2. The URLs, as the document writes them.
    (configure,) = [b for b in _blocks(roles_section) if "DATABASE_URL=" in b]
    urls = dict(line.split("=", 1) for line in _named(configure, names).splitlines() if "=" in line)
    assert set(urls) == {"DATABASE_URL", "DATABASE_OWNER_URL"}
    env = {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "TRELLIS_ENV": "production",
        "SECRET_KEY": "recipe-" + "k" * 48,
        "TRELLIS_INSTANCE_DIR": str(tmp_path / "instance"),
        "TRELLIS_BASE_DOMAIN": "example.test",
        "TRELLIS_BASE_URL": "https://example.test",
        "SESSION_COOKIE_SECURE": "true",
        "REDIS_URL": REDIS_URL,
        **urls,
    }
    work = tmp_path  # not the repository: nothing may depend on its working directory
    # 3. Migrate as the owner.
    upgraded = _run([str(BIN / "trellis"), "db", "upgrade"], env, cwd=work)
    assert upgraded.returncode == 0, upgraded.stderr + upgraded.stdout
    # 4. The checks the document shows, with the results it prints.
    owner_of_new_db = create_engine(
        PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + names["database"], isolation_level="AUTOCOMMIT"
    )
    try:
        with owner_of_new_db.connect() as connection:
            for query, expected in _queries_and_results(_named(check_sql, names)):
                rows = connection.execute(text(query)).all()
                shown = [" | ".join(_shown(v) for v in row) for row in rows]
                assert shown == expected, (query, shown)
    finally:
        owner_of_new_db.dispose()
    # 5. The doctor, as the operator runs it, then as a pod runs it (no owner credentials).
    doctor = _run([str(BIN / "trellis"), "doctor"], env, cwd=work)
    assert doctor.returncode == 0, doctor.stdout
    assert "FAIL" not in doctor.stdout
    pod_env = {k: v for k, v in env.items() if k != "DATABASE_OWNER_URL"}
    runtime = _run([str(BIN / "trellis"), "doctor", "--runtime"], pod_env, cwd=work)
    assert runtime.returncode == 0, runtime.stdout
    # 6. A workspace, made by the app role (the pods' role).
    created = _run(
        [str(BIN / "trellis"), "tenant", "create", "--slug", "acme", "--name", "Acme",
         "--admin-email", "ada@acme.example", "--admin-password", "a long recipe password 1"],
        pod_env,
        cwd=work,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr + created.stdout
    # 7. gunicorn, with the command of "Behind a reverse proxy" (another port, 2 workers).
    (command,) = [
        b.strip()
        for b in _blocks(_section("Serving in production"))
        if b.startswith("TRELLIS_PROXY_COUNT")
    ]
    port = _free_port()
    words = shlex.split(command.replace("127.0.0.1:8000", f"127.0.0.1:{port}"))
    proxy_env = dict(word.split("=", 1) for word in words if "=" in word and "--" not in word)
    args = [w for w in words if w.split("=", 1)[0] not in proxy_env]
    args[args.index("--workers") + 1] = "2"
    server = subprocess.Popen(
        [str(BIN / args[0]), *args[1:]],
        env={**pod_env, **proxy_env},
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if _get(base + "/healthz", "example.test").status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer /healthz within 30 s")
        ready = _get(base + "/readyz", "example.test")
        assert ready.status == 200, ready.read()
        # What the proxy of the document forwards: the host and the https scheme.
        proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        sign_in = _get(base + "/login", "acme.example.test", proxied)
        assert sign_in.status == 200
        assert "max-age=" in sign_in.headers["Strict-Transport-Security"]
        cookies = sign_in.headers.get_all("Set-Cookie") or []
        assert cookies and all("Secure" in cookie for cookie in cookies)
        assert _get(base + "/login", "nobody.example.test", proxied).status == 404
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
    # 8. The worker drains the queue and stops (--burst), as the pods' role.
    worker = _run([str(BIN / "trellis"), "worker", "--burst"], pod_env, cwd=work)
    assert worker.returncode == 0, worker.stderr + worker.stdout


def _shown(value) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _queries_and_results(sql: str) -> list[tuple[str, list[str]]]:
    """The check block's queries, each with the result lines the document prints under it
    (``-- a | b``; a comma-separated single column is one row per name)."""
    pairs = []
    query, results = [], []
    for line in sql.splitlines():
        stripped = line.strip()
        if stripped.startswith("--"):
            results.append(stripped[2:].strip())
            continue
        if results:
            pairs.append(("\n".join(query).rstrip(";"), results))
            query, results = [], []
        query.append(line)
    if query:
        pairs.append(("\n".join(query).rstrip(";"), results))
    expanded = []
    for query, lines in pairs:
        rows = []
        for line in lines:
            rows.extend(p.strip() for p in line.split(",")) if "|" not in line else rows.append(
                line
            )
        expanded.append((query, rows))
    return expanded
