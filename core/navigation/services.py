"""The top bar's objects per role: which objects each role sees in the bar, in what order,
and the page each opens on (the list, the board or a shared saved view).

Kept in the tenant's settings (``settings["navigation"]``, one list per role) because it is
a handful of names that change rarely. A role without a list gets the defaults: the
everyday objects declared ``menu="bar"`` in the registry's order, each on its declared page
(deals on the board). The objects left out of the bar stay under "More"; internal objects
(``menu="none"``) are in no menu and cannot be added. What a role may not read never
shows, whatever is configured: the setting orders and chooses, permissions decide.
Services flush and never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from core.objects.boards import board_fields
from core.objects.models import CustomObjectDefinition
from core.objects.registry import MENU_BAR, MENU_MORE, MENU_NONE, standard_objects
from core.savedviews.models import SavedView
from saas.auth.roles import ROLE_LABELS, ROLES
from saas.db import db
from saas.errors import ValidationFailed
from tenants.settings import update_settings, workspace_settings

SETTING = "navigation"
LOG_EVENT = "settings.navigation_changed"
OPENINGS = ("list", "board", "view")
MAX_ITEMS = 30


@dataclass(frozen=True)
class MenuObject:
    """An object that can be in a menu: its name, label, declared place and opening."""

    api_name: str
    label: str
    place: str  # MENU_BAR or MENU_MORE
    opens_on: str  # "list" or "board"


@dataclass(frozen=True)
class NavItem:
    """One object of a role's top bar and the page it opens on."""

    object_name: str
    opens: str = "list"  # "list", "board" or "view"
    view_id: uuid.UUID | None = None

    def to_api(self) -> dict:
        data = {"object": self.object_name, "opens": self.opens}
        if self.view_id is not None:
            data["view_id"] = str(self.view_id)
        return data


def menu_objects() -> list[MenuObject]:
    """Every object that may be in a menu: standard ones in registry order, then custom
    objects by label (two cheap reads); internal objects are not among them."""
    found = [
        MenuObject(name, spec.label_plural, spec.menu, spec.opens_on)
        for name, spec in standard_objects().items()
        if spec.menu != MENU_NONE
    ]
    found += [
        MenuObject(name, label, MENU_MORE, "list")
        for name, label in db.session.execute(
            select(CustomObjectDefinition.api_name, CustomObjectDefinition.label_plural)
            .where(CustomObjectDefinition.retired_at.is_(None))
            .order_by(CustomObjectDefinition.label)
        )
    ]
    return found


def default_items(objects: list[MenuObject] | None = None) -> list[NavItem]:
    """The bar of a role nobody configured: the everyday objects on their declared page."""
    objects = menu_objects() if objects is None else objects
    return [NavItem(o.api_name, o.opens_on) for o in objects if o.place == MENU_BAR]


def _stored() -> dict:
    value = workspace_settings().get(SETTING)
    return value if isinstance(value, dict) else {}


def is_configured(role: str) -> bool:
    return isinstance(_stored().get(role), list)


def items_for_role(role: str, objects: list[MenuObject] | None = None) -> list[NavItem]:
    """The role's bar: its stored list (what no longer exists dropped, a deleted view
    replaced by the object's own page) or the defaults."""
    objects = menu_objects() if objects is None else objects
    stored = _stored().get(role)
    if not isinstance(stored, list):
        return default_items(objects)
    known = {o.api_name: o for o in objects}
    # Every page draws the bar: read the shared views only when an entry opens one.
    opens_views = any(isinstance(e, dict) and e.get("opens") == "view" for e in stored)
    view_ids = _shared_view_ids() if opens_views else {}
    items = []
    for entry in stored:
        if not isinstance(entry, dict) or entry.get("object") not in known:
            continue
        name, opens = entry["object"], entry.get("opens")
        view_id = _uuid(entry.get("view_id")) if opens == "view" else None
        if opens == "view" and view_ids.get(view_id) != name:
            opens, view_id = known[name].opens_on, None
        elif opens not in OPENINGS:
            opens = known[name].opens_on
        items.append(NavItem(name, opens, view_id))
    return items


def all_settings() -> dict[str, list[NavItem]]:
    """Every role's bar, for Setup and the API."""
    objects = menu_objects()
    return {role: items_for_role(role, objects) for role in ROLES}


def _uuid(value) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _shared_view_ids() -> dict[uuid.UUID, str]:
    """The shared saved views of the workspace: id -> object name."""
    rows = db.session.execute(
        select(SavedView.id, SavedView.object_name).where(SavedView.shared.is_(True))
    )
    return {view_id: object_name for view_id, object_name in rows}


def shared_views() -> dict[str, list[SavedView]]:
    """The shared saved views a role's bar may open, per object, by name."""
    views: dict[str, list[SavedView]] = {}
    query = select(SavedView).where(SavedView.shared.is_(True)).order_by(SavedView.name)
    for view in db.session.scalars(query):
        views.setdefault(view.object_name, []).append(view)
    return views


def has_board(object_name: str) -> bool:
    from core.objects.registry import object_for_tenant

    return bool(board_fields(object_for_tenant(object_name), None))


def clean_items(role, items) -> list[NavItem]:
    """``items`` checked against the registry and the shared views, or ValidationFailed
    naming each problem (errors keyed ``items.N``); nothing is stored."""
    if role not in ROLES:
        raise ValidationFailed(f"Choose one of the roles: {', '.join(ROLES)}.", field="role")
    if not isinstance(items, list):
        raise ValidationFailed("Give the objects of the top bar as a list.", field="items")
    if len(items) > MAX_ITEMS:
        raise ValidationFailed(f"Put at most {MAX_ITEMS} objects in the top bar.", field="items")
    objects = {o.api_name: o for o in menu_objects()}
    internal = {n for n, spec in standard_objects().items() if spec.menu == MENU_NONE}
    view_ids = _shared_view_ids()
    errors: dict[str, list[str]] = {}
    cleaned: list[NavItem] = []
    seen: set[str] = set()
    for index, entry in enumerate(items):
        key = f"items.{index}"
        if not isinstance(entry, dict):
            errors[key] = ["Give each object as {object, opens}."]
            continue
        name = entry.get("object")
        if name in internal:
            errors[key] = [f"{name} is an internal object and is in no menu."]
            continue
        if not isinstance(name, str) or name not in objects:
            errors[key] = [f"There is no object called {name!r}."]
            continue
        if name in seen:
            errors[key] = [f"{objects[name].label} is in the list twice."]
            continue
        seen.add(name)
        opens = entry.get("opens", objects[name].opens_on)
        view_id = None
        if opens not in OPENINGS:
            errors[key] = [f"Open {objects[name].label} on the list, the board or a view."]
            continue
        if opens == "board" and not has_board(name):
            errors[key] = [f"{objects[name].label} have no board: open them on the list."]
            continue
        if opens == "view":
            view_id = _uuid(entry.get("view_id"))
            if view_id is None or view_ids.get(view_id) != name:
                errors[key] = [f"Choose a shared view of {objects[name].label}."]
                continue
        unknown = set(entry) - {"object", "opens", "view_id"}
        if unknown:
            errors[key] = [f"Unknown keys: {', '.join(sorted(map(str, unknown)))}."]
            continue
        cleaned.append(NavItem(name, opens, view_id))
    if errors:
        label = ROLE_LABELS[role].lower()
        raise ValidationFailed(f"The top bar of the {label} role was not saved.", errors=errors)
    return cleaned


def set_items(role, items) -> list[NavItem]:
    """Store a role's bar (validated whole: all or nothing)."""
    cleaned = clean_items(role, items)
    update_settings(
        {SETTING: {**_stored(), role: [item.to_api() for item in cleaned]}},
        logged_as=LOG_EVENT,
        target=f"top bar of {role}",
    )
    return cleaned


def set_roles(roles) -> None:
    """Several roles' bars at once, ``{role: [items] or None}`` (None: back to the defaults;
    roles left out keep theirs), every role checked before anything is stored."""
    if not isinstance(roles, dict):
        raise ValidationFailed(
            "Give the roles as an object: {role: [items] or null}.", field="roles"
        )
    bad = [role for role in roles if role not in ROLES]
    if bad:
        raise ValidationFailed(
            f"Unknown roles: {', '.join(sorted(map(str, bad)))}. Choose from {', '.join(ROLES)}.",
            field="roles",
        )
    cleaned: dict[str, list[NavItem]] = {}
    errors: dict[str, list[str]] = {}
    for role, items in roles.items():
        if items is None:
            continue
        try:
            cleaned[role] = clean_items(role, items)
        except ValidationFailed as refused:
            errors |= {f"roles.{role}.{key}": messages for key, messages in refused.errors.items()}
            if not refused.errors:
                errors[f"roles.{role}"] = [refused.message]
    if errors:
        raise ValidationFailed("The navigation was not saved.", errors=errors)
    stored = {role: items for role, items in _stored().items() if role not in roles}
    stored |= {role: [item.to_api() for item in items] for role, items in cleaned.items()}
    update_settings({SETTING: stored}, logged_as=LOG_EVENT, target=_roles_target(roles))


def _roles_target(roles: dict) -> str:
    return f"top bar of {', '.join(sorted(roles))}" if roles else "top bar"


def reset_role(role) -> list[NavItem]:
    """Back to the defaults for ``role``."""
    if role not in ROLES:
        raise ValidationFailed(f"Choose one of the roles: {', '.join(ROLES)}.", field="role")
    update_settings(
        {SETTING: {k: v for k, v in _stored().items() if k != role}},
        logged_as=LOG_EVENT,
        target=f"top bar of {role}",
    )
    return default_items()
