"""The tenant admin's objects, fields, permissions and teams.

- ``/admin/objects``: every object of the workspace; create custom objects.
- ``/admin/objects/<object>/fields``: an object's fields; add, edit, retire and reorder
  custom fields. A type change shows what the conversion will do first and asks to confirm;
  a refusal lists the records whose values do not fit.
- ``/admin/permissions``: per role and object, the create / read / update / delete rights
  and which records the role sees (on companies and contacts, optionally only those with
  some party roles).
- ``/admin/permissions/<object>/fields``: per role, which fields of an object are hidden or
  read-only, standard and custom alike (required fields always stay editable).
- ``/admin/teams``: teams, and who is in which.

Every change goes through the schema and permission services; a refusal is shown on the
form with a 4xx status, and the request boundary rolls back whatever was flushed.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from admin import field_forms
from core.companies.models import PARTY_ROLES
from core.objects import permissions, schema
from core.objects.registry import (
    ObjectSpec,
    object_for_tenant,
    objects_for_tenant,
    standard_objects,
)
from core.objects.types import FIELD_TYPES
from saas.auth import services as accounts
from saas.auth import teams as team_service
from saas.auth.roles import ROLE_LABELS
from saas.errors import Conflict, UserError
from saas.i18n import _
from saas.web import admin_required

bp = Blueprint("admin_objects", __name__, url_prefix="/admin")


def _error_messages(error: UserError | None) -> dict[str, list[str]]:
    return (error.errors or {}) if error else {}


# Objects -------------------------------------------------------------------------------


def _objects_page(form: MultiDict, error: UserError | None = None, status: int = 200):
    return render_template(
        "admin/objects.html",
        objects=objects_for_tenant(),
        form=form,
        error=error,
        errors=_error_messages(error),
    ), status


@bp.get("/objects")
@admin_required
def index():
    return _objects_page(MultiDict())


@bp.post("/objects")
@admin_required
def create_object():
    form = request.form
    try:
        definition = schema.create_custom_object(
            name=form.get("name", "").strip(),
            label=form.get("label", ""),
            label_plural=form.get("label_plural", "").strip() or None,
            description=form.get("description", "").strip() or None,
        )
    except UserError as error:
        return _objects_page(form, error, error.status)
    flash(_("%(objects)s created. Now add its fields.", objects=definition.label_plural), "success")
    return redirect(url_for("admin_objects.fields", object_name=definition.api_name), 303)


# Fields --------------------------------------------------------------------------------


def _fields_page(obj: ObjectSpec, form: MultiDict, error=None, status: int = 200):
    custom = sorted((s for s in obj.fields.values() if s.custom), key=lambda s: s.position)
    return render_template(
        "admin/fields.html",
        obj=obj,
        standard=[s for s in obj.fields.values() if not s.custom],
        custom=custom,
        form=form,
        error=error,
        errors=_error_messages(error),
        **_field_form_context(),
    ), status


def _field_form_context() -> dict:
    objects = objects_for_tenant()
    type_label = {name: str(field_type.label).lower() for name, field_type in FIELD_TYPES.items()}
    groups = []
    for title, keys in field_forms.OPTION_GROUPS:
        types = dict.fromkeys(t for key in keys for t in field_forms.option_types(key))
        groups.append((title, keys, ", ".join(type_label[t] for t in types)))
    return {
        "type_choices": [(name, field_type.label) for name, field_type in FIELD_TYPES.items()],
        "type_labels": {name: field_type.label for name, field_type in FIELD_TYPES.items()},
        "option_groups": groups,
        "option_inputs": field_forms.OPTION_INPUTS,
        "option_types": field_forms.option_types,
        "target_choices": [("", "—")] + [(obj.api_name, obj.label_plural) for obj in objects],
        "function_choices": [("", "—")] + list(field_forms.ROLLUP_FUNCTION_LABELS.items()),
        "access_choices": field_forms.access_choices,
        "access_roles": [(role, ROLE_LABELS[role]) for role in field_forms.ACCESS_ROLES],
    }


@bp.get("/objects/<object_name>/fields")
@admin_required
def fields(object_name: str):
    return _fields_page(object_for_tenant(object_name), MultiDict({"type": "text"}))


@bp.post("/objects/<object_name>/fields")
@admin_required
def add_field(object_name: str):
    obj = object_for_tenant(object_name)
    try:
        definition = schema.add_field(obj.api_name, **field_forms.add_field_arguments(request.form))
    except UserError as error:
        return _fields_page(obj, request.form, error, error.status)
    flash(_("The field %(field)s is added.", field=definition.label), "success")
    return redirect(url_for("admin_objects.fields", object_name=obj.api_name), 303)


def _edit_page(obj, definition, form, *, error=None, preview=None, status: int = 200):
    errors = dict(_error_messages(error))
    # A refused conversion, or unique refused for shared values, names the records
    # ("<id>: <problem>"): listed on their own.
    refusal = []
    if isinstance(error, Conflict):
        for key in ("type", "options", "unique"):
            refusal += errors.pop(key, [])
    return render_template(
        "admin/field_edit.html",
        obj=obj,
        definition=definition,
        form=form,
        error=error,
        errors=errors,
        refusal=[message.split(": ", 1) for message in refusal],
        preview=preview,
        **_field_form_context(),
    ), status


@bp.route("/objects/<object_name>/fields/<field_name>", methods=["GET", "POST"])
@admin_required
def edit_field(object_name: str, field_name: str):
    obj = object_for_tenant(object_name)
    definition = schema.get_field_definition(obj.api_name, field_name)
    if request.method == "GET":
        return _edit_page(obj, definition, field_forms.form_values(definition))
    form = request.form
    try:
        changes = field_forms.field_changes(definition, form)
        if not changes:
            flash(_("Nothing changed."), "info")
            return redirect(url_for("admin_objects.fields", object_name=obj.api_name), 303)
        if "type" in changes and form.get("confirmed") != changes["type"]:
            _definition, report = schema.update_field(
                obj.api_name, field_name, changes=changes, preview=True
            )
            return _edit_page(obj, definition, form, preview=report)
        schema.update_field(obj.api_name, field_name, changes=changes, actor=current_user)
    except UserError as error:
        return _edit_page(obj, definition, form, error=error, status=error.status)
    flash(_("The field %(field)s is saved.", field=definition.label), "success")
    return redirect(url_for("admin_objects.fields", object_name=obj.api_name), 303)


@bp.post("/objects/<object_name>/fields/<field_name>/retire")
@admin_required
def retire_field(object_name: str, field_name: str):
    obj = object_for_tenant(object_name)
    definition = schema.get_field_definition(obj.api_name, field_name)
    schema.retire_field(obj.api_name, field_name)
    flash(
        _(
            "The field %(field)s is retired: it no longer shows anywhere. Its values stay in "
            "the records' history.",
            field=definition.label,
        ),
        "success",
    )
    return redirect(url_for("admin_objects.fields", object_name=obj.api_name), 303)


@bp.post("/objects/<object_name>/fields/<field_name>/move")
@admin_required
def move_field(object_name: str, field_name: str):
    """Move a custom field one place up or down (the buttons; dragging posts the order)."""
    obj = object_for_tenant(object_name)
    order = [s.api_name for s in sorted(obj.fields.values(), key=lambda s: s.position) if s.custom]
    if field_name not in order:
        schema.get_field_definition(obj.api_name, field_name)  # NotFound, or standard: 422
    index = order.index(field_name)
    other = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        schema.reorder_fields(obj.api_name, order)
    return redirect(url_for("admin_objects.fields", object_name=obj.api_name), 303)


@bp.post("/objects/<object_name>/field-order")
@admin_required
def reorder_fields(object_name: str):
    obj = object_for_tenant(object_name)
    try:
        schema.reorder_fields(obj.api_name, request.form.getlist("order"))
    except UserError as error:
        if request.accept_mimetypes.best == "application/json":
            return jsonify(error=error.code, message=error.message), error.status
        raise
    if request.accept_mimetypes.best == "application/json":
        return jsonify(order=request.form.getlist("order"))
    flash(_("The new order is saved."), "success")
    return redirect(url_for("admin_objects.fields", object_name=obj.api_name), 303)


# Permissions ---------------------------------------------------------------------------


def _rights_matrix() -> list[tuple[str, str, list[tuple[ObjectSpec, dict]]]]:
    objects = objects_for_tenant()
    return [
        (
            role,
            ROLE_LABELS[role],
            [(obj, permissions.rights_of(role, obj.api_name)) for obj in objects],
        )
        for role in field_forms.ACCESS_ROLES
    ]


@bp.route("/permissions", methods=["GET", "POST"])
@admin_required
def permissions_page():
    if request.method == "POST":
        try:
            changed = _save_rights(request.form)
        except UserError as error:
            flash(error.message, "error")
            return _permissions_page(), error.status
        flash(_("Permissions saved.") if changed else _("Nothing changed."), "success")
        return redirect(url_for("admin_objects.permissions_page"), 303)
    return _permissions_page()


def _permissions_page() -> str:
    return render_template(
        "admin/permissions.html",
        matrix=_rights_matrix(),
        party_objects=[o.api_name for o in standard_objects().values() if o.party_roles],
        party_roles=PARTY_ROLES,
        restricted_fields=lambda role, obj: sum(
            1 for spec in obj.fields.values() if spec.access.get(role)
        ),
    )


def _save_rights(form: MultiDict) -> int:
    """Save the rows of the matrix that differ from the current rights; how many did."""
    changed = 0
    for role, _label, rows in _rights_matrix():
        for obj, current in rows:
            prefix = f"{role}.{obj.api_name}"
            wanted = {action: f"{prefix}.{action}" in form for action in permissions.ACTIONS}
            wanted["visibility"] = form.get(f"{prefix}.visibility", current["visibility"])
            wanted["party_roles"] = current["party_roles"]
            if obj.party_roles:
                wanted["party_roles"] = form.getlist(f"{prefix}.party_roles") or None
            if wanted != current:
                permissions.set_rights(role=role, object_name=obj.api_name, rights=wanted)
                changed += 1
    return changed


def _field_access_page(obj: ObjectSpec, status: int = 200):
    roles = [(role, ROLE_LABELS[role]) for role in field_forms.ACCESS_ROLES]
    rows = [
        (
            spec,
            permissions.protected_field(obj, spec),
            {role: spec.access.get(role, "editable") for role, _label in roles},
        )
        for spec in sorted(obj.fields.values(), key=lambda spec: (spec.custom, spec.position))
    ]
    writes = {role: field_forms.role_writes(role, obj.api_name) for role, _label in roles}
    return render_template(
        "admin/field_access.html", obj=obj, roles=roles, rows=rows, writes=writes
    ), status


@bp.route("/permissions/<object_name>/fields", methods=["GET", "POST"])
@admin_required
def field_access(object_name: str):
    obj = object_for_tenant(object_name)
    if request.method == "GET":
        return _field_access_page(obj)
    changed = 0
    try:
        for role in field_forms.ACCESS_ROLES:
            wanted = {
                name: request.form[f"{role}.{name}"]
                for name, spec in obj.fields.items()
                if f"{role}.{name}" in request.form
                and request.form[f"{role}.{name}"] != spec.access.get(role, "editable")
            }
            if wanted:
                permissions.set_field_access(role=role, obj=obj, access=wanted)
                changed += len(wanted)
    except UserError as error:
        for key, messages in _error_messages(error).items():
            label = (
                obj.fields[key.removeprefix("fields.")].label
                if key.removeprefix("fields.") in obj.fields
                else key
            )
            flash(_("%(field)s: %(problems)s", field=label, problems=" ".join(messages)), "error")
        if not error.errors:
            flash(error.message, "error")
        return _field_access_page(obj, error.status)
    flash(
        _("Field access of %(objects)s saved.", objects=str(obj.label_plural).lower())
        if changed
        else _("Nothing changed."),
        "success",
    )
    return redirect(url_for("admin_objects.field_access", object_name=obj.api_name), 303)


# Teams ---------------------------------------------------------------------------------


def _teams_page(form: MultiDict, error: UserError | None = None, status: int = 200):
    teams = team_service.list_teams()
    memberships = team_service.team_memberships()
    users = [u for u in accounts.list_users() if u.is_active]
    return render_template(
        "admin/teams.html",
        teams=teams,
        members={team.id: [u for u in users if memberships.get(u.id) == team.id] for team in teams},
        users=users,
        memberships=memberships,
        form=form,
        error=error,
    ), status


@bp.get("/teams")
@admin_required
def teams():
    return _teams_page(MultiDict())


@bp.post("/teams")
@admin_required
def create_team():
    try:
        team = team_service.create_team(name=request.form.get("name", ""))
    except UserError as error:
        return _teams_page(request.form, error, error.status)
    flash(
        _("The team %(team)s is created. Now choose its members below.", team=team.name), "success"
    )
    return redirect(url_for("admin_objects.teams"), 303)


@bp.post("/teams/members/<user_id>")
@admin_required
def set_team(user_id: str):
    user = accounts.get_user(user_id)
    team_id = request.form.get("team_id") or None
    team_service.set_team(user=user, team_id=team_id)
    team = next((t for t in team_service.list_teams() if str(t.id) == team_id), None)
    flash(
        _("%(user)s is now in %(team)s.", user=user.name, team=team.name)
        if team
        else _("%(user)s is in no team now.", user=user.name),
        "success",
    )
    return redirect(url_for("admin_objects.teams"), 303)
