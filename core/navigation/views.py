"""Setup → Navigation: an admin chooses, per role, the objects of the top bar, their order
and the page each opens on. One form per role, saved whole or not at all; it works without
JavaScript (order numbers), and ``navigation.js`` adds moving rows up and down or dragging
them."""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from core.navigation import services
from core.navigation.menu import objects_in_menu
from core.objects.permissions import rights_of
from core.objects.registry import object_for_tenant
from core.savedviews import services as saved_views
from core.savedviews.views import view_url
from saas.auth.roles import ROLE_LABELS, ROLES
from saas.db import db
from saas.errors import UserError, ValidationFailed
from saas.i18n import _
from saas.plugins.menus import SETUP, menu_items
from saas.plugins.menus import template_helpers as menu_template_helpers
from saas.web import admin_required, member_required

bp = Blueprint("navigation", __name__, template_folder="templates")
# Every page's menus: the items the hooks contribute (saas.plugins.menus).
bp.app_context_processor(menu_template_helpers)


@bp.app_context_processor
def _object_menu_helper() -> dict:
    """``object_menu()``: the top bar's objects for the signed-in user, once per request."""

    def object_menu():
        if "trellis_object_menu" not in g:
            g.trellis_object_menu = objects_in_menu(current_user)
        return g.trellis_object_menu

    return {"object_menu": object_menu}


@bp.get("/commands")
@member_required
def commands():
    """What the command palette offers this user: the objects they may read (and create),
    their saved views and, for admins, the settings pages. Records come from /search/suggest."""
    result = []
    for entry in objects_in_menu(current_user):
        result.append({"kind": _("Go to"), "label": str(entry.label), "url": entry.url})
        if rights_of(current_user.role, entry.api_name).get("create"):
            obj = object_for_tenant(entry.api_name)
            result.append(
                {
                    "kind": _("Create"),
                    "label": _("New %(object)s", object=str(obj.label).lower()),
                    "url": url_for("records.create", object_name=obj.api_name),
                }
            )
    labels = {entry.api_name: entry.label for entry in objects_in_menu(current_user)}
    for view in saved_views.list_views(actor=current_user):
        if view.object_name in labels:
            result.append(
                {
                    "kind": _("View"),
                    "label": _(
                        "%(objects)s: %(view)s", objects=labels[view.object_name], view=view.name
                    ),
                    "url": view_url(view),
                }
            )
    result.extend(
        {"kind": _("Setting"), "label": _(item.label), "url": url_for(item.endpoint)}
        for item in menu_items(SETUP, current_user)  # admins only
        if item.palette
    )
    return jsonify(commands=result)


DEFAULT_ROLE = "member"
MAX_POSITION = 999


def _role() -> str:
    role = request.values.get("role", DEFAULT_ROLE)
    return role if role in ROLES else DEFAULT_ROLE


def _opening_value(item: services.NavItem) -> str:
    return f"view:{item.view_id}" if item.opens == "view" else item.opens


def rows_for(role: str, form=None) -> list[dict]:
    """One row per object that can be in a menu, the role's bar first in its order: what
    the form shows (or, after a refused save, what was posted)."""
    objects = services.menu_objects()
    items = {item.object_name: item for item in services.items_for_role(role, objects)}
    order = list(items) + [o.api_name for o in objects if o.api_name not in items]
    by_name = {o.api_name: o for o in objects}
    views = services.shared_views()
    rows = []
    for position, name in enumerate(order, start=1):
        obj = by_name[name]
        item = items.get(name)
        row = {
            "name": name,
            "label": obj.label,
            "shown": item is not None,
            "position": str(position),
            "opens": _opening_value(item) if item else obj.opens_on,
            "choices": [("list", _("List"))]
            + ([("board", _("Board"))] if services.has_board(name) else [])
            + [
                (f"view:{view.id}", _("View: %(name)s", name=view.name))
                for view in views.get(name, [])
            ],
        }
        if form is not None:
            row |= {
                "shown": bool(form.get(f"show.{name}")),
                "position": form.get(f"position.{name}", row["position"]),
                "opens": form.get(f"opens.{name}", row["opens"]),
            }
        rows.append(row)
    if form is not None:
        rows.sort(key=lambda row: (not row["shown"], _position(row["position"]) or MAX_POSITION))
    return rows


def _position(text) -> int | None:
    try:
        value = int(str(text).strip())
    except ValueError:
        return None
    return value if 1 <= value <= MAX_POSITION else None


def items_from_form(form) -> list[dict]:
    """The bar posted by the form, in the order of its numbers (ties keep the form's
    order), or ValidationFailed keyed by the form's inputs."""
    names = form.getlist("object")
    errors: dict[str, list[str]] = {}
    chosen = []
    for index, name in enumerate(names):
        if not form.get(f"show.{name}"):
            continue
        position = _position(form.get(f"position.{name}", ""))
        if position is None:
            errors[f"position.{name}"] = [_("Give a position from 1 to %(max)d.", max=MAX_POSITION)]
            continue
        opens = form.get(f"opens.{name}", "list")
        item = {"object": name, "opens": opens}
        if opens.startswith("view:"):
            item = {"object": name, "opens": "view", "view_id": opens.removeprefix("view:")}
        chosen.append((position, index, item))
    if errors:
        raise ValidationFailed(_("Some positions are not numbers."), errors=errors)
    return [item for _, _, item in sorted(chosen, key=lambda entry: entry[:2])]


def _form_errors(error: UserError, items: list[dict]) -> dict:
    """The service's ``items.N`` errors keyed by the input of the object they are about."""
    errors = {}
    for key, messages in (error.errors or {}).items():
        if key.startswith("items."):
            index = int(key.split(".")[1])
            key = f"opens.{items[index]['object']}" if index < len(items) else "items"
        errors[key] = messages
    return errors


@bp.route("/admin/navigation", methods=["GET", "POST"])
@admin_required
def index():
    role = _role()
    errors: dict = {}
    error = None
    status = 200
    if request.method == "POST":
        items: list[dict] = []
        try:
            if request.form.get("action") == "reset":
                services.reset_role(role)
                message = _(
                    "The top bar of the %(role)s role is back to the defaults.",
                    role=str(ROLE_LABELS[role]).lower(),
                )
            else:
                items = items_from_form(request.form)
                services.set_items(role, items)
                message = _(
                    "Top bar of the %(role)s role saved.", role=str(ROLE_LABELS[role]).lower()
                )
        except UserError as exc:
            db.session.rollback()
            error, status = exc, exc.status
            errors = _form_errors(exc, items) if items else (exc.errors or {})
        else:
            flash(message, "success")
            return redirect(url_for("navigation.index", role=role), 303)
    rows = rows_for(role, request.form if error else None)
    inputs = {f"{kind}.{row['name']}" for row in rows for kind in ("opens", "position")}
    return render_template(
        "admin/navigation.html",
        role=role,
        roles=[(r, ROLE_LABELS[r]) for r in ROLES],
        rows=rows,
        # Errors about no row of the form (an object that cannot be in a menu).
        other_errors=[m for key, messages in errors.items() if key not in inputs for m in messages],
        configured=services.is_configured(role),
        errors=errors,
        error=error,
    ), status
