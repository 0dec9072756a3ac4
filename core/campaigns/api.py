"""JSON endpoint for a campaign's performance. Campaigns and their members use the generic
record API (``campaigns``, ``campaign_members``)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from core.campaigns.services import campaign_performance

bp = Blueprint("campaigns", __name__)


@bp.route("/campaigns/<campaign_id>/performance", methods=["GET"])
def performance(campaign_id: str):
    return jsonify(campaign_performance(campaign_id, actor=g.api_user))
