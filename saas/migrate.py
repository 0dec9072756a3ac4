"""Running the Alembic migrations shipped inside the package, as the owner role."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import current_app, has_app_context
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url

from tenants.rls import grant_app_role


@dataclass(frozen=True)
class UpgradeResult:
    """The schema's revisions before and after an upgrade, to say what it did."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    database: str

    @property
    def created(self) -> bool:
        return not self.before and bool(self.after)

    @property
    def changed(self) -> bool:
        return set(self.before) != set(self.after)

    def describe(self) -> str:
        revision = ", ".join(sorted(self.after)) or "none"
        if self.created:
            return f"Created the database schema in {self.database} (revision {revision})."
        if self.changed:
            return f"Upgraded the database schema in {self.database} to revision {revision}."
        return f"Database is up to date ({self.database}, revision {revision})."


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "saas:migrations")
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.set_main_option("path_separator", "os")
    locations = version_locations(_manager())
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    return config


def _manager():
    if has_app_context() and "trellis_plugins" in current_app.extensions:
        return current_app.extensions["trellis_plugins"]
    from saas.plugins.manager import build_manager

    return build_manager(with_plugins=True)


CORE_VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


def plugin_version_locations(pm) -> dict[str, Path]:
    """Each installed plugin's Alembic branch: ``<its package>/migrations/versions``, when
    the plugin has one (its branch label is the plugin's name)."""
    from saas.plugins.manager import plugin_states

    found = {}
    for name, state in plugin_states(pm).items():
        if state.reason or state.module is None:
            continue
        package = state.module.__package__ or state.module.__name__
        spec = importlib.util.find_spec(package)
        roots = list(spec.submodule_search_locations or []) if spec else []
        if not roots and getattr(state.module, "__file__", None):
            roots = [str(Path(state.module.__file__).parent)]
        for root in roots:
            versions = Path(root) / "migrations" / "versions"
            if versions.is_dir():
                found[name] = versions
                break
    return found


def version_locations(pm) -> list[Path]:
    """Where the migrations are: the core's, then every installed plugin's branch."""
    return [CORE_VERSIONS, *plugin_version_locations(pm).values()]


def wire_plugin_branches(script, pm) -> None:
    """Give an Alembic ``ScriptDirectory`` made from alembic.ini (the ``alembic`` command,
    which knows only the core's versions) the installed plugins' branches too, so that
    ``alembic check`` and ``alembic upgrade heads`` see what ``trellis db upgrade`` sees."""
    from alembic.script import revision

    wanted = [str(p) for p in version_locations(pm)]
    current = {str(Path(p).resolve()) for p in script.version_locations or [CORE_VERSIONS]}
    if all(str(Path(p).resolve()) in current for p in wanted):
        return
    script.version_locations = wanted
    script.__dict__.pop("_version_locations", None)
    script.revision_map = revision.RevisionMap(script._load_revisions)


def current_revisions(url) -> tuple[str, ...]:
    """The revisions the database at ``url`` is at; empty for a database without a schema."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    finally:
        engine.dispose()


def upgrade_database(revision: str = "heads") -> UpgradeResult:
    """Migrate to ``revision``, then let the application's role use the tables (PostgreSQL)."""
    owner_url = make_url(current_app.config["DATABASE_OWNER_URL"])
    before = current_revisions(owner_url)
    command.upgrade(alembic_config(), revision)
    app_url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if owner_url.get_backend_name() == "postgresql" and app_url.username != owner_url.username:
        engine = create_engine(owner_url)
        with engine.begin() as connection:
            grant_app_role(connection, app_url.username)
        engine.dispose()
    return UpgradeResult(
        before=before,
        after=current_revisions(owner_url),
        database=app_url.render_as_string(hide_password=True),
    )
