"""JSON endpoints for the SLA targets and the business hours (admins change them, everyone
reads them) and the SLA overview of open tickets. Tickets themselves use the generic record
API."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.tickets import hours, services
from saas.auth.roles import ADMIN
from saas.errors import Forbidden, UserError, ValidationFailed

bp = Blueprint("tickets", __name__)


@bp.route("/sla_targets", methods=["GET"])
def list_sla_targets():
    return jsonify(data=services.sla_targets())


@bp.route("/sla_targets/<priority>", methods=["PUT", "PATCH"])
def set_sla_target(priority: str):
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can change SLA targets.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object with Content-Type: application/json.")
    return jsonify(services.set_sla_target(priority, values=body))


@bp.route("/tickets/sla", methods=["GET"])
def sla_overview():
    raw = request.args.get("at_risk_minutes", str(services.DEFAULT_AT_RISK_MINUTES))
    try:
        minutes = int(raw)
    except ValueError:
        raise ValidationFailed("Give a whole number of minutes.", field="at_risk_minutes") from None
    return jsonify(services.sla_overview(actor=g.api_user, at_risk_minutes=minutes))


@bp.route("/settings/business-hours", methods=["GET"])
def get_business_hours():
    return jsonify(hours.business_hours())


@bp.route("/settings/business-hours", methods=["PUT", "PATCH"])
def put_business_hours():
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can change the business hours.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise UserError("Send a JSON object with Content-Type: application/json.")
    return jsonify(hours.set_business_hours(body))
