"""The contract between the core and plugins: every hook, in one file.

Names: ``register_<things>`` collects (every implementation's result is used);
``<thing>_for_<context>`` resolves (``firstresult``: the first non-None answer wins);
``<noun>_<past tense>`` notifies. Hooks are always called with keyword arguments.
Core's own areas (``core/<area>/hooks.py``, ``admin/hooks.py``, ``saas/hooks.py``) are
registered before any plugin, so their contributions come first.

docs/plugins.md documents each hook with the signature below; tests/meta/test_plugin_docs.py
fails when one is missing or differs.
"""

from __future__ import annotations

from saas.plugins import hookspec

# ---------------------------------------------------------------------------------------
# App start-up: called once per process by ``saas.app.create_app``, outside any request
# and outside any database transaction.
# ---------------------------------------------------------------------------------------


@hookspec
def register_models():
    """Declare the modules that hold SQLAlchemy models.

    Arguments: none.
    Returns: an iterable of modules; importing them adds their tables to ``db.metadata``
    (the app, ``alembic check`` and the migrations all see the same metadata).
    Called: by ``create_app`` before the database is bound, and by the Alembic environment
    when it runs without an app; outside any request and transaction.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_blueprints():
    """Declare the Flask blueprints of the web pages (and any route outside /api/v1).

    Arguments: none.
    Returns: an iterable of ``flask.Blueprint``; each is registered on the app as it is
    (its own ``url_prefix``, CSRF-protected like every form). API blueprints go through
    ``register_api_blueprints`` instead.
    Called: by ``create_app``, once per app, after the extensions are set up; outside any
    request and transaction. Core's blueprints come first, in registration order.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_api_blueprints():
    """Declare the blueprints nested in the one ``/api/v1`` parent blueprint.

    Arguments: none.
    Returns: an iterable of ``flask.Blueprint`` with no ``url_prefix`` of their own (their
    rules are relative to ``/api/v1``). The parent authenticates every request with its
    bearer token (``g.api_user``, ``g.api_token``; a 401 otherwise), exempts it from CSRF
    and answers errors in JSON, so a nested blueprint declares none of that. Endpoints are
    named ``api.<blueprint>.<view>`` (``url_for("api.objects.get_object", ...)``).
    Called: by ``create_app``, once per app, when it builds the parent; outside any
    request and transaction.
    Every implementation's result is used (not ``firstresult``).
    """
