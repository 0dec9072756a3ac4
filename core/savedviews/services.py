"""Saved view services: save, list, apply, rename, share, make default and delete the named
list setups of an object. They flush and never commit.

Who may do what:
- anyone who can read an object saves private views of it, seen only by themselves;
- admins and managers share views with the workspace (and change or delete shared views),
  because a shared view changes what everybody sees first;
- a user's private default wins over the workspace's shared default.

Applying a view never widens access: the list is still read through the record services
with the acting user, so a shared view shows each person only what they may see.
"""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select

from core.objects.boards import board_fields
from core.objects.permissions import require_right
from core.objects.records import OPERATORS, hidden_fields
from core.objects.registry import ObjectSpec, object_for_tenant
from core.savedviews.models import SavedView
from saas import clock
from saas.auth.models import User
from saas.auth.roles import ADMIN, MANAGER
from saas.db import db
from saas.errors import Conflict, Forbidden, NotFound, ValidationFailed

SHARING_ROLES = (ADMIN, MANAGER)
PSEUDO_COLUMNS = ("created_at", "updated_at")
MAX_NAME = 100
MAX_FILTERS = 20
MAX_VIEWS_PER_OBJECT = 100


def can_share(actor: User) -> bool:
    return actor.role in SHARING_ROLES


def _key(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound("There is no such view.") from None


def _visible_to(actor: User):
    return or_(SavedView.owner_id == actor.id, SavedView.shared.is_(True))


def list_views(object_name: str | None = None, *, actor: User) -> list[SavedView]:
    """The views ``actor`` sees (their own and the shared ones), by object then name; only
    of objects they may read."""
    query = select(SavedView).where(_visible_to(actor))
    if object_name is not None:
        obj = object_for_tenant(object_name)
        require_right(actor, obj.api_name, "read", obj.label_plural.lower())
        query = query.where(SavedView.object_name == obj.api_name)
    views = db.session.scalars(query.order_by(SavedView.object_name, SavedView.name)).all()
    if object_name is not None:
        return list(views)
    readable = {}
    for view in views:
        if view.object_name not in readable:
            readable[view.object_name] = _readable(view.object_name, actor)
    return [view for view in views if readable[view.object_name]]


def _readable(object_name: str, actor: User) -> bool:
    try:
        require_right(actor, object_for_tenant(object_name).api_name, "read", "")
    except (NotFound, Forbidden):
        return False
    return True


def get_view(view_id, *, actor: User) -> SavedView:
    """A view ``actor`` sees, or NotFound (another user's private view does not exist)."""
    view = db.session.scalar(
        select(SavedView).where(SavedView.id == _key(view_id), _visible_to(actor))
    )
    if view is None or not _readable(view.object_name, actor):
        raise NotFound("There is no such view.")
    return view


def default_view(object_name: str, *, actor: User) -> SavedView | None:
    """The user's private default for the object, else the workspace's shared default."""
    views = db.session.scalars(
        select(SavedView).where(
            SavedView.object_name == object_name,
            SavedView.is_default.is_(True),
            or_(SavedView.owner_id == actor.id, SavedView.shared.is_(True)),
        )
    ).all()
    own = [v for v in views if not v.shared and v.owner_id == actor.id]
    shared = [v for v in views if v.shared]
    return (own or shared or [None])[0]


def _clean_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed("Give the view a name.", field="name")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise ValidationFailed(f"Keep the name within {MAX_NAME} characters.", field="name")
    return name


def _flag(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed("Use true or false.", field=field)
    return value


def clean_setup(obj: ObjectSpec, setup, *, actor: User) -> dict:
    """The setup checked against the registry and what ``actor`` may see: filters on
    filterable fields with known operators, a sortable sort, visible columns and a field a
    board can be drawn on. Field-level messages name what is wrong."""
    if not isinstance(setup, dict):
        raise ValidationFailed("Describe the view as an object.", field="setup")
    unknown = set(setup) - {"filters", "sort", "columns", "board_field"}
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.")
    hidden = hidden_fields(obj, actor.role)
    visible = {name: spec for name, spec in obj.fields.items() if name not in hidden}
    errors: dict[str, list[str]] = {}

    filters = []
    raw_filters = setup.get("filters") or []
    if not isinstance(raw_filters, list) or len(raw_filters) > MAX_FILTERS:
        errors["filters"] = [f"Give at most {MAX_FILTERS} filters as a list."]
        raw_filters = []
    for i, item in enumerate(raw_filters):
        if not isinstance(item, dict) or not isinstance(item.get("field"), str):
            errors.setdefault("filters", []).append(f"Filter {i + 1}: name a field.")
            continue
        field, op = item["field"], item.get("op", "eq")
        value = item.get("value", "")
        spec = visible.get(field)
        if spec is None or spec.sort_column is None:
            errors.setdefault("filters", []).append(
                f"Filter {i + 1}: {field!r} is not a field you can filter on."
            )
        elif not isinstance(op, str) or op not in OPERATORS:
            errors.setdefault("filters", []).append(
                f"Filter {i + 1}: use one of the operators {', '.join(OPERATORS)}."
            )
        elif not isinstance(value, str | int | float | bool) or len(str(value)) > 500:
            errors.setdefault("filters", []).append(f"Filter {i + 1}: give a short value.")
        else:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            filters.append({"field": field, "op": op, "value": text})

    sort = setup.get("sort") or None
    if sort is not None:
        name = sort.lstrip("-") if isinstance(sort, str) else None
        spec = visible.get(name) if name else None
        if name not in PSEUDO_COLUMNS and (spec is None or spec.sort_column is None):
            errors["sort"] = ["Sort on a field that can be sorted, such as -updated_at."]

    columns = setup.get("columns") or []
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        errors["columns"] = ["Give the columns as a list of field names."]
        columns = []
    wrong = [c for c in columns if c not in visible and c not in PSEUDO_COLUMNS]
    if wrong:
        errors["columns"] = [f"Unknown columns: {', '.join(wrong)}."]
    columns = list(dict.fromkeys(columns))

    board_field = setup.get("board_field") or None
    if board_field is not None and (
        not isinstance(board_field, str)
        or board_field not in {spec.api_name for spec in board_fields(obj, actor.role)}
    ):
        errors["board_field"] = ["Group the board by a picklist or a stage field."]

    if errors:
        raise ValidationFailed("The view cannot be saved as it is.", errors=errors)
    return {"filters": filters, "sort": sort, "columns": columns, "board_field": board_field}


def _check_may_change(view: SavedView, actor: User) -> None:
    if view.shared and not can_share(actor):
        raise Forbidden("Only admins and managers change shared views.")
    if not view.shared and view.owner_id != actor.id:
        raise NotFound("There is no such view.")


def _check_name_free(object_name: str, name: str, *, actor: User, exclude=None) -> None:
    query = select(SavedView.id).where(
        SavedView.object_name == object_name,
        _visible_to(actor),
        SavedView.name.ilike(
            name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"), escape="\\"
        ),
    )
    if exclude is not None:
        query = query.where(SavedView.id != exclude)
    if db.session.scalar(query.limit(1)) is not None:
        raise Conflict(f"There is already a view called {name}.", field="name")


def _clear_other_defaults(view: SavedView) -> None:
    """One default per user and object among private views; one shared default."""
    query = select(SavedView).where(
        SavedView.object_name == view.object_name,
        SavedView.is_default.is_(True),
        SavedView.id != view.id,
        SavedView.shared.is_(view.shared),
    )
    if not view.shared:
        query = query.where(SavedView.owner_id == view.owner_id)
    for other in db.session.scalars(query):
        other.is_default = False
        other.updated_at = clock.now()


def create_view(
    object_name: str,
    *,
    name,
    setup,
    actor: User,
    shared=False,
    is_default=False,
) -> SavedView:
    obj = object_for_tenant(object_name)
    require_right(actor, obj.api_name, "read", obj.label_plural.lower())
    name = _clean_name(name)
    shared = _flag(shared, "shared")
    is_default = _flag(is_default, "is_default")
    if shared and not can_share(actor):
        raise Forbidden("Only admins and managers share views with the workspace.")
    cleaned = clean_setup(obj, setup, actor=actor)
    _check_name_free(obj.api_name, name, actor=actor)
    count = db.session.scalar(
        select(db.func.count())
        .select_from(SavedView)
        .where(SavedView.object_name == obj.api_name, SavedView.owner_id == actor.id)
    )
    if count >= MAX_VIEWS_PER_OBJECT:
        raise Conflict(f"You have {MAX_VIEWS_PER_OBJECT} views of this object; delete some.")
    view = SavedView(
        object_name=obj.api_name,
        name=name,
        owner_id=actor.id,
        shared=shared,
        is_default=is_default,
        setup=cleaned,
    )
    db.session.add(view)
    db.session.flush()
    if is_default:
        _clear_other_defaults(view)
        db.session.flush()
    return view


def update_view(view_id, *, changes: dict, actor: User) -> SavedView:
    """Rename, re-share, make (not) default or replace the setup of a view."""
    view = get_view(view_id, actor=actor)
    _check_may_change(view, actor)
    if not isinstance(changes, dict):
        raise ValidationFailed("Send the changes as an object.")
    unknown = set(changes) - {"name", "shared", "is_default", "setup"}
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.")
    if "name" in changes:
        name = _clean_name(changes["name"])
        _check_name_free(view.object_name, name, actor=actor, exclude=view.id)
        view.name = name
    if "shared" in changes:
        shared = _flag(changes["shared"], "shared")
        if shared != view.shared:
            if not can_share(actor):
                raise Forbidden("Only admins and managers share views with the workspace.")
            if not shared and view.owner_id != actor.id:
                raise Forbidden("Only its owner can make a shared view private again.")
            view.shared = shared
    if "is_default" in changes:
        view.is_default = _flag(changes["is_default"], "is_default")
    if "setup" in changes:
        view.setup = clean_setup(object_for_tenant(view.object_name), changes["setup"], actor=actor)
    view.updated_at = clock.now()
    db.session.flush()
    if view.is_default:
        _clear_other_defaults(view)
        db.session.flush()
    return view


def delete_view(view_id, *, actor: User) -> None:
    view = get_view(view_id, actor=actor)
    _check_may_change(view, actor)
    db.session.delete(view)
    db.session.flush()


def view_to_api(view: SavedView) -> dict:
    setup = view.setup or {}
    return {
        "id": str(view.id),
        "object": view.object_name,
        "name": view.name,
        "shared": view.shared,
        "is_default": view.is_default,
        "owner_id": str(view.owner_id),
        "filters": setup.get("filters", []),
        "sort": setup.get("sort"),
        "columns": setup.get("columns", []),
        "board_field": setup.get("board_field"),
        "created_at": view.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": view.updated_at.isoformat().replace("+00:00", "Z"),
    }
