"""JSON endpoint for lead conversion. Leads themselves use the generic record API."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.leads.services import DuplicatesFound, convert_lead
from saas.errors import ValidationFailed

bp = Blueprint("leads", __name__)

CONVERT_OPTIONS = ("create_deal", "deal_name", "company_id", "contact_id", "allow_duplicates")


@bp.route("/objects/leads/<record_id>/convert", methods=["POST"])
def convert(record_id: str):
    """Convert the lead; 409 with the possible duplicates when some exist."""
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object with Content-Type: application/json.")
    unknown = set(body) - set(CONVERT_OPTIONS)
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.")
    try:
        result = convert_lead(record_id, actor=g.api_user, **body)
    except DuplicatesFound as exc:
        return jsonify(
            error=exc.code, message=exc.message, fields=exc.errors, duplicates=exc.duplicates
        ), exc.status
    return jsonify(
        lead_id=str(result.lead_id),
        contact_id=str(result.contact_id),
        company_id=str(result.company_id) if result.company_id else None,
        deal_id=str(result.deal_id) if result.deal_id else None,
    )
