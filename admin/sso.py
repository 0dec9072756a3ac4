"""The tenant admin's single sign-on settings: OpenID Connect providers for "Sign in with ..."."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from saas.auth import sso_services as sso
from saas.auth.models import SsoProvider
from saas.auth.sso import redirect_uri
from saas.db import db
from saas.errors import NotFound, UserError
from saas.forms import ConfirmForm, SsoProviderForm
from saas.i18n import _
from saas.ids import new_id, parse_id
from saas.web import admin_required, report_user_error

bp = Blueprint("admin_sso", __name__, url_prefix="/admin/sso")


def _provider_or_404(provider_id: str) -> SsoProvider:
    try:
        return sso.get_provider(provider_id=provider_id)
    except NotFound:
        abort(404)


def _page(form: SsoProviderForm, *, editing: SsoProvider | None = None, status: int = 200):
    new_redirect_uri = None
    if editing is None:
        if parse_id(form.provider_id.data) is None:
            form.provider_id.data = str(new_id())
        new_redirect_uri = redirect_uri(form.provider_id.data)
    return render_template(
        "admin/sso.html",
        providers=sso.list_providers(),
        form=form,
        editing=editing,
        redirect_uri=redirect_uri,
        new_redirect_uri=new_redirect_uri,
        confirm=ConfirmForm(),
    ), status


def _values(form: SsoProviderForm) -> dict:
    return {
        "name": form.name.data,
        "issuer": form.issuer.data,
        "client_id": form.client_id.data,
        "client_secret": form.client_secret.data or None,
        "allow_signup": form.allow_signup.data,
        "default_role": form.default_role.data,
        "enabled": form.enabled.data,
    }


@bp.route("/")
@admin_required
def index():
    return _page(SsoProviderForm(formdata=None))


@bp.route("/", methods=["POST"])
@admin_required
def create():
    form = SsoProviderForm()
    valid = form.validate_on_submit()
    if not form.client_secret.data:  # optional when editing (blank keeps), not when adding
        form.client_secret.errors = [*form.client_secret.errors, "Enter the client secret."]
        valid = False
    if valid:
        try:
            provider = sso.create_provider(provider_id=form.provider_id.data, **_values(form))
        except UserError as error:
            db.session.rollback()
            report_user_error(form, error)
        else:
            flash(_("“%(name)s” is saved.", name=provider.name), "success")
            return redirect(url_for("admin_sso.index"), 303)
    return _page(form, status=422)


@bp.route("/<provider_id>", methods=["GET", "POST"])
@admin_required
def edit(provider_id: str):
    provider = _provider_or_404(provider_id)
    form = SsoProviderForm(obj=provider)
    if form.validate_on_submit():
        try:
            sso.update_provider(provider=provider, **_values(form))
        except UserError as error:
            db.session.rollback()
            report_user_error(form, error)
        else:
            flash(_("“%(name)s” is saved.", name=provider.name), "success")
            return redirect(url_for("admin_sso.index"), 303)
        return _page(form, editing=provider, status=422)
    if form.is_submitted():
        return _page(form, editing=provider, status=422)
    return _page(form, editing=provider)


@bp.route("/<provider_id>/delete", methods=["POST"])
@admin_required
def delete(provider_id: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    provider = _provider_or_404(provider_id)
    name = provider.name
    sso.delete_provider(provider=provider)
    flash(
        _("“%(name)s” is removed. People who used it sign in with a password now.", name=name),
        "success",
    )
    return redirect(url_for("admin_sso.index"), 303)
