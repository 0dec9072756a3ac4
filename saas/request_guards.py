"""Checks at the request boundary, before any view: input no view could store or parse.

- A NUL character (``\\x00``) anywhere in the path, the query string, a form field or a
  JSON string (keys included) is refused with 400: PostgreSQL cannot store it in text, so
  it would otherwise surface as a server error deep inside a query.
- A JSON body under /api/ must parse: not valid JSON, or nested deeper than
  ``MAX_JSON_DEPTH`` levels (Python's parser would raise RecursionError past about a
  thousand), is a 400 with a message, whichever endpoint it is sent to.

Field values get the same NUL check in ``core.objects.types`` for callers that do not come
through a request (imports, jobs, the shell).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider

from saas.errors import UserError

NUL = "\x00"
MAX_JSON_DEPTH = 64
NUL_MESSAGE = (
    "The request contains a NUL character (\\u0000, %00), which cannot be stored: "
    "remove it and try again."
)


class BadInput(UserError):
    status = 400
    code = "bad_request"


def json_depth_problem(value) -> str | None:
    """What is wrong with the nesting of a parsed JSON value (None when it is fine)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                return f"it is nested more than {MAX_JSON_DEPTH} levels deep"
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that nesting too deep to handle is a ValueError (so a 400 from
    ``get_json``), never a RecursionError that escapes as a 500."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError(f"it is nested more than {MAX_JSON_DEPTH} levels deep") from None
        problem = json_depth_problem(value)
        if problem:
            raise ValueError(problem)
        return value


def has_nul(value) -> bool:
    """Whether a NUL character is in ``value`` or in any string (or key) inside it."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _pairs_have_nul(pairs) -> bool:
    return any(NUL in key or NUL in value for key, value in pairs)


def _check_request() -> None:
    if NUL in request.path or _pairs_have_nul(request.args.items(multi=True)):
        raise BadInput(NUL_MESSAGE)
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if _pairs_have_nul(request.form.items(multi=True)):
            raise BadInput(NUL_MESSAGE)
    elif request.path.startswith("/api/") and request.is_json and request.get_data():
        try:
            body = current_app.json.loads(request.get_data())
        except ValueError as exc:  # UnicodeDecodeError included
            raise BadInput(f"The request body is not valid JSON: {exc}.") from None
        if has_nul(body):
            raise BadInput(NUL_MESSAGE)


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)
    app.before_request(_check_request)
