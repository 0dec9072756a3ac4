"""The application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Response, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from saas.config import check_config, load_config
from saas.db import db
from saas.errors import UserError
from saas.extensions import csrf, login_manager
from saas.i18n import N_, _
from saas.plugins.manager import build_manager, import_models, owned_blueprints

log = logging.getLogger(__name__)


def create_app(config: dict | None = None, *, check: bool = True) -> Flask:
    """Build the app; ``config`` overrides the environment (tests pass theirs).

    A production configuration that is unsafe to serve raises ``ConfigurationError``
    (``check=False`` is for ``trellis doctor``, which reports it instead).
    """
    app = Flask("saas", instance_relative_config=False)
    app.config.update(load_config())
    if config:
        app.config.update(config)
    if check:
        check_config(app.config)
    if app.config.get("TRELLIS_PROXY_COUNT"):
        count = int(app.config["TRELLIS_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    # core's hook modules first, always on; then the installed plugins that fit
    pm = build_manager(with_plugins=True)
    app.extensions["trellis_plugins"] = pm
    import_models(pm)
    db.init_app(app)

    from tenants import resolver

    resolver.init_app(app)  # first: everything after it runs inside the tenant scope
    from saas import i18n

    i18n.init_app(app)  # the request's language and time zone (docs/i18n.md)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.N_("Please sign in to continue.")
    login_manager.localize_callback = i18n._
    login_manager.login_message_category = "info"
    csrf.init_app(app)

    from saas import request_guards

    request_guards.init_app(app)  # NUL characters and unparsable JSON: a 400, before any view

    _register_blueprints(app, pm)
    _register_favicon(app)
    _register_boundary(app)

    from saas import billing

    billing.init_app(app)  # the read-only wall of a workspace whose billing lapsed

    from saas import ratelimit

    ratelimit.init_app(app)  # the API's per-plan limits and the sign-up throttle
    _register_error_pages(app)

    from saas.cli import register_commands

    register_commands(app, pm)
    return app


def _register_blueprints(app: Flask, pm) -> None:
    """Every blueprint the hooks contribute; the API ones nested in the one /api/v1 parent
    (token auth and CSRF exemption are declared there, once). A plugin's are named
    ``plugin_<name>`` and mounted under ``/p/<name>/`` (``/api/v1/p/<name>/`` for its API),
    and answer 404 to a tenant that has not enabled it."""
    from saas import api
    from saas.plugins.tenant import guard_plugin_blueprints

    owners: dict[str, str] = {}
    for owner, blueprint in owned_blueprints(pm, "register_blueprints"):
        if owner == "core":
            app.register_blueprint(blueprint)
        elif _plugin_blueprint_named(owner, blueprint):
            app.register_blueprint(blueprint, url_prefix=f"/p/{owner}")
            owners[blueprint.name] = owner
    children: list = []
    for owner, blueprint in owned_blueprints(pm, "register_api_blueprints"):
        if owner == "core":
            children.append(blueprint)
        elif _plugin_blueprint_named(owner, blueprint):
            children.append((blueprint, f"/p/{owner}"))
            owners[f"{api.API_BLUEPRINT}.{blueprint.name}"] = owner
    api.mount(app, children)
    guard_plugin_blueprints(app, owners)


def _plugin_blueprint_named(owner: str, blueprint) -> bool:
    """A plugin's blueprint must be named ``plugin_<name>`` (left out, with a log line,
    otherwise: its endpoints would not say whose they are)."""
    if blueprint.name == f"plugin_{owner}":
        return True
    log.warning(
        "Plugin %s: blueprint %r left out: a plugin's blueprint is named plugin_%s",
        owner,
        blueprint.name,
        owner,
    )
    return False


def _register_favicon(app: Flask) -> None:
    """Browsers ask for /favicon.ico whatever the page links to: answer with the SVG icon."""

    icon = (Path(app.static_folder) / "favicon.svg").read_bytes()

    def favicon():
        response = Response(icon, mimetype="image/svg+xml")
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        return response

    app.add_url_rule("/favicon.ico", "favicon", favicon)


def _register_boundary(app: Flask) -> None:
    """One commit per request, at the boundary: services only flush."""

    @app.after_request
    def _commit_or_roll_back(response):
        if response.status_code < 400:
            db.session.commit()
            if g.pop("trellis_jobs_pending", False):
                from saas.jobs import dispatch_outbox

                dispatch_outbox()
        else:
            db.session.rollback()
        return response

    from saas import security_headers

    security_headers.init_app(app)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        message = _("This form has expired. Reload the page and try again.")
        if _wants_json():
            return jsonify(error="csrf_failed", message=message), 400
        return render_template(
            "errors/error.html",
            code=400,
            title=_("Form expired"),
            message=message,
            expired_form=True,
        ), 400

    @app.errorhandler(UserError)
    def _user_error(error: UserError):
        if _wants_json():
            body = {"error": error.code, "message": error.message}
            if error.errors:
                body["fields"] = error.errors
            return jsonify(body), error.status
        return render_template(
            "errors/error.html", code=error.status, title=_("Sorry"), message=error.message
        ), error.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        # The exception's own headers (Allow on a 405, Retry-After on a 429) stay.
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        if _wants_json():
            body = jsonify(error=exc.name.lower().replace(" ", "_"), message=_api_message(exc))
            return body, exc.code, headers
        if exc.code == 404 and exc.description == "unknown_workspace":
            return render_template("errors/unknown_workspace.html"), 404
        return (
            render_template(
                "errors/error.html", code=exc.code, title=exc.name, message=_friendly(exc)
            ),
            exc.code,
            headers,
        )


def _friendly(exc: HTTPException) -> str:
    messages = {
        403: _("You do not have access to this page. Ask an admin of your workspace."),
        404: _("We could not find that page."),
        405: _("That action is not available here."),
        413: _("That upload is too large."),
        429: _("Too many attempts. Wait a little and try again."),
    }
    if exc.code in messages and (exc.description or "").startswith(("The ", "You ")):
        return messages[exc.code]
    return _translated(exc.description) or messages.get(exc.code, _("Something went wrong."))


def _translated(text: str | None) -> str | None:
    """An exception's message in the reader's language when the catalogue has it: Werkzeug's
    own descriptions (``abort(404)``) and messages passed as constants to ``abort``."""
    return _(text) if text else text


# Werkzeug's own descriptions, marked here so that the catalogue carries them.
_WERKZEUG_DESCRIPTIONS = (
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_(
        "The server could not verify that you are authorized to access the URL requested. You"
        " either supplied the wrong credentials (e.g. a bad password), or your browser doesn't"
        " understand how to supply the credentials required."
    ),
    N_(
        "You don't have the permission to access the requested resource. It is either"
        " read-protected or not readable by the server."
    ),
    N_(
        "The requested URL was not found on the server. If you entered the URL manually please"
        " check your spelling and try again."
    ),
    N_("The method is not allowed for the requested URL."),
    N_(
        "A conflict happened while processing the request. The resource might have been"
        " modified while the request was being processed."
    ),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("The server does not support the media type transmitted in the request."),
    N_("The request was well-formed but was unable to be followed due to semantic errors."),
    N_("This user has exceeded an allotted request count. Try again later."),
    N_(
        "The server encountered an internal error and was unable to complete your request."
        " Either the server is overloaded or there is an error in the application."
    ),
    N_(
        "The server is temporarily unable to service your request due to maintenance downtime"
        " or capacity problems. Please try again later."
    ),
    N_("The precondition on the request for the URL failed positive evaluation."),
    N_("This workspace is suspended. Its admin can contact support."),
)


def _api_message(exc: HTTPException) -> str:
    """The JSON ``message`` of an HTTP error (its ``error`` code stays English)."""
    return _translated(exc.description) or _("Something went wrong.")
