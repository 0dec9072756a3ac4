"""The tenant admin's billing page: plan, seats, invoices, payment method, and the buttons
that start, change, cancel and resume the subscription."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields import SelectChoice

from saas.billing import services as billing
from saas.billing.backends import BillingUnavailable
from saas.billing.plans import (
    INTERVAL_CHOICES,
    format_money,
    free_plan,
    paid_plans,
    plans_with_additions,
)
from saas.db import db
from saas.errors import UserError
from saas.forms import ConfirmForm
from saas.i18n import _, _l
from saas.web import admin_required
from tenants.resolver import tenant_link

bp = Blueprint("admin_billing", __name__, url_prefix="/admin/billing")


class PlanForm(FlaskForm):
    """Choose a paid plan and how often to pay; ``request_key`` makes a double submit of the
    same page one request to the provider."""

    plan = SelectField(_l("Plan"))
    interval = SelectField(
        _l("Billing period"),
        choices=[SelectChoice(key, label) for key, label in INTERVAL_CHOICES.items()],
    )
    request_key = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan.choices = [SelectChoice(plan.key, plan.name) for plan in paid_plans()]
        if not self.request_key.data:
            self.request_key.data = uuid.uuid4().hex


class KeyedForm(FlaskForm):
    request_key = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.request_key.data:
            self.request_key.data = uuid.uuid4().hex


def _request_key(form) -> str:
    key = (form.request_key.data or "").strip()
    return key[:64] if key else uuid.uuid4().hex


def _here(**values) -> str:
    return tenant_link("admin_billing.index", **values)


def _page(plan_form: PlanForm | None = None, status: int = 200):
    summary = billing.current_summary()
    upcoming = None
    try:
        upcoming = billing.upcoming_invoice()
    except BillingUnavailable:
        flash(_("The payment provider did not answer: the next invoice is not shown."), "warning")
    return render_template(
        "admin/billing.html",
        summary=summary,
        upcoming=upcoming,
        invoices=billing.list_invoices(),
        plans=plans_with_additions(),
        free_plan=free_plan(),
        plan_form=plan_form
        or PlanForm(formdata=None, plan=summary.plan.key, interval=summary.interval),
        keyed=KeyedForm(formdata=None),
        confirm=ConfirmForm(),
        money=format_money,
        read_only_message=billing.read_only_message(summary),
    ), status


def _refused(error: UserError):
    db.session.rollback()
    flash(error.message, "error")
    return _page(status=error.status)


@bp.route("/")
@admin_required
def index():
    return _page()


@bp.route("/checkout", methods=["POST"])
@admin_required
def checkout():
    form = PlanForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        url = billing.start_checkout(
            plan=form.plan.data,
            interval=form.interval.data,
            admin=current_user,
            success_url=_here() + "checkout/done?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_here(),
            request_key=_request_key(form),
        )
    except UserError as error:
        return _refused(error)
    return redirect(url, 303)


@bp.route("/checkout/done")
@admin_required
def checkout_done():
    session_ref = request.args.get("session_id", "")
    if session_ref and session_ref != "offline":
        try:
            summary = billing.complete_checkout(session_ref[:255])
        except UserError as error:
            return _refused(error)
        if summary is None:
            flash(
                _("The payment is still being confirmed; this page updates when it is done."),
                "info",
            )
            return redirect(url_for("admin_billing.index"), 303)
    flash(_("Thank you: your subscription is active."), "success")
    return redirect(url_for("admin_billing.index"), 303)


@bp.route("/plan", methods=["POST"])
@admin_required
def change_plan():
    form = PlanForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        summary = billing.change_plan(
            plan=form.plan.data, interval=form.interval.data, request_key=_request_key(form)
        )
    except UserError as error:
        return _refused(error)
    flash(
        _(
            "You are now on the %(plan)s plan, billed %(interval)s.",
            plan=summary.plan.name,
            interval=summary.interval_label,
        ),
        "success",
    )
    return redirect(url_for("admin_billing.index"), 303)


def _set_cancel(cancel: bool, done: str):
    form = KeyedForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        billing.set_cancel_at_period_end(cancel=cancel, request_key=_request_key(form))
    except UserError as error:
        return _refused(error)
    flash(done, "success")
    return redirect(url_for("admin_billing.index"), 303)


@bp.route("/cancel", methods=["POST"])
@admin_required
def cancel():
    return _set_cancel(
        True,
        _("The subscription ends at the end of this billing period. You can resume it until then."),
    )


@bp.route("/resume", methods=["POST"])
@admin_required
def resume():
    return _set_cancel(False, _("The subscription continues."))


@bp.route("/portal", methods=["POST"])
@admin_required
def portal():
    form = KeyedForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        url = billing.portal_url(return_url=_here(), request_key=_request_key(form))
    except UserError as error:
        return _refused(error)
    if url is None:
        flash(_("There is no payment method to manage yet: choose a plan first."), "info")
        return redirect(url_for("admin_billing.index"), 303)
    return redirect(url, 303)


@bp.route("/pay", methods=["POST"])
@admin_required
def pay():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        url = billing.pay_now(return_url=_here())
    except UserError as error:
        return _refused(error)
    if url is not None:
        return redirect(url, 303)
    flash(_("Thank you: the open invoices are paid and everyone can edit again."), "success")
    return redirect(url_for("admin_billing.index"), 303)
