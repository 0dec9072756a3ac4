"""Billing endpoints outside the admin pages: Stripe's webhook and ``GET /api/v1/billing``."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request

from saas.auth.roles import ADMIN
from saas.billing import services
from saas.billing.webhooks import (
    DEFAULT_TOLERANCE_SECONDS,
    InvalidWebhook,
    handle_stripe_event,
    verify_stripe_event,
)
from saas.errors import Forbidden
from saas.extensions import csrf

bp = Blueprint("billing", __name__)
api_bp = Blueprint("billing", __name__)


@bp.route("/billing/stripe/webhook", methods=["POST"])
@csrf.exempt  # Stripe signs its events (verified below); it has no session to forge
def stripe_webhook():
    """Stripe's events. Only verifies here; ``handle_stripe_event`` does the work."""
    config = current_app.config
    secret = config.get("STRIPE_WEBHOOK_SECRET")
    if config.get("BILLING_BACKEND") != "stripe" or not secret:
        abort(404)
    try:
        event = verify_stripe_event(
            request.get_data(),
            request.headers.get("Stripe-Signature", ""),
            secret,
            tolerance=int(config.get("STRIPE_WEBHOOK_TOLERANCE", DEFAULT_TOLERANCE_SECONDS)),
        )
    except InvalidWebhook as exc:
        return jsonify(error="invalid_signature", message=str(exc)), 400
    outcome = handle_stripe_event(event)
    return jsonify(received=True, outcome=outcome)


@api_bp.route("/billing")
def billing_status():
    """The workspace's plan, status and seats (admins only)."""
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can see the billing.")
    return jsonify(services.current_summary().as_json())
