"""The public plugin API: the whole surface a plugin may import from Trellis.

A plugin (a package under ``plugins/`` or installed from elsewhere) imports ``saas.plugins.api``
and nothing else of ``saas``, ``tenants``, ``core`` or ``admin``; an import-linter contract
(``.importlinter``, run by CI and ``tests/meta/test_layers.py``) fails when a module under
``plugins/`` does. The names below are stable: renaming or removing one is a versioned change
written in docs/plugins.md ("The public API").

Some of them live in ``core`` (the object engine) while this module is part of the platform
shell, which may not import ``core`` (decision 0025): those are resolved by their dotted path
the first time a plugin reads them (PEP 562 module ``__getattr__``) and then kept here, so
``from saas.plugins.api import create_record`` works as usual and importing this module
imports no ``core`` module.

What is here, by topic (see docs/plugins.md for each):

- plugin: ``hookimpl`` (the hook marker), ``PluginMeta``, ``IncompatiblePlugin``;
- objects: ``ObjectSpec``, ``FieldSpec``, ``LookupTarget``, ``RelatedPanel``,
  ``ChildCollection``, ``description_field``, ``owner_field``, ``object_for_tenant``,
  ``objects_for_tenant``;
- models: ``db``, ``TenantScoped`` (the tenant-scoped model mixin), ``RecordMixin`` and
  ``record_table_args`` (a record table of the object engine), ``JSONType``,
  ``UTCDateTime``, ``utcnow``;
- records: ``create_record``, ``get_record``, ``list_records``, ``update_record``,
  ``delete_record``, ``restore_record``, ``Filter``, ``to_api``, ``to_api_many``;
- events: ``Event``, ``emit``, ``RecordEvent``, ``RecordCreated``, ``RecordUpdated``,
  ``RecordDeleted``, ``RecordRestored``;
- jobs: ``tenant_job``, ``enqueue``, ``enqueue_for_every_tenant``, ``record_effect``,
  ``PeriodicTask``;
- errors: ``UserError``, ``ValidationFailed``, ``NotFound``, ``Forbidden``, ``Conflict``;
- permissions: ``require_right``, ``rights_of``, ``member_required``; who acts: ``SYSTEM``
  (the system itself, for jobs, hooks, seeding and commands; ``actor=None`` is refused with
  ``MissingActor``), ``is_system``;
- tenant settings: ``TenantSetting``, ``setting``, ``workspace_settings``,
  ``update_settings``, ``workspace_today``, ``require_tenant_id``;
- migrations (a plugin's Alembic branch): ``enable_tenant_rls(op, table)`` after creating a
  tenant-scoped table (forced row-level security on ``tenant_id``), ``disable_rls(op,
  table)`` before dropping it;
- time: ``clock`` (``clock.now()``, ``clock.today()``; never ``datetime.now()``);
- capacity allocation: ``capacity`` (``capacity.set_capacity``, ``availability``, ``hold``,
  ``allocate``, ``confirm``, ``release``, ``allocations``; never oversold),
  ``CapacityExceeded``, ``Availability``;
- UI: ``MenuItem`` with ``MAIN``, ``SETUP``, ``ACCOUNT``; ``RecordPanel``, ``RecordAction``,
  ``ListPanel``, ``FormPanel``, ``DashboardPanel`` with ``TOP``, ``MAIN_COLUMN``, ``ASIDE``;
  ``DemoData``; translation: ``_``, ``_l``, ``ngettext``, ``N_``.
"""

from __future__ import annotations

import importlib

from saas import clock
from saas.auth.actors import SYSTEM, MissingActor, is_system
from saas.capacity import services as capacity
from saas.capacity.services import Availability, CapacityExceeded
from saas.db import JSONType, UTCDateTime, db, utcnow
from saas.demo import DemoData
from saas.errors import Conflict, Forbidden, NotFound, UserError, ValidationFailed
from saas.events import Event, emit
from saas.i18n import N_, _, _l, ngettext
from saas.jobs import PeriodicTask, enqueue, enqueue_for_every_tenant, record_effect, tenant_job
from saas.plugins import hookimpl
from saas.plugins.menus import ACCOUNT, MAIN, SETUP, MenuItem
from saas.plugins.meta import IncompatiblePlugin, PluginMeta
from saas.plugins.panels import (
    ASIDE,
    TOP,
    DashboardPanel,
    FormPanel,
    ListPanel,
    RecordAction,
    RecordPanel,
)
from saas.plugins.panels import MAIN as MAIN_COLUMN
from saas.web import member_required
from tenants.rls import disable_rls, enable_tenant_rls
from tenants.scoping import TenantScoped, require_tenant_id
from tenants.settings import (
    TenantSetting,
    setting,
    update_settings,
    workspace_settings,
    workspace_today,
)

# The names that live in the object engine (core/objects), resolved on first use.
_FROM_CORE = {
    "ObjectSpec": "core.objects.registry",
    "FieldSpec": "core.objects.registry",
    "LookupTarget": "core.objects.registry",
    "RelatedPanel": "core.objects.registry",
    "ChildCollection": "core.objects.registry",
    "description_field": "core.objects.registry",
    "owner_field": "core.objects.registry",
    "object_for_tenant": "core.objects.registry",
    "objects_for_tenant": "core.objects.registry",
    "RecordMixin": "core.objects.models",
    "record_table_args": "core.objects.models",
    "create_record": "core.objects.records",
    "get_record": "core.objects.records",
    "list_records": "core.objects.records",
    "update_record": "core.objects.records",
    "delete_record": "core.objects.records",
    "restore_record": "core.objects.records",
    "Filter": "core.objects.records",
    "to_api": "core.objects.records",
    "to_api_many": "core.objects.records",
    "RecordEvent": "core.objects.events",
    "RecordCreated": "core.objects.events",
    "RecordUpdated": "core.objects.events",
    "RecordDeleted": "core.objects.events",
    "RecordRestored": "core.objects.events",
    "require_right": "core.objects.permissions",
    "rights_of": "core.objects.permissions",
}

__all__ = [
    "ACCOUNT",
    "ASIDE",
    "MAIN",
    "MAIN_COLUMN",
    "N_",
    "SETUP",
    "SYSTEM",
    "TOP",
    "Availability",
    "CapacityExceeded",
    "Conflict",
    "DashboardPanel",
    "DemoData",
    "Event",
    "Forbidden",
    "FormPanel",
    "IncompatiblePlugin",
    "JSONType",
    "ListPanel",
    "MenuItem",
    "MissingActor",
    "NotFound",
    "PeriodicTask",
    "PluginMeta",
    "RecordAction",
    "RecordPanel",
    "TenantScoped",
    "TenantSetting",
    "UTCDateTime",
    "UserError",
    "ValidationFailed",
    "_",
    "_l",
    "capacity",
    "clock",
    "db",
    "disable_rls",
    "emit",
    "enable_tenant_rls",
    "enqueue",
    "enqueue_for_every_tenant",
    "hookimpl",
    "is_system",
    "member_required",
    "ngettext",
    "record_effect",
    "require_tenant_id",
    "setting",
    "tenant_job",
    "update_settings",
    "utcnow",
    "workspace_settings",
    "workspace_today",
    *sorted(_FROM_CORE),
]


def __getattr__(name: str):
    """A name of the object engine, imported by its path the first time it is read."""
    module = _FROM_CORE.get(name)
    if module is None:
        raise AttributeError(f"saas.plugins.api has no {name!r} (see docs/plugins.md)")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
