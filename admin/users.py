"""The tenant admin's users page: invite, change roles, deactivate and reactivate, and reset
a user's two-factor sign-in."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from saas.auth import services as accounts
from saas.auth import two_factor
from saas.auth.roles import ROLE_LABELS
from saas.billing import services as billing
from saas.db import db
from saas.errors import UserError
from saas.forms import ConfirmForm, InviteForm, RoleForm
from saas.i18n import N_, _
from saas.web import admin_required, report_user_error
from tenants.resolver import tenant_link

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


def _accept_url(token: str) -> str:
    return tenant_link("auth.accept_invitation", token=token)


def _page(invite_form: InviteForm, status: int = 200, seat_quote=None):
    return render_template(
        "admin/users.html",
        seats=billing.current_summary(),
        seat_quote=seat_quote,
        users=accounts.list_users(),
        two_factor_ids=two_factor.enabled_user_ids(),
        two_factor_required=two_factor.requirement(),
        invite_form=invite_form,
        confirm=ConfirmForm(),
        role_form=RoleForm(),
    ), status


@bp.route("/")
@admin_required
def index():
    return _page(InviteForm(formdata=None))


@bp.route("/invite", methods=["POST"])
@admin_required
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = accounts.invite_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                invited_by=current_user,
                tenant=g.tenant,
                accept_url_for=_accept_url,
                extra_seat_accepted=request.form.get("add_seat") == "yes",
            )
        except billing.ExtraSeatNeedsConfirmation as error:
            db.session.rollback()
            return _page(form, error.status, seat_quote=error.quote)
        except UserError as error:
            db.session.rollback()
            report_user_error(form, error)
        else:
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("admin_users.index"), 303)
    return _page(form, 422)


def _change(user_id: str, action, done: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = accounts.get_user(user_id)
    try:
        action(user)
    except UserError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin_users.index"), 303)
    flash(_(done, name=user.name), "success")
    return redirect(url_for("admin_users.index"), 303)


@bp.route("/<user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate(user_id: str):
    return _change(
        user_id,
        lambda user: accounts.deactivate_user(user=user, by=current_user),
        N_("%(name)s is deactivated and can no longer sign in."),
    )


@bp.route("/<user_id>/reactivate", methods=["POST"])
@admin_required
def reactivate(user_id: str):
    return _change(
        user_id, lambda user: accounts.reactivate_user(user=user), N_("%(name)s is active again.")
    )


@bp.route("/<user_id>/resend", methods=["POST"])
@admin_required
def resend(user_id: str):
    return _change(
        user_id,
        lambda user: accounts.resend_invitation(
            user=user, invited_by=current_user, tenant=g.tenant, accept_url_for=_accept_url
        ),
        N_("Invitation sent again to %(name)s."),
    )


@bp.route("/<user_id>/two-factor/reset", methods=["POST"])
@admin_required
def reset_two_factor(user_id: str):
    return _change(
        user_id,
        lambda user: two_factor.reset_for_user(user, by=current_user),
        N_(
            "%(name)s's two-factor sign-in is reset: they sign in with their password alone, "
            "and set it up again if the workspace requires it."
        ),
    )


@bp.route("/<user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: str):
    user = accounts.get_user(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "error")
        return redirect(url_for("admin_users.index"), 303)
    try:
        accounts.change_role(user=user, role=form.role.data, by=current_user)
    except UserError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "%(name)s is now %(role)s.",
                name=user.name,
                role=str(ROLE_LABELS[form.role.data]).lower(),
            ),
            "success",
        )
    return redirect(url_for("admin_users.index"), 303)
