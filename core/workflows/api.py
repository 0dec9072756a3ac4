"""JSON endpoints of workflows, for admins: ``/api/v1/workflows`` (list, create),
``/api/v1/workflows/{id}`` (read, change, switch on or off with ``active``, delete),
``/api/v1/workflows/{id}/runs`` (the run log with each step; POST starts a manual
workflow on a record) and ``/api/v1/workflows/{id}/secret`` (a new signing secret).

A workflow is one JSON object: ``name``, ``description``, ``object``, ``active``,
``trigger`` (``{"type": ..., <its settings>}``), ``conditions`` and ``actions``."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.workflows import engine, services
from saas.errors import ValidationFailed
from saas.i18n import _

bp = Blueprint("workflows", __name__)

FIELDS = ("name", "description", "object", "active", "trigger", "conditions", "actions")


def _body() -> dict:
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise ValidationFailed(_("Send a JSON object with Content-Type: application/json."))
    unknown = set(body) - set(FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown properties: %(names)s.", names=", ".join(sorted(unknown)))
        )
    if "active" in body and not isinstance(body["active"], bool):
        raise ValidationFailed(_("Give true or false."), field="active")
    return body


def _trigger(body: dict) -> tuple[object, dict | None]:
    trigger = body.get("trigger")
    if trigger is None:
        return None, None
    if not isinstance(trigger, dict):
        raise ValidationFailed(_("Give the trigger as an object with its type."), field="trigger")
    settings = {key: value for key, value in trigger.items() if key != "type"}
    return trigger.get("type"), settings


@bp.get("/workflows")
def list_workflows():
    found = services.list_workflows(actor=g.api_user, object_name=request.args.get("object"))
    return jsonify(data=[services.workflow_to_api(workflow) for workflow in found])


@bp.post("/workflows")
def create_workflow():
    body = _body()
    trigger_type, settings = _trigger(body)
    workflow = services.create_workflow(
        name=body.get("name"),
        description=body.get("description"),
        object_name=body.get("object"),
        trigger_type=trigger_type,
        trigger=settings,
        conditions=body.get("conditions"),
        actions=body.get("actions"),
        active=body.get("active", False),
        actor=g.api_user,
    )
    return jsonify(services.workflow_to_api(workflow)), 201


@bp.get("/workflows/<workflow_id>")
def get_workflow(workflow_id: str):
    return jsonify(services.workflow_to_api(services.get_workflow(workflow_id, actor=g.api_user)))


@bp.patch("/workflows/<workflow_id>")
def update_workflow(workflow_id: str):
    body = _body()
    changes = {
        key: body[key]
        for key in ("name", "description", "active", "conditions", "actions")
        if key in body
    }
    if "object" in body:
        changes["object_name"] = body["object"]
    if "trigger" in body:
        changes["trigger_type"], changes["trigger"] = _trigger(body)
    workflow = services.update_workflow(workflow_id, changes=changes, actor=g.api_user)
    return jsonify(services.workflow_to_api(workflow))


@bp.delete("/workflows/<workflow_id>")
def delete_workflow(workflow_id: str):
    services.delete_workflow(workflow_id, actor=g.api_user)
    return "", 204


@bp.post("/workflows/<workflow_id>/secret")
def rotate_secret(workflow_id: str):
    workflow = services.rotate_secret(workflow_id, actor=g.api_user)
    return jsonify(signing_secret=workflow.signing_secret)


@bp.get("/workflows/<workflow_id>/secret")
def get_secret(workflow_id: str):
    workflow = services.get_workflow(workflow_id, actor=g.api_user)
    return jsonify(signing_secret=workflow.signing_secret)


@bp.get("/workflows/<workflow_id>/runs")
def list_runs(workflow_id: str):
    try:
        limit = int(request.args.get("limit", services.RUNS_PAGE))
    except ValueError:
        raise ValidationFailed(_("Ask for 1 to %(num)d runs.", num=200), field="limit") from None
    found = services.list_runs(
        workflow_id, actor=g.api_user, limit=limit, before=request.args.get("before")
    )
    return jsonify(
        data=[services.run_to_api(run, deliveries=services.deliveries_of(run)) for run in found]
    )


@bp.get("/workflows/<workflow_id>/runs/<run_id>")
def get_run(workflow_id: str, run_id: str):
    run = services.get_run(workflow_id, run_id, actor=g.api_user)
    return jsonify(services.run_to_api(run, deliveries=services.deliveries_of(run)))


@bp.post("/workflows/<workflow_id>/runs")
def start_run(workflow_id: str):
    workflow = services.get_workflow(workflow_id, actor=g.api_user)
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict) or not isinstance(body.get("record_id"), str):
        raise ValidationFailed(_("Name the record to run the workflow on."), field="record_id")
    run = engine.run_manually(workflow, record_id=body["record_id"], actor=g.api_user)
    return jsonify(services.run_to_api(run, deliveries=[])), 201
