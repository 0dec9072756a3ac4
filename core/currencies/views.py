"""Setup → Currencies: the admin chooses the corporate currency, enables the currencies
amounts may be in, and records exchange rates by hand or from a CSV file."""

from __future__ import annotations

from babel.numbers import list_currencies
from flask import Blueprint, flash, redirect, render_template, request, url_for

from core.currencies import services
from saas.db import db
from saas.errors import UserError, ValidationFailed
from saas.i18n import _, ngettext
from saas.web import admin_required

bp = Blueprint("currencies", __name__, url_prefix="/admin/currencies", template_folder="templates")


def _page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    enabled = services.enabled_currencies()
    return render_template(
        "currencies/index.html",
        corporate=services.corporate_currency(),
        currencies=enabled,
        rate_currencies=[c for c in enabled if not c.corporate],
        rates=services.list_rates(),
        all_codes=sorted(list_currencies()),
        errors=errors or {},
        values=values or {},
        format_rate=services.format_rate,
    ), status


def _run(action, success: str, form: str):
    """Run ``action``; on a user's error roll back and show the page with its messages."""
    try:
        result = action()
    except UserError as error:
        db.session.rollback()
        errors = {f"{form}.{name}": messages for name, messages in error.errors.items()}
        errors[form] = [error.message]
        return _page(errors, {f"{form}.{k}": v for k, v in request.form.items()}, error.status)
    flash(success(result) if callable(success) else success, "success")
    return redirect(url_for("currencies.index"), 303)


@bp.get("/")
@admin_required
def index():
    return _page()


@bp.post("/corporate")
@admin_required
def set_corporate():
    code = request.form.get("code", "")
    return _run(
        lambda: services.set_corporate_currency(code),
        _("The corporate currency is %(code)s.", code=code.strip().upper()),
        "corporate",
    )


@bp.post("/enable")
@admin_required
def enable():
    code = request.form.get("code", "")
    return _run(
        lambda: services.enable_currency(code),
        _("%(code)s is enabled.", code=code.strip().upper()),
        "enable",
    )


@bp.post("/<code>/disable")
@admin_required
def disable(code: str):
    return _run(
        lambda: services.disable_currency(code),
        _("%(code)s is disabled.", code=code.upper()),
        "currencies",
    )


@bp.post("/rates")
@admin_required
def add_rate():
    form = request.form
    return _run(
        lambda: services.set_rate(
            currency=form.get("currency", ""),
            valid_from=form.get("valid_from", ""),
            rate=form.get("rate", ""),
        ),
        _("The exchange rate is saved."),
        "rate",
    )


@bp.post("/rates/<rate_id>/delete")
@admin_required
def delete_rate(rate_id: str):
    return _run(lambda: services.delete_rate(rate_id), _("The exchange rate is deleted."), "rates")


@bp.post("/rates/import")
@admin_required
def import_rates():
    def action() -> int:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise ValidationFailed(_("Choose a CSV file."), field="file")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed(_("The file must be UTF-8 text."), field="file") from None
        return services.import_rates_csv(text)

    return _run(
        action,
        lambda count: ngettext(
            "%(num)d exchange rate imported.", "%(num)d exchange rates imported.", count
        ),
        "import",
    )
