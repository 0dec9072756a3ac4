"""The workflow endpoints in the OpenAPI document (``/api/v1/openapi.json``)."""

from __future__ import annotations

from core.objects.records import OPERATORS
from core.workflows.models import RUN_STATUSES

RULE = {
    "type": "object",
    "properties": {
        "field": {"type": "string"},
        "op": {"type": "string", "enum": list(OPERATORS), "default": "eq"},
        "value": {"type": "string"},
    },
    "required": ["field"],
}
GROUP = {
    "type": "object",
    "description": "Rules (the API's filters) or nested groups, all or any of which must hold.",
    "properties": {
        "match": {"type": "string", "enum": ["all", "any"], "default": "all"},
        "rules": {"type": "array", "items": {"type": "object"}, "maxItems": 50},
    },
}
TRIGGER = {
    "type": "object",
    "description": (
        "type: record_created, record_updated, record_deleted, record_restored, "
        "field_changed {field, from, to}, stage_entered {stage_id} (deals), date_reached "
        "{field, offset_days, yearly}, schedule {cron}, manual, inbound_webhook, or a plugin's "
        "trigger."
    ),
    "properties": {"type": {"type": "string"}},
    "required": ["type"],
    "additionalProperties": True,
}
ACTION = {
    "type": "object",
    "description": (
        "type: update_fields {values}, create_task {subject, body, due_in_days, assign_to, "
        "user_id}, assign_owner {mode: user|round_robin, user_id, team_id}, send_email {to: "
        "owner|field|address, field, address, subject, body}, webhook {url}, or a plugin's action."
        " Texts may use the record's fields: {{ record.name }}."
    ),
    "properties": {"type": {"type": "string"}},
    "required": ["type"],
    "additionalProperties": True,
}
WORKFLOW = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string", "maxLength": 100},
        "description": {"type": ["string", "null"]},
        "object": {"type": "string"},
        "active": {"type": "boolean"},
        "version": {"type": "integer"},
        "trigger": TRIGGER,
        "conditions": GROUP,
        "actions": {"type": "array", "items": ACTION},
        "next_run_at": {"type": ["string", "null"], "format": "date-time"},
        "inbound_path": {
            "type": ["string", "null"],
            "description": "For the inbound_webhook trigger: the path (on the workspace's "
            "host) another system POSTs JSON to.",
        },
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "name", "object", "active", "version", "trigger", "conditions", "actions"],
}
WORKFLOW_INPUT = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "description": {"type": ["string", "null"]},
        "object": {"type": "string"},
        "active": {"type": "boolean"},
        "trigger": TRIGGER,
        "conditions": GROUP,
        "actions": {"type": "array", "items": ACTION, "maxItems": 20},
    },
    "additionalProperties": False,
}
STEP = {
    "type": "object",
    "properties": {
        "step": {"type": "integer"},
        "type": {"type": "string"},
        "status": {"type": "string", "enum": ["succeeded", "failed"]},
        "result": {"type": "object"},
        "error": {"type": ["string", "null"]},
        "started_at": {"type": "string"},
        "finished_at": {"type": "string"},
    },
}
RUN = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "workflow_id": {"type": "string", "format": "uuid"},
        "version": {"type": "integer"},
        "status": {"type": "string", "enum": list(RUN_STATUSES)},
        "object": {"type": ["string", "null"]},
        "record_id": {"type": ["string", "null"]},
        "trigger": {"type": "object"},
        "depth": {"type": "integer"},
        "steps": {"type": "array", "items": STEP},
        "error": {
            "type": ["string", "null"],
            "description": "loop_limit, record_gone, conditions_not_met, or a step's error.",
        },
        "webhooks": {"type": "array", "items": {"type": "object"}},
        "created_at": {"type": "string", "format": "date-time"},
        "started_at": {"type": ["string", "null"], "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
    },
    "required": ["id", "workflow_id", "version", "status", "steps"],
}
SECRET = {
    "type": "object",
    "properties": {"signing_secret": {"type": "string"}},
    "required": ["signing_secret"],
}


def workflow_paths(json, ref, errors) -> tuple[dict, dict]:
    """The paths and schemas of ``/api/v1/workflows``, built with the document's helpers."""
    workflow_id = {
        "name": "workflow_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
    }
    run_id = {**workflow_id, "name": "run_id"}
    listing = {
        "type": "object",
        "properties": {"data": {"type": "array", "items": ref("Workflow")}},
    }
    runs = {
        "type": "object",
        "properties": {"data": {"type": "array", "items": ref("WorkflowRun")}},
    }
    paths = {
        "/api/v1/workflows": {
            "get": {
                "operationId": "list_workflows",
                "summary": "The workspace's workflows (admins)",
                "parameters": [{"name": "object", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "The workflows", **json(listing)},
                    **errors(403),
                },
            },
            "post": {
                "operationId": "create_workflow",
                "summary": "Build a workflow (name, object, trigger and actions required)",
                "requestBody": {"required": True, **json(ref("WorkflowInput"))},
                "responses": {
                    "201": {"description": "Created", **json(ref("Workflow"))},
                    **errors(403, 409, 422),
                },
            },
        },
        "/api/v1/workflows/{workflow_id}": {
            "get": {
                "operationId": "get_workflow",
                "parameters": [workflow_id],
                "responses": {
                    "200": {"description": "The workflow", **json(ref("Workflow"))},
                    **errors(403, 404),
                },
            },
            "patch": {
                "operationId": "update_workflow",
                "summary": "Change a workflow, or switch it on or off with active",
                "parameters": [workflow_id],
                "requestBody": {"required": True, **json(ref("WorkflowInput"))},
                "responses": {
                    "200": {"description": "Updated", **json(ref("Workflow"))},
                    **errors(403, 404, 409, 422),
                },
            },
            "delete": {
                "operationId": "delete_workflow",
                "parameters": [workflow_id],
                "responses": {"204": {"description": "Deleted"}, **errors(403, 404)},
            },
        },
        "/api/v1/workflows/{workflow_id}/runs": {
            "get": {
                "operationId": "list_workflow_runs",
                "summary": "The run log, newest first, each run with its steps",
                "parameters": [
                    workflow_id,
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "before", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {"description": "The runs", **json(runs)},
                    **errors(403, 404, 422),
                },
            },
            "post": {
                "operationId": "start_workflow_run",
                "summary": "Run a manual workflow on a record",
                "parameters": [workflow_id],
                "requestBody": {
                    "required": True,
                    **json(
                        {
                            "type": "object",
                            "properties": {"record_id": {"type": "string"}},
                            "required": ["record_id"],
                        }
                    ),
                },
                "responses": {
                    "201": {"description": "Started", **json(ref("WorkflowRun"))},
                    **errors(403, 404, 422),
                },
            },
        },
        "/api/v1/workflows/{workflow_id}/runs/{run_id}": {
            "get": {
                "operationId": "get_workflow_run",
                "parameters": [workflow_id, run_id],
                "responses": {
                    "200": {"description": "The run", **json(ref("WorkflowRun"))},
                    **errors(403, 404),
                },
            },
        },
        "/api/v1/workflows/{workflow_id}/secret": {
            "get": {
                "operationId": "get_workflow_secret",
                "summary": "The secret the workflow's webhooks are signed with",
                "parameters": [workflow_id],
                "responses": {
                    "200": {"description": "The secret", **json(SECRET)},
                    **errors(403, 404),
                },
            },
            "post": {
                "operationId": "rotate_workflow_secret",
                "summary": "A new signing secret (the old one stops at once)",
                "parameters": [workflow_id],
                "responses": {
                    "200": {"description": "The new secret", **json(SECRET)},
                    **errors(403, 404),
                },
            },
        },
    }
    return paths, {"Workflow": WORKFLOW, "WorkflowInput": WORKFLOW_INPUT, "WorkflowRun": RUN}
