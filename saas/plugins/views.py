"""The plugin catalogue over the API: ``GET /api/v1/plugins``,
``POST /api/v1/plugins/<name>/enable`` and ``.../disable`` (admins only)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from saas.auth.roles import ADMIN
from saas.errors import Forbidden, ValidationFailed
from saas.i18n import _
from saas.plugins import services

api_bp = Blueprint("plugins", __name__)


def _require_admin() -> None:
    if g.api_user.role != ADMIN:
        raise Forbidden(_("Only an admin of the workspace can enable or disable plugins."))


def _entry(name: str) -> dict:
    return next(e.as_json() for e in services.catalogue() if e.meta.name == name)


@api_bp.get("/plugins")
def list_plugins():
    """Every installed plugin with whether the workspace enabled it (admins only)."""
    _require_admin()
    return jsonify(data=[entry.as_json() for entry in services.catalogue()])


@api_bp.post("/plugins/<name>/enable")
def enable(name: str):
    """Enable a plugin for the workspace; ``{"sample_data": true}`` loads its sample data."""
    _require_admin()
    body = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(body, dict):
        raise ValidationFailed(_('Send a JSON object, such as {"sample_data": true}.'))
    sample_data = body.get("sample_data", False)
    if not isinstance(sample_data, bool):
        raise ValidationFailed(_("sample_data must be true or false."), field="sample_data")
    services.enable_plugin(name, actor=g.api_user, sample_data=sample_data)
    return jsonify(_entry(name))


@api_bp.post("/plugins/<name>/disable")
def disable(name: str):
    """Disable a plugin for the workspace; its data stays."""
    _require_admin()
    services.disable_plugin(name, actor=g.api_user)
    return jsonify(_entry(name))


PLUGIN = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "version": {"type": "string"},
        "adds": {"type": "array", "items": {"type": "string"}},
        "industry": {"type": "boolean"},
        "enabled": {"type": "boolean"},
        "in_plan": {
            "type": "boolean",
            "description": "Whether the workspace's plan lets it be enabled.",
        },
    },
    "required": ["name", "title", "description", "version", "adds", "industry", "enabled"]
    + ["in_plan"],
}


def plugin_paths(json, ref, errors) -> tuple[dict, dict]:
    name = {
        "name": "name",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "The plugin's name (its META name).",
    }
    admins = "Admins only: other roles get 403."

    def change(verb: str, summary: str, description: str) -> dict:
        operation = {
            "operationId": f"{verb}_plugin",
            "summary": summary,
            "description": f"{description} {admins} An unknown plugin answers 404; one the "
            "plan does not include 402 (not_in_plan), with a message saying which plans do.",
            "tags": ["Plugins"],
            "parameters": [name],
            "responses": {
                "200": {
                    "description": "The plugin as the workspace now has it",
                    **json(ref("Plugin")),
                },
                **errors(401, 403, 404),
            },
        }
        if verb == "enable":
            operation["requestBody"] = {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"sample_data": {"type": "boolean"}},
                        }
                    }
                },
            }
            operation["responses"] |= errors(422)
        return operation

    paths = {
        "/api/v1/plugins": {
            "get": {
                "operationId": "list_plugins",
                "summary": "The installed plugins and which the workspace enabled",
                "description": admins,
                "tags": ["Plugins"],
                "responses": {
                    "200": {
                        "description": "Every installed plugin",
                        **json(
                            {
                                "type": "object",
                                "properties": {"data": {"type": "array", "items": ref("Plugin")}},
                                "required": ["data"],
                            }
                        ),
                    },
                    **errors(401, 403),
                },
            }
        },
        "/api/v1/plugins/{name}/enable": {
            "post": change(
                "enable",
                "Enable a plugin for the workspace",
                "Installs its objects, fields, pipelines and settings for this workspace only "
                "(sample_data: also its sample records, once); enabling an enabled plugin "
                "changes nothing.",
            )
        },
        "/api/v1/plugins/{name}/disable": {
            "post": change(
                "disable",
                "Disable a plugin for the workspace",
                "Hides its objects, fields, pages and menu items and stops its hooks for this "
                "workspace; its data stays and comes back when it is enabled again.",
            )
        },
    }
    return paths, {"Plugin": PLUGIN}
