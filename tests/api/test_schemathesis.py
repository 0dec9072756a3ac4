"""A bounded schemathesis run against the live app: every operation of the OpenAPI document,
called through WSGI with a real token of the seeded demo workspace (plus a custom object
with filterable custom fields), with data that fits the document and data that does not.
It must end with no server error (5xx) and no status the document does not list.

Slow next to the rest (1 to 3 minutes), so it runs when asked: ``TRELLIS_SCHEMATHESIS=1
pytest -m schemathesis tests/api`` (CI does, on PostgreSQL). ``TRELLIS_SCHEMATHESIS_EXAMPLES``
sets the examples per operation and generation mode (default 8).
"""

from __future__ import annotations

import os
import traceback

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, status_code_conformance

pytestmark = [
    pytest.mark.schemathesis,
    pytest.mark.skipif(
        not os.environ.get("TRELLIS_SCHEMATHESIS"),
        reason="a slow fuzzing run: set TRELLIS_SCHEMATHESIS=1 to run it",
    ),
]
EXAMPLES = int(os.environ.get("TRELLIS_SCHEMATHESIS_EXAMPLES", "8"))


def _seed(app) -> str:
    from core.objects import schema as schema_service
    from saas.auth import api_tokens
    from saas.auth.models import User
    from saas.db import db
    from saas.demo import DEMO_EMAIL, ensure_demo_tenant
    from tenants.scoping import tenant_scope

    with app.app_context():
        tenant = ensure_demo_tenant()
        with tenant_scope(tenant.id):
            schema_service.create_custom_object(name="vehicles", label="Vehicle")
            for name, kind, options in (
                ("plate", "text", {"regex": "[A-Z]{1,3}-[0-9]{1,4}"}),
                ("mileage", "number", {}),
                ("registered_on", "date", {}),
                ("electric", "boolean", {}),
            ):
                schema_service.add_field(
                    "vehicles",
                    name=name,
                    label=name.title(),
                    type=kind,
                    options=options,
                    filterable=True,
                )
            admin = db.session.query(User).filter_by(email=DEMO_EMAIL).one()
            _, token = api_tokens.create_api_token(user=admin, name="schemathesis")
        db.session.commit()
    return token


class Run:
    """What the run saw: requests sent, statuses answered, and every problem found."""

    def __init__(self, auth: dict) -> None:
        self.auth = auth
        self.operations = 0
        self.requests = 0
        self.statuses: dict[int, int] = {}
        self.problems: list[str] = []

    def fuzz(self, operation, mode: GenerationMode, path_parameters: dict | None = None) -> None:
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def call(case):
            self.requests += 1
            where = f"{operation.label} ({mode.value}{', a real id' if path_parameters else ''})"
            try:
                response = case.call(headers=self.auth)
            except Exception:  # TESTING propagates the app's exceptions: a 500 in production
                self.problems.append(f"{where}: {traceback.format_exc()}")
                return
            self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
            try:
                case.validate_response(
                    response,
                    checks=[not_a_server_error, status_code_conformance],
                    headers=self.auth,
                )
            except BaseExceptionGroup as exc:  # schemathesis's FailureGroup of the checks
                self.problems.append(f"{where}: {exc}")

        call()


def _real_ids(app, auth: dict, paths) -> dict[str, str]:
    """An existing record's id for each collection that has one (``/api/v1/objects/deals``:
    the id of a deal), so that operations on ``{id}`` get past the 404 too."""
    client = app.test_client()
    ids = {}
    for path in paths:
        collection = path.split("/{id}")[0]
        if "{id}" not in path or collection in ids or "{" in collection:
            continue
        response = client.get(collection, headers=auth)
        data = response.get_json(silent=True) if response.status_code == 200 else None
        if isinstance(data, dict) and data.get("data") and "id" in data["data"][0]:
            ids[collection] = data["data"][0]["id"]
    return ids


@pytest.fixture
def unlimited(app):
    """The plan's API rate limit off for the run (thousands of requests a minute would
    otherwise be mostly 429s; tests/saas/test_api_rate_limits.py covers the limit)."""
    limiter = app.extensions["trellis_limiter"]
    limiter.enabled = False
    yield
    limiter.enabled = True


def test_the_api_answers_every_generated_request_without_5xx_or_undocumented_status(app, unlimited):
    auth = {"Authorization": f"Bearer {_seed(app)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deletions last, so that the others still find the records they are given.
    operations.sort(key=lambda operation: operation.method.lower() == "delete")
    ids = _real_ids(app, auth, {operation.path for operation in operations})
    run = Run(auth)
    for operation in operations:
        run.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run.fuzz(operation, mode)
        real_id = ids.get(operation.path.split("/{id}")[0])
        if real_id and operation.path.count("{") == 1:
            run.fuzz(operation, GenerationMode.POSITIVE, {"id": real_id})
    statuses = dict(sorted(run.statuses.items()))
    print(f"\nschemathesis: {run.operations} operations, {run.requests} requests, {statuses}")
    assert run.operations > 100 and len(ids) > 10
    assert not run.problems, f"{len(run.problems)} problems:\n" + "\n".join(run.problems[:40])
