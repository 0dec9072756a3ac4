"""JSON endpoints for pipelines and their stages (admins change them, everyone reads them)
and the deal forecast. Deals themselves use the generic record API."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.currencies.services import corporate_currency
from core.deals import services
from core.deals.models import Pipeline, PipelineStage
from saas.auth.roles import ADMIN
from saas.errors import Forbidden, ValidationFailed

bp = Blueprint("deals", __name__)


def _require_admin() -> None:
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can change pipelines.")


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object with Content-Type: application/json.")
    return body


def _stage_json(stage: PipelineStage) -> dict:
    return {
        "id": str(stage.id),
        "pipeline_id": str(stage.pipeline_id),
        "name": stage.name,
        "probability": stage.probability,
        "kind": stage.kind,
        "position": stage.position,
    }


def _pipeline_json(pipeline: Pipeline, stages: list[PipelineStage]) -> dict:
    return {
        "id": str(pipeline.id),
        "name": pipeline.name,
        "is_default": pipeline.is_default,
        "position": pipeline.position,
        "stages": [_stage_json(stage) for stage in stages],
    }


@bp.route("/pipelines", methods=["GET"])
def list_pipelines():
    pipelines = services.list_pipelines()
    stages = services.stages_by_pipeline([p.id for p in pipelines])
    return jsonify(data=[_pipeline_json(p, stages[p.id]) for p in pipelines])


@bp.route("/pipelines", methods=["POST"])
def create_pipeline():
    _require_admin()
    body = _body()
    unknown = set(body) - {"name", "is_default", "position", "stages"}
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.")
    pipeline = services.create_pipeline(
        name=body.get("name"),
        is_default=body.get("is_default", False),
        position=body.get("position"),
        stages=body.get("stages"),
    )
    return jsonify(_pipeline_json(pipeline, services.list_stages(pipeline.id))), 201


@bp.route("/pipelines/<pipeline_id>", methods=["PATCH"])
def update_pipeline(pipeline_id: str):
    _require_admin()
    pipeline = services.get_pipeline(pipeline_id)
    pipeline = services.update_pipeline(pipeline.id, changes=_body())
    return jsonify(_pipeline_json(pipeline, services.list_stages(pipeline.id)))


@bp.route("/pipelines/<pipeline_id>/stages", methods=["POST"])
def add_stage(pipeline_id: str):
    _require_admin()
    pipeline = services.get_pipeline(pipeline_id)
    stage = services.add_stage(pipeline.id, values=_body())
    return jsonify(_stage_json(stage)), 201


@bp.route("/pipelines/<pipeline_id>/stages/<stage_id>", methods=["PATCH"])
def update_stage(pipeline_id: str, stage_id: str):
    _require_admin()
    stage = services.get_stage(pipeline_id, stage_id)
    stage = services.update_stage(stage.pipeline_id, stage.id, changes=_body())
    return jsonify(_stage_json(stage))


@bp.route("/deals/forecast", methods=["GET"])
def forecast():
    report = services.forecast_pipeline(
        pipeline_id=request.args.get("pipeline_id") or None, actor=g.api_user
    )
    return jsonify(report | {"currency": corporate_currency()})
