"""The security log endpoints (/api/v1/security-log, .../verify) in the OpenAPI document."""

from __future__ import annotations

from saas.security_log.events import EVENT_TYPES
from saas.security_log.services import MAX_PAGE_SIZE, PAGE_SIZE

ADMINS = "Admins only: other roles get 403."
_NULLABLE_TEXT = {"type": ["string", "null"]}
ENTRY = {
    "type": "object",
    "description": "An entry as hashed: hash is the SHA-256 of its canonical form, which "
    "includes prev_hash (the hash of entry seq - 1; 64 zeros for entry 1). See "
    "docs/decisions/0016-security-log-hash-chain.md to re-check it yourself.",
    "properties": {
        "tenant_id": {"type": "string", "format": "uuid"},
        "seq": {"type": "integer", "minimum": 1},
        "at": {"type": "string", "format": "date-time"},
        "event": {"type": "string"},
        "actor_id": {"type": ["string", "null"], "format": "uuid"},
        "actor": {"type": "string"},
        "target": {"type": "string"},
        "ip": _NULLABLE_TEXT,
        "user_agent": _NULLABLE_TEXT,
        "details": {"type": "object"},
        "prev_hash": {"type": "string"},
        "hash": {"type": "string"},
    },
    "required": [
        "tenant_id",
        "seq",
        "at",
        "event",
        "actor_id",
        "actor",
        "target",
        "ip",
        "user_agent",
        "details",
        "prev_hash",
        "hash",
    ],
}
CHAIN_STATUS = {
    "type": "object",
    "properties": {
        "ok": {"type": "boolean"},
        "entries": {"type": "integer", "description": "Entries verified before any break."},
        "head": {
            "type": "object",
            "properties": {"seq": {"type": "integer"}, "hash": {"type": "string"}},
            "required": ["seq", "hash"],
        },
        "broken_at": {"type": ["integer", "null"], "description": "The first broken entry."},
        "problem": _NULLABLE_TEXT,
    },
    "required": ["ok", "entries", "head", "broken_at", "problem"],
}


def security_log_paths(json, ref, errors) -> tuple[dict, dict]:
    tags = ["Security log"]
    page = {
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
            "data": {"type": "array", "items": ref("SecurityLogEntry")},
            "next_cursor": {"type": ["string", "null"]},
        },
    }
    moment = {"type": "string", "format": "date-time"}
    paths = {
        "/api/v1/security-log": {
            "get": {
                "operationId": "list_security_log",
                "summary": "The security log, newest first",
                "description": ADMINS,
                "tags": tags,
                "parameters": [
                    {
                        "name": "event",
                        "in": "query",
                        "description": "Only these event types (repeat for several).",
                        "schema": {"type": "array", "items": {"enum": sorted(EVENT_TYPES)}},
                        "style": "form",
                        "explode": True,
                    },
                    {
                        "name": "actor",
                        "in": "query",
                        "description": "Only entries of this user (id).",
                        "schema": {"type": "string", "format": "uuid"},
                    },
                    {
                        "name": "q",
                        "in": "query",
                        "description": "Only entries whose target or actor name contains "
                        "this text (case-insensitive).",
                        "schema": {"type": "string", "maxLength": 200},
                    },
                    {
                        "name": "from",
                        "in": "query",
                        "description": "From this moment on (no offset: UTC).",
                        "schema": moment,
                    },
                    {
                        "name": "to",
                        "in": "query",
                        "description": "Before this moment (no offset: UTC).",
                        "schema": moment,
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_PAGE_SIZE,
                            "default": PAGE_SIZE,
                        },
                    },
                    {
                        "name": "cursor",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "The next_cursor of the previous page.",
                    },
                ],
                "responses": {
                    "200": {"description": "A page", **json(page)},
                    **errors(401, 403, 422),
                },
            }
        },
        "/api/v1/security-log/verify": {
            "get": {
                "operationId": "verify_security_log",
                "summary": "Check the whole hash chain",
                "description": ADMINS + " Reports the first broken entry, if any.",
                "tags": tags,
                "parameters": [
                    {
                        "name": "head",
                        "in": "query",
                        "description": "A head kept earlier, as SEQ:HASH: a chain "
                        "rewritten from the start is caught too.",
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {"description": "The chain's status", **json(ref("ChainStatus"))},
                    **errors(401, 403, 422),
                },
            }
        },
    }
    return paths, {"SecurityLogEntry": ENTRY, "ChainStatus": CHAIN_STATUS}
