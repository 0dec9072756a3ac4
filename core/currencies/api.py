"""``/api/v1/currencies`` and ``/api/v1/exchange-rates``: anyone with a token reads the
workspace's currencies and rates; admins enable and disable currencies, choose the
corporate currency, and record, import and delete rates."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.currencies import services
from saas.auth.roles import ADMIN
from saas.errors import Forbidden, ValidationFailed
from saas.i18n import _

bp = Blueprint("currencies_api", __name__)


def _require_admin() -> None:
    if g.api_user.role != ADMIN:
        raise Forbidden(_("Only admins can change currencies and exchange rates."))


def _body(allowed: set[str]) -> dict:
    body = request.get_json(silent=True) if request.data else None
    if not isinstance(body, dict):
        raise ValidationFailed(_("Send a JSON object with Content-Type: application/json."))
    unknown = set(body) - allowed
    if unknown:
        raise ValidationFailed(
            _("Unknown properties: %(names)s.", names=", ".join(sorted(map(str, unknown))))
        )
    return body


def _currencies() -> dict:
    return {
        "corporate": services.corporate_currency(),
        "data": [info.to_api() for info in services.enabled_currencies()],
    }


@bp.get("/currencies")
def list_currencies():
    return jsonify(_currencies())


@bp.post("/currencies")
def enable_currency():
    _require_admin()
    body = _body({"code"})
    info = services.enable_currency(body.get("code"))
    return jsonify(info.to_api()), 201


@bp.put("/currencies/corporate")
def set_corporate():
    _require_admin()
    body = _body({"code"})
    services.set_corporate_currency(body.get("code"))
    return jsonify(_currencies())


@bp.delete("/currencies/<code>")
def disable_currency(code: str):
    _require_admin()
    services.disable_currency(code)
    return "", 204


@bp.get("/exchange-rates")
def list_rates():
    currency = request.args.get("currency")
    return jsonify(data=[services.rate_to_api(r) for r in services.list_rates(currency)])


@bp.post("/exchange-rates")
def create_rate():
    _require_admin()
    body = _body({"currency", "valid_from", "rate"})
    row = services.set_rate(
        currency=body.get("currency"), valid_from=body.get("valid_from"), rate=body.get("rate")
    )
    return jsonify(services.rate_to_api(row)), 201


@bp.post("/exchange-rates/import")
def import_rates():
    _require_admin()
    if request.mimetype not in ("text/csv", "text/plain"):
        raise ValidationFailed(_("Send the CSV file itself with Content-Type: text/csv."))
    try:
        text = request.get_data(as_text=False).decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed(_("The file must be UTF-8 text.")) from None
    return jsonify(imported=services.import_rates_csv(text))


@bp.delete("/exchange-rates/<rate_id>")
def delete_rate(rate_id: str):
    _require_admin()
    services.delete_rate(rate_id)
    return "", 204
