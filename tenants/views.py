"""Sign-up on the base domain: a new company gets its workspace in one step."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request

from saas import ratelimit
from saas.auth import services as accounts
from saas.auth.actors import SYSTEM
from saas.auth.directory import email_digest
from saas.db import db
from saas.errors import TooManyAttempts, UserError
from saas.forms import FindWorkspaceForm, SignupForm
from saas.i18n import _, ngettext
from saas.plugins import services as plugins
from saas.web import platform_only, report_user_error
from tenants.find_workspace import send_workspace_reminders
from tenants.provisioning import create_tenant, slug_problem
from tenants.resolver import tenant_url
from tenants.scoping import tenant_scope

bp = Blueprint("signup", __name__)


@bp.route("/signup", methods=["GET", "POST"])
@platform_only
def signup():
    form = SignupForm()
    _offer_industries(form)
    if request.method == "POST" and (wait := ratelimit.signup_wait_seconds(_client_ip())):
        return _throttled(form, wait)
    if form.validate_on_submit():
        try:
            tenant, admin = create_tenant(
                slug=form.slug.data,
                name=form.company.data,
                admin_email=form.email.data,
                admin_name=form.name.data,
                admin_password=form.password.data,
            )
            with tenant_scope(tenant.id):
                if form.industry.data:
                    # The chosen industry's plugin, with its sample data: the workspace
                    # speaks the trade from its first page.
                    plugins.enable_plugin(form.industry.data, actor=SYSTEM, sample_data=True)
                token = accounts.issue_user_token(
                    admin,
                    purpose=accounts.HANDOFF,
                    ttl_seconds=current_app.config["HANDOFF_TTL_SECONDS"],
                )
        except UserError as error:
            db.session.rollback()
            report_user_error(form, error)
        else:
            ratelimit.record_signup(_client_ip())
            return redirect(tenant_url(tenant, f"/auth/handoff/{token}"), 303)
    status = 422 if form.errors else 200
    return render_template("signup/signup.html", form=form, base_domain=_display_domain()), status


@bp.route("/signup/check-slug")
@platform_only
def check_slug():
    """Live availability check used by the sign-up form as the user types."""
    slug = (request.args.get("slug") or "").strip().lower()
    problem = slug_problem(slug)
    return jsonify(slug=slug, available=problem is None, message=problem or _("Available"))


@bp.route("/signup/validate", methods=["POST"])
@platform_only
def validate():
    """What the form would say about each field now (the live validation as one types).

    Takes the whole form (with its CSRF token) and answers ``{"errors": {field: [...]}}``;
    nothing is created. The page shows a field's messages once the user has left it, and
    clears them as soon as the value is right."""
    form = SignupForm()
    form.validate()
    errors = {name: messages for name, messages in form.errors.items() if name != "csrf_token"}
    return jsonify(errors=errors)


@bp.route("/find", methods=["GET", "POST"])
@platform_only
def find_workspace():
    """Find my workspace: e-mail the workspaces of an address.

    The page says the same whatever the address (no enumeration): the list goes to the
    mailbox only. Throttled per client address and per e-mail address, counted either way."""
    form = FindWorkspaceForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("signup/find_workspace.html", form=form, sent_to=None), status
    email = form.email.data.strip().lower()
    email_key = email_digest(email)
    waiting = ratelimit.find_workspace_wait(_client_ip(), email_key)
    if waiting is not None:
        return _find_throttled(form, *waiting)
    ratelimit.record_find_workspace(_client_ip(), email_key)
    send_workspace_reminders(email)
    return render_template("signup/find_workspace.html", form=form, sent_to=email)


def _find_throttled(form: FindWorkspaceForm, limit: str, wait: int):
    minutes = max(1, -(-wait // 60))
    later = ngettext(
        "Try again in about %(num)d minute.", "Try again in about %(num)d minutes.", minutes
    )
    if limit == "email":
        message = _(
            "This address was already asked for several times in the last hour. If it "
            "belongs to a workspace, the e-mail is in its inbox (or its spam folder). "
            "%(later)s",
            later=later,
        )
    else:
        message = _("Too many requests from your network in the last hour. %(later)s", later=later)
    report_user_error(None, TooManyAttempts(message))
    page = render_template("signup/find_workspace.html", form=form, sent_to=None)
    return page, 429, {"Retry-After": str(wait)}


def choose_workspace():
    """The base host's /login: accounts live in each workspace, at <slug>.<domain>/login.

    ``?workspace=acme`` (or its full address) sends you to that workspace's sign-in page;
    an unknown one is a 404 with the form again and what was wrong."""
    from tenants.provisioning import get_tenant_by_slug

    raw = (request.args.get("workspace") or "").strip().lower()
    slug = raw.removeprefix("https://").removeprefix("http://").split("/")[0]
    slug = slug.split(".")[0] if "." in slug else slug
    error = None
    if "workspace" in request.args:
        tenant = get_tenant_by_slug(slug) if slug else None
        if tenant is not None and tenant.status != "deleted":
            return redirect(tenant_url(tenant, "/login"), 303)
        error = (
            _(
                "There is no workspace at %(address)s. Check the address in your invitation "
                "or ask a colleague.",
                address=slug + "." + _display_domain(),
            )
            if slug
            else _("Enter your workspace's address, such as yourcompany.")
        )
    page = render_template(
        "signup/choose_workspace.html", value=raw, error=error, base_domain=_display_domain()
    )
    return page, (404 if error and slug else 422 if error else 200)


def _offer_industries(form: SignupForm) -> None:
    """The industries sign-up offers: the installed plugins whose META marks one."""
    form.industry.choices = [("", _("None: a general CRM"))] + [
        (meta.name, meta.title) for meta in plugins.industries()
    ]


def _display_domain() -> str:
    from urllib.parse import urlsplit

    return urlsplit(current_app.config["TRELLIS_BASE_URL"]).netloc


def _client_ip() -> str:
    return request.remote_addr or "unknown"


def _throttled(form: SignupForm, wait: int):
    """The sign-up form again, with why nothing was created (HTTP 429, Retry-After)."""
    minutes = max(1, -(-wait // 60))
    limit = current_app.config["SIGNUPS_PER_IP_PER_HOUR"]
    report_user_error(
        None,
        TooManyAttempts(
            ngettext(
                "%(limit)d workspaces were already created from your network in the last "
                "hour, the most we allow. Nothing was created. Try again in about %(num)d "
                "minute; if you need more workspaces at once, contact us.",
                "%(limit)d workspaces were already created from your network in the last "
                "hour, the most we allow. Nothing was created. Try again in about %(num)d "
                "minutes; if you need more workspaces at once, contact us.",
                minutes,
                limit=limit,
            )
        ),
    )
    page = render_template("signup/signup.html", form=form, base_domain=_display_domain())
    return page, 429, {"Retry-After": str(wait)}
