"""The platform operator console (base domain, ``/operator/``): every tenant with its plan,
seats, billing status and MRR.

It exists only when ``TRELLIS_OPERATOR_TOKEN`` is set; the operator signs in with that
token (kept in the signed session for the browser) or sends it as a Bearer token. Every
sign-in is written to the operator audit log.
"""

from __future__ import annotations

import functools
import hmac

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from saas.billing import operator as console
from saas.billing.plans import format_money
from saas.db import db
from saas.i18n import _, _l
from saas.web import platform_only
from tenants.resolver import bearer_token

bp = Blueprint("operator", __name__, url_prefix="/operator")


class OperatorSignInForm(FlaskForm):
    token = PasswordField(_l("Operator token"), [DataRequired(_l("Enter the operator token."))])


def _configured_token() -> str:
    token = current_app.config.get("TRELLIS_OPERATOR_TOKEN")
    if not token:
        abort(404)
    return token


def _matches(given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), _configured_token().encode())


def operator_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        _configured_token()
        if session.get("operator") is True or _matches(bearer_token()):
            return view(*args, **kwargs)
        return redirect(url_for("operator.sign_in"), 303)

    return platform_only(wrapper)


@bp.route("/sign-in", methods=["GET", "POST"])
@platform_only
def sign_in():
    _configured_token()
    form = OperatorSignInForm()
    if form.validate_on_submit():
        if _matches(form.token.data):
            session["operator"] = True
            console.record_operator_action("sign_in", ip=request.remote_addr or "")
            return redirect(url_for("operator.index"), 303)
        console.record_operator_action("sign_in_failed", ip=request.remote_addr or "")
        db.session.commit()
        form.token.errors = [*form.token.errors, _("That is not the operator token.")]
    return render_template("operator/sign_in.html", form=form), (422 if form.errors else 200)


@bp.route("/")
@operator_required
def index():
    rows = console.tenant_billing_rows()
    return render_template(
        "operator/index.html",
        rows=rows,
        total_mrr=sum(row.mrr for row in rows),
        money=format_money,
    )
