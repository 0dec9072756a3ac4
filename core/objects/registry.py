"""The object registry: one description of every object type and its fields.

Standard objects come from the ``register_object_types`` hook of every area's hooks.py (and
of plugins), in the order their specs ask for; lookups to metadata tables come from
``register_lookup_targets``. The registry is built once per plugin manager (per app) and
stamps each object with its owner. A tenant's custom fields and custom objects come from
the database. ``object_for_tenant`` merges them into the ``ObjectSpec`` that the
API, the forms, list views, search, import/export and the audit trail all work from.
"""

from __future__ import annotations

import dataclasses
import functools
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import g, has_request_context
from flask_babel import LazyString
from sqlalchemy import select

from core.objects.models import CustomObjectDefinition, CustomRecord, FieldDefinition
from core.objects.types import FIELD_TYPES, FieldType, picklist_values
from saas.db import db
from saas.errors import NotFound
from saas.i18n import _l, gettext, pgettext
from tenants.schema_version import schema_cache
from tenants.scoping import require_tenant_id


@dataclass(frozen=True)
class FieldSpec:
    api_name: str
    label: str
    type: str
    options: dict = field(default_factory=dict)
    required: bool = False
    unique: bool = False
    default: object = None
    help_text: str | None = None
    column: str | None = None  # the model attribute of a standard field
    filterable: bool = True
    slot: str | None = None  # the slot column of a filterable custom field
    custom: bool = False
    position: int = 0
    access: dict = field(default_factory=dict)
    definition_id: uuid.UUID | None = None
    # Set by the object's ``before_write`` rules (a deal's status), never by a caller.
    system: bool = False
    # The record page's section the field shows in (None: "Details" for standard fields,
    # "Custom fields" for custom ones). Custom fields may join a standard section.
    section: str | None = None
    # Who added the field: "core" for an object's own fields, else the plugin whose
    # ``register_fields_for`` returned it (set by the registry).
    owner: str = "core"

    @property
    def field_type(self) -> FieldType:
        return FIELD_TYPES[self.type]

    @property
    def read_only(self) -> bool:
        return self.system or self.field_type.read_only

    @property
    def sort_column(self) -> str | None:
        """The column that filters and sorts this field, or None when it cannot."""
        if self.column and self.filterable:
            return self.column
        return f"s_{self.slot}" if self.slot else None


@dataclass(frozen=True)
class ChildCollection:
    """Rows of a child table that belong to a record and are written with it, such as the
    lines of a quote. The record carries them as one property (``name``), a list of
    objects, on every read and on create / update (the given list replaces the old one).

    - ``clean(raw, record, actor)``: the checked rows (``record`` is None on create), or a
      ValidationFailed whose ``errors`` name the rows (``lines[2].quantity``); the cleaned
      list reaches the object's ``before_write`` as ``cleaned[name]``.
    - ``write(record, rows, actor)``: store the rows after the record is flushed; returns
      the [old, new] pair that the record's audit entry keeps for them, or None if equal.
    - ``read(records)``: {record id: [row, ...]} for the API, in one query.
    - ``json_schema``: the JSON schema of one row, for the OpenAPI document.
    """

    name: str
    label: str
    clean: Callable[[object, object | None, object | None], list]
    write: Callable[[object, list, object | None], list | None]
    read: Callable[[list], dict]
    json_schema: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RelatedPanel:
    """A related list drawn by the object's own template instead of a list of titles.

    ``load(object_name, record_id, actor)`` returns what ``template`` shows (as ``panel``,
    next to ``related``, the generic RelatedList) for the record ``record_id`` of
    ``object_name``; it raises Forbidden when ``actor`` may not read the object, and must
    apply record visibility itself. Example: core/relationships/models.py.
    """

    template: str
    load: Callable[[str, uuid.UUID, object], object]


@dataclass(frozen=True)
class ObjectSpec:
    api_name: str  # plural snake case: "companies"
    label: str
    label_plural: str
    model: type
    title: Callable[[object], str]
    fields: dict[str, FieldSpec]
    standard: bool = True
    custom_object_id: uuid.UUID | None = None
    search_fields: tuple[str, ...] = ()
    related: tuple[tuple[str, str], ...] = ()  # (object, lookup field) pointing here
    # The object's business rules, called by create_record / update_record once the input
    # is valid field by field and before anything is written, in the caller's transaction:
    # before_write(record, cleaned, actor), where ``record`` is None on create and
    # ``cleaned`` maps field names to stored values (as FieldType.clean returns them). It
    # may add or change entries of ``cleaned`` (derived and ``system`` fields included) and
    # raises a UserError to refuse the write. Example: core/deals/services.py.
    before_write: Callable[[object | None, dict, object | None], None] | None = None
    # The object's rules for taking a record out of the recycle bin, called by
    # restore_record before anything is written: before_restore(record, cleaned, actor),
    # where ``cleaned`` starts empty. It may add field values to store with the restore
    # (``system`` fields too; they are audited with it) and raises a UserError to refuse
    # the restore. Example: an order's credit check (core/orders/services.py).
    before_restore: Callable[[object, dict, object | None], None] | None = None
    # Child rows written with the record (quote and order lines): see ChildCollection.
    children: dict[str, ChildCollection] = field(default_factory=dict)
    # A template the record page includes below its fields and related lists, full width
    # (it gets ``obj``, ``page``, ``rights``), for what fields cannot show: quote lines.
    page_template: str | None = None
    # How this object's records show on the page of a record they point to, when a list of
    # titles says too little: see RelatedPanel (relationships, read from the party's side).
    related_panel: RelatedPanel | None = None
    # Where the object shows in the menus (MENU_BAR, MENU_MORE or MENU_NONE); the top bar's
    # objects and their order can be changed per role (Setup → Navigation), internal ones
    # never show. Whoever defines an object says which it is: see MENU_PLACES.
    menu: str = "more"
    # The page the object opens on from the menus: "list" or "board" (Setup → Navigation
    # can choose another, or a shared saved view).
    opens_on: str = "list"
    # The list's columns and sort when the user chose none ((): the first fields that make
    # good columns; None: creation order), and the field its board is drawn on (None: the
    # object has no obvious board; custom objects get their first picklist).
    list_columns: tuple[str, ...] = ()
    list_sort: str | None = None
    board_field: str | None = None
    # The amount a board column totals (a currency field) and the percent field that
    # weighs it (a deal's probability): count, sum and weighted sum per column.
    amount_field: str | None = None
    weight_field: str | None = None
    # Who contributed the object: "core" for the areas' own, else the plugin's name. Set
    # by the registry from the hook implementation that returned the spec.
    owner: str = "core"
    # Where the object sorts in menus and listings (lower first; ties keep registration
    # order). Core's objects are spaced by ten so that a plugin can slot one in between.
    order: int = 1000
    # The multi-picklist field of party roles (companies and contacts: "roles"): a role's
    # rights on the object may limit it to the records holding some of those roles.
    party_roles_field: str | None = None

    def field(self, name: str) -> FieldSpec:
        return self.fields[name]

    @property
    def party_roles(self) -> tuple[str, ...]:
        """The roles a record may hold (() when the object has no party roles)."""
        if self.party_roles_field is None:
            return ()
        options = self.fields[self.party_roles_field].options
        return tuple(picklist_values(options, include_inactive=True))


# The menu places of an object: in the top bar by default (what a small business works
# with every day), under "More", or in no menu at all (child and junction rows such as price
# book entries and campaign members, reached from the record they belong to).
MENU_BAR, MENU_MORE, MENU_NONE = "bar", "more", "none"
MENU_PLACES = (MENU_BAR, MENU_MORE, MENU_NONE)
OPENING_LAYOUTS = ("list", "board")


@dataclass(frozen=True)
class LookupTarget:
    """A tenant's metadata table that lookup fields may point to although it holds no
    records (a deal's pipelines and stages): ``exists(id)`` for the current tenant, and
    ``choices()``, the :class:`core.objects.choices.MetadataChoices` forms and boards
    offer (None: the id is checked but no picker is drawn)."""

    name: str
    exists: Callable[[uuid.UUID], bool]
    choices: Callable[[], object] | None = None


@dataclass(frozen=True)
class ObjectRegistry:
    """The standard objects and metadata lookup targets a plugin manager contributes."""

    objects: dict[str, ObjectSpec]
    lookup_targets: dict[str, LookupTarget]


def description_field(label: str = "Description") -> FieldSpec:
    """The long free-text field most standard objects end with."""
    return FieldSpec("description", label, "long_text", column="description", filterable=False)


def owner_field() -> FieldSpec:
    """The record's owner: the user record visibility ("own", "team") is about."""
    return FieldSpec("owner_id", "Owner", "user", column="owner_id")


def _check_presentation(spec: ObjectSpec) -> None:
    """Refuse, at start-up, a menu place, opening or default that names nothing."""
    if spec.menu not in MENU_PLACES:
        raise ValueError(f"{spec.api_name}: menu must be one of {MENU_PLACES}")
    if spec.opens_on not in OPENING_LAYOUTS:
        raise ValueError(f"{spec.api_name}: opens_on must be one of {OPENING_LAYOUTS}")
    if spec.opens_on == "board" and spec.board_field is None:
        raise ValueError(f"{spec.api_name}: opens on the board, so name its board_field")
    pseudo = {"created_at", "updated_at"}
    names = [*spec.list_columns, (spec.list_sort or "").lstrip("-") or None]
    names += [spec.board_field, spec.amount_field, spec.weight_field, spec.party_roles_field]
    unknown = [n for n in names if n is not None and n not in spec.fields and n not in pseudo]
    if unknown:
        raise ValueError(f"{spec.api_name}: no such fields {unknown}")
    if spec.amount_field and spec.fields[spec.amount_field].type != "currency":
        raise ValueError(f"{spec.api_name}: amount_field must be a currency field")
    if spec.weight_field and spec.fields[spec.weight_field].type != "percent":
        raise ValueError(f"{spec.api_name}: weight_field must be a percent field")


def build_registry(pm) -> ObjectRegistry:
    """The registry of ``pm``'s hooks: checked, ordered and owned; refuses, at start-up, an
    object or target registered twice and a spec whose presentation names nothing."""
    from saas.plugins.manager import contributions

    objects: dict[str, ObjectSpec] = {}
    for owner, spec in contributions(pm, "register_object_types"):
        if not isinstance(spec, ObjectSpec):
            raise TypeError(f"register_object_types must return ObjectSpec objects, got {spec!r}")
        if spec.api_name in objects:
            raise ValueError(f"object {spec.api_name!r} is registered twice")
        _check_presentation(spec)
        if spec.owner != owner:
            spec = dataclasses.replace(spec, owner=owner)
        objects[spec.api_name] = spec
    for name, spec in objects.items():
        objects[name] = _in_readers_language(_with_contributed_fields(pm, spec))
    ordered = sorted(enumerate(objects.values()), key=lambda item: (item[1].order, item[0]))
    targets: dict[str, LookupTarget] = {}
    for _owner, target in contributions(pm, "register_lookup_targets"):
        if not isinstance(target, LookupTarget):
            raise TypeError(f"register_lookup_targets must return LookupTarget, got {target!r}")
        if target.name in targets or target.name in objects:
            raise ValueError(f"lookup target {target.name!r} is registered twice")
        targets[target.name] = target
    return ObjectRegistry({spec.api_name: spec for _i, spec in ordered}, targets)


def _with_contributed_fields(pm, spec: ObjectSpec) -> ObjectSpec:
    """``spec`` with the fields other owners add to it (``register_fields_for``): kept in
    the records' custom values (no column, no slot), owned, after the object's own."""
    hook = getattr(pm.hook, "register_fields_for", None)
    if hook is None:
        return spec
    internal = _internal_names()
    fields = dict(spec.fields)
    for impl in hook.get_hookimpls():
        owner = "core" if impl.plugin_name in internal else impl.plugin_name
        for field_spec in impl.function(object_name=spec.api_name) or ():
            if not isinstance(field_spec, FieldSpec):
                raise TypeError(f"register_fields_for must return FieldSpec, got {field_spec!r}")
            if field_spec.api_name in fields:
                raise ValueError(
                    f"{spec.api_name}.{field_spec.api_name} is registered twice ({owner})"
                )
            fields[field_spec.api_name] = dataclasses.replace(
                field_spec, owner=owner, custom=True, column=None, slot=None, filterable=False
            )
    return spec if len(fields) == len(spec.fields) else dataclasses.replace(spec, fields=fields)


def _internal_names() -> set[str]:
    from saas.plugins.manager import internal_hook_modules

    return set(internal_hook_modules())


def _lazy(text):
    return _l(text) if isinstance(text, str) and text else text


def _field_label(text: str) -> str:
    """A standard field's label in the reader's language: its translation as a field label
    (context "field", for a word a field names differently: a company's "Name" is 名称, a
    person's 姓名) when it has one, else its plain translation."""
    shown = pgettext("field", text)
    return shown if shown != text else gettext(text)


def _lazy_field_label(text):
    return LazyString(_field_label, text) if isinstance(text, str) and text else text


def _in_readers_language(spec: ObjectSpec) -> ObjectSpec:
    """The standard object with its labels in the reader's language: the English labels
    its hooks give (marked for the catalogue where they are written) become lazy strings,
    translated each time they are shown. Sections keep their English names (a custom field
    joins a section by name); their titles are translated where they are shown."""
    fields = {
        name: dataclasses.replace(
            spec_field,
            label=_lazy_field_label(spec_field.label),
            help_text=_lazy(spec_field.help_text),
        )
        for name, spec_field in spec.fields.items()
    }
    return dataclasses.replace(
        spec, label=_lazy(spec.label), label_plural=_lazy(spec.label_plural), fields=fields
    )


_REGISTRIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@functools.cache
def _process_manager():
    """The manager used outside an app (scripts, test collection): core's areas only."""
    from saas.plugins.manager import build_manager

    return build_manager()


def active_manager():
    """The hooks that run now: the running app's plugin manager narrowed to the current
    tenant's enabled plugins (``saas.plugins.tenant.active_hooks``; the whole manager
    outside a tenant), else (no app) the process's manager of core's areas."""
    from saas.plugins.tenant import active_hooks

    hooks = active_hooks()
    return hooks if hooks is not None else _process_manager()


def registry_for(pm=None) -> ObjectRegistry:
    """The registry of ``pm`` (default: ``active_manager()``), built on first use and kept
    as long as the manager lives."""
    if pm is None:
        pm = active_manager()
    registry = _REGISTRIES.get(pm)
    if registry is None:
        registry = _REGISTRIES[pm] = build_registry(pm)
    return registry


def metadata_lookup_target(name: str) -> Callable[[uuid.UUID], bool] | None:
    """The existence check of a registered metadata target, or None for objects."""
    target = registry_for().lookup_targets.get(name)
    return target.exists if target is not None else None


def lookup_target(name: str) -> LookupTarget | None:
    """The registered metadata target ``name`` (with its choices), or None."""
    return registry_for().lookup_targets.get(name)


def standard_objects() -> dict[str, ObjectSpec]:
    """The standard objects of the running app's hooks, in menu order."""
    return registry_for().objects


def is_reserved_object_name(name: str) -> bool:
    reserved = {"schema", "openapi", "me", "users", "search"}
    return name in standard_objects() or name in registry_for().lookup_targets or name in reserved


def _cache() -> dict:
    """Where the current tenant's specs are kept: the process's schema cache at the
    tenant's schema version (``tenants.schema_version``), else, while the transaction holds
    uncommitted schema changes or outside an app, the request (or nothing)."""
    registry = registry_for()
    shared = schema_cache()
    if shared is not None:
        objects = shared.get("objects")
        if objects is None or objects[0] is not registry:
            # The registry is part of the key: another app, or (per-tenant plugins) another
            # set of plugins, makes other specs from the same rows.
            objects = shared["objects"] = (registry, {})
        return objects[1]
    if not has_request_context():
        return {}
    key = ("trellis_objects", require_tenant_id(), registry)
    cache = g.get("trellis_object_cache")
    if cache is None or cache[0] != key:
        cache = (key, {})
        g.trellis_object_cache = cache
    return cache[1]


def forget_tenant_objects() -> None:
    """Drop the request's cached specs after the metadata changed (the process's cache
    needs nothing: the change bumped the tenant's schema version)."""
    if has_request_context():
        g.pop("trellis_object_cache", None)


def _tenant_definitions() -> tuple[dict, dict]:
    """({object: [FieldSpec, ...]}, {object: {field: {role: access}}}) of every object of
    the current tenant: two queries for all objects, once per schema version."""
    from core.objects.permissions import FieldAccess

    shared = schema_cache()
    if shared is not None and "definitions" in shared:
        return shared["definitions"]
    customs: dict[str, list[FieldSpec]] = {}
    definitions = db.session.scalars(
        select(FieldDefinition)
        .where(FieldDefinition.retired_at.is_(None))
        .order_by(FieldDefinition.position, FieldDefinition.created_at)
    )
    for d in definitions:
        customs.setdefault(d.object_name, []).append(
            FieldSpec(
                api_name=d.api_name,
                label=d.label,
                type=d.type,
                options=d.options or {},
                required=d.required,
                unique=d.unique,
                default=d.default,
                help_text=d.help_text,
                filterable=d.filterable,
                slot=d.slot,
                custom=True,
                position=1000 + d.position,
                access=d.access or {},
                definition_id=d.id,
                section=d.section,
            )
        )
    access: dict[str, dict[str, dict[str, str]]] = {}
    for row in db.session.scalars(select(FieldAccess)):
        access.setdefault(row.object_name, {}).setdefault(row.field_name, {})[row.role] = row.access
    result = (customs, access)
    if shared is not None:
        shared["definitions"] = result
    return result


def _with_custom_fields(spec: ObjectSpec) -> ObjectSpec:
    """The object with the tenant's custom fields, and the field access an admin set on its
    standard fields (custom fields carry theirs)."""
    customs, access_of = _tenant_definitions()
    fields = dict(spec.fields)
    for name, access in access_of.get(spec.api_name, {}).items():
        if name in fields:
            fields[name] = dataclasses.replace(fields[name], access={**access})
    for custom in customs.get(spec.api_name, ()):
        fields[custom.api_name] = custom
    return dataclasses.replace(spec, fields=fields)


def _custom_object_spec(definition: CustomObjectDefinition) -> ObjectSpec:
    name = FieldSpec(api_name="name", label=_l("Name"), type="text", required=True, column="name")
    base = ObjectSpec(
        api_name=definition.api_name,
        label=definition.label,
        label_plural=definition.label_plural,
        model=CustomRecord,
        title=lambda record: record.name,
        fields={"name": name},
        standard=False,
        custom_object_id=definition.id,
        search_fields=("name",),
    )
    return _with_custom_fields(base)


def object_for_tenant(api_name: str) -> ObjectSpec:
    """The full description of ``api_name`` for the current tenant, or NotFound."""
    cache = _cache()
    if api_name in cache:
        return cache[api_name]
    standard = standard_objects().get(api_name)
    if standard is not None:
        spec = _with_custom_fields(standard)
    else:
        definition = db.session.scalar(
            select(CustomObjectDefinition).where(
                CustomObjectDefinition.api_name == api_name,
                CustomObjectDefinition.retired_at.is_(None),
            )
        )
        if definition is None:
            raise NotFound(f"There is no object called {api_name!r}.")
        spec = _custom_object_spec(definition)
    cache[api_name] = spec
    return spec


def _custom_object_names() -> list[str]:
    shared = schema_cache()
    if shared is not None and "custom_object_names" in shared:
        return list(shared["custom_object_names"])
    names = db.session.scalars(
        select(CustomObjectDefinition.api_name)
        .where(CustomObjectDefinition.retired_at.is_(None))
        .order_by(CustomObjectDefinition.label)
    ).all()
    if shared is not None:
        shared["custom_object_names"] = names
    return list(names)


def objects_for_tenant() -> list[ObjectSpec]:
    names = list(standard_objects()) + _custom_object_names()
    return [object_for_tenant(name) for name in names]
