"""Plans, per-seat billing and subscriptions (see ``services`` for the state machine).

``init_app`` adds the read-only wall: in a workspace whose billing made it read-only,
every request that could change something is refused with a 402 and a clear message,
except what is needed to sign in and to put the billing in order. Reading and exporting
keep working; nothing is deleted.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Blueprints that stay writable in a read-only workspace: signing in and out, billing
# itself, and API tokens (for exports, and revoking one stays possible).
WRITABLE_BLUEPRINTS = frozenset(
    {"auth", "sso", "billing", "api.billing", "admin_billing", "tokens", "admin_tokens"}
)
# Lowering the number of seats is how a workspace gets back under the Free plan's limit.
WRITABLE_ENDPOINTS = frozenset({"admin_users.deactivate", "admin_users.change_role"})


def _refuse_writes_when_read_only() -> None:
    tenant = g.get("tenant")
    if tenant is None or request.method in SAFE_METHODS:
        return
    if request.blueprint in WRITABLE_BLUEPRINTS or request.endpoint in WRITABLE_ENDPOINTS:
        return
    if request.endpoint is None:
        return  # a 404 or 405 follows
    from saas.billing.services import require_writable

    require_writable(tenant.id)


def billing_notice() -> dict | None:
    """What the page banner says about billing, for the signed-in user (or None)."""
    tenant = g.get("tenant")
    if tenant is None or not current_user.is_authenticated:
        return None
    from saas.billing import services
    from saas.billing.models import PAST_DUE, READ_ONLY

    summary = services.summarize(services.get_account(tenant.id))
    if summary.status == READ_ONLY:
        return {"level": "error", "text": services.read_only_message(summary)}
    if summary.status == PAST_DUE and current_user.is_admin:
        ends = summary.grace_ends_at.strftime("%d %B %Y") if summary.grace_ends_at else "soon"
        return {
            "level": "warning",
            "text": (
                "A payment failed. Update the payment method or pay the open invoice by "
                f"{ends} to keep editing."
            ),
        }
    return None


def init_app(app: Flask) -> None:
    from saas.billing import jobs  # noqa: F401  (declares the billing jobs)

    app.before_request(_refuse_writes_when_read_only)
    app.jinja_env.globals["billing_notice"] = billing_notice
    from saas.billing.features import notice

    app.jinja_env.globals["plan_notice"] = notice  # {{ plan_notice("sso") }}
