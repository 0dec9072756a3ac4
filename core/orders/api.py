"""JSON endpoints beyond the generic record API: converting an accepted quote into an
order, and the workspace's credit check setting (admins change it, everyone reads it).
Quotes and orders themselves, with their lines, use /api/v1/objects/{quotes,orders}."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request, url_for

from core.objects.records import record_warnings, to_api
from core.objects.registry import object_for_tenant
from core.orders import jobs, services  # noqa: F401  (jobs: declares the expiry job)
from saas.auth.roles import ADMIN
from saas.errors import Forbidden, ValidationFailed

bp = Blueprint("orders", __name__)


@bp.route("/objects/quotes/<quote_id>/convert", methods=["POST"])
def convert_quote(quote_id: str):
    order = services.convert_quote_to_order(quote_id, actor=g.api_user)
    payload = to_api(object_for_tenant("orders"), order, role=g.api_user.role)
    warnings = record_warnings()
    if warnings:
        payload["warnings"] = warnings
    response = jsonify(payload)
    response.status_code = 201
    response.headers["ETag"] = f'W/"{order.version}"'
    response.headers["Location"] = url_for(
        "api.objects.get_object", object_name="orders", record_id=order.id
    )
    return response


@bp.route("/settings/credit-check", methods=["GET"])
def get_credit_check():
    return jsonify(mode=services.credit_check_mode(), modes=list(services.CREDIT_CHECK_MODES))


@bp.route("/settings/credit-check", methods=["PUT"])
def put_credit_check():
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can change the credit check.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"mode"}:
        raise ValidationFailed('Send {"mode": "off" | "warn" | "block"}.')
    mode = services.set_credit_check_mode(body["mode"])
    return jsonify(mode=mode, modes=list(services.CREDIT_CHECK_MODES))
