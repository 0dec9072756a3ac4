"""The user's two-factor sign-in page (set up, recovery codes, turn off), and the guard
that keeps a user whom the workspace requires to use it on that page until it is on."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from saas.auth import throttle, two_factor
from saas.db import db
from saas.errors import TooManyAttempts, UserError
from saas.forms import ConfirmForm, EnrolmentCodeForm, TwoFactorProofForm
from saas.i18n import _
from saas.sessions import SSO, signed_in_with
from saas.web import member_required, report_user_error

bp = Blueprint("two_factor", __name__, url_prefix="/settings/two-factor")

_NEW_CODES = "new_recovery_codes"
# What a user who must set up two-factor sign-in may still reach.
_OPEN_WHILE_ENROLLING = {"auth.logout", "static", "favicon", "i18n.switch_language"}


@bp.before_app_request
def _require_enrolment():
    """A signed-in user whom the workspace requires to use two-factor sign-in, and who has
    not set it up, is sent here from every page (sessions signed in with single sign-on
    excepted: the identity provider decides how those users sign in)."""
    endpoint = request.endpoint or ""
    if g.get("tenant") is None or endpoint in _OPEN_WHILE_ENROLLING:
        return None
    if endpoint.startswith(("two_factor.", "health.")):
        return None
    if not current_user.is_authenticated or signed_in_with() == SSO:
        return None
    if not two_factor.must_enrol(current_user):
        return None
    message = _("Your workspace requires two-factor sign-in: set it up to go on.")
    if request.path.startswith("/api/"):
        return jsonify(error="two_factor_required", message=message), 403
    return redirect(url_for("two_factor.index"))


def _page(*, code_form=None, proof_form=None, status: int = 200):
    user = current_user
    enabled = two_factor.is_enabled(user)
    return render_template(
        "settings/two_factor.html",
        enabled=enabled,
        enabled_since=two_factor.enabled_since(user) if enabled else None,
        codes_left=two_factor.recovery_codes_left(user) if enabled else 0,
        enrolment=None if enabled else two_factor.enrolment_under_way(user),
        required=two_factor.is_required_for(user),
        sso_session=signed_in_with() == SSO,
        code_form=code_form or EnrolmentCodeForm(formdata=None),
        proof_form=proof_form or TwoFactorProofForm(formdata=None),
        confirm=ConfirmForm(),
    ), status


@bp.route("/")
@member_required
def index():
    return _page()


@bp.route("/start", methods=["POST"])
@member_required
def start():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        two_factor.start_enrolment(current_user)
    except UserError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("two_factor.index"), 303)


@bp.route("/cancel", methods=["POST"])
@member_required
def cancel():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    two_factor.cancel_enrolment(current_user)
    return redirect(url_for("two_factor.index"), 303)


@bp.route("/confirm", methods=["POST"])
@member_required
def confirm():
    form = EnrolmentCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(current_user, form.code.data)
        except UserError as error:
            db.session.rollback()
            report_user_error(form, error)
        else:
            # Post/redirect/get; the codes ride in the (signed) session to one page only.
            session[_NEW_CODES] = codes
            flash(_("Two-factor sign-in is on."), "success")
            return redirect(url_for("two_factor.recovery_codes"), 303)
    return _page(code_form=form, status=422)


def _proven(form: TwoFactorProofForm) -> bool:
    """The password or a current code, checked under the sign-in throttle (a session left
    open must not become a way to guess the password)."""
    user = current_user
    ip = request.remote_addr or "unknown"
    throttle.check_login_allowed(tenant_id=user.tenant_id, email=user.email, ip=ip)
    if two_factor.check_proof(user, form.proof.data):
        return True
    throttle.record_login_failure(tenant_id=user.tenant_id, email=user.email, ip=ip)
    form.proof.errors = [
        *form.proof.errors,
        _("That is neither your password nor a current code."),
    ]
    return False


def _with_proof(action, done: str | None):
    form = TwoFactorProofForm()
    if not form.validate_on_submit():
        return _page(proof_form=form, status=422)
    try:
        if not _proven(form):
            db.session.commit()  # the failure counts although the answer is an error
            return _page(proof_form=form, status=403)
        result = action()
    except TooManyAttempts as error:
        flash(error.message, "error")
        return _page(proof_form=form, status=429)
    except UserError as error:
        db.session.rollback()
        report_user_error(form, error)
        return _page(proof_form=form, status=error.status)
    if done:
        flash(done, "success")
    return result


@bp.route("/disable", methods=["POST"])
@member_required
def disable():
    def action():
        two_factor.disable(current_user)
        return redirect(url_for("two_factor.index"), 303)

    return _with_proof(action, _("Two-factor sign-in is off."))


@bp.route("/recovery-codes", methods=["GET", "POST"])
@member_required
def recovery_codes():
    if request.method == "POST":

        def action():
            session[_NEW_CODES] = two_factor.regenerate_recovery_codes(current_user)
            return redirect(url_for("two_factor.recovery_codes"), 303)

        return _with_proof(action, _("New recovery codes are ready; the old ones no longer work."))
    codes = session.pop(_NEW_CODES, None)
    if not codes:
        return redirect(url_for("two_factor.index"), 303)
    return render_template("settings/recovery_codes.html", codes=codes)
