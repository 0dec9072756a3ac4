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
