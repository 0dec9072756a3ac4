"""The tenant admin's service and relationship set-up.

- ``/admin/sla``: the SLA targets per ticket priority (first response, resolution).
- ``/admin/relationship-types``: the relationship types of the workspace, with the label of
  each direction; add, rename, delete (when unused).

Every change goes through the ticket and relationship services; a refusal is shown on the
form with a 4xx status, and the request boundary rolls back whatever was flushed.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from core.relationships import services as relationships
from core.relationships.models import PARTY_OBJECTS
from core.tickets import services as tickets
from core.tickets.models import PRIORITIES
from saas.errors import UserError, ValidationFailed
from saas.web import admin_required

bp = Blueprint("admin_service", __name__, url_prefix="/admin")


# SLA targets ---------------------------------------------------------------------------


def _sla_page(form: MultiDict | None = None, errors: dict | None = None, status: int = 200):
    targets = tickets.sla_targets()
    if form is None:
        form = MultiDict(
            {
                f"{priority}.{name}": str(value)
                for priority, target in targets.items()
                for name, value in target.items()
            }
        )
    return render_template(
        "admin/sla.html", priorities=PRIORITIES, targets=targets, form=form, errors=errors or {}
    ), status


@bp.app_template_filter("duration")
def duration(minutes: int) -> str:
    """1500 -> "1 d 1 h": a number of minutes as people say it."""
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{mins} min" if mins else "",
    ]
    return " ".join(part for part in parts if part) or "0 min"


@bp.get("/sla")
@admin_required
def sla():
    return _sla_page()


@bp.post("/sla")
@admin_required
def save_sla():
    errors: dict[str, list[str]] = {}
    changed = 0
    current = tickets.sla_targets()
    for priority in PRIORITIES:
        values = {}
        for name in ("first_response_minutes", "resolution_minutes"):
            raw = request.form.get(f"{priority}.{name}", "").strip()
            try:
                values[name] = int(raw)
            except ValueError:
                errors[f"{priority}.{name}"] = ["Give a whole number of minutes."]
        if len(values) < 2 or values == current[priority]:
            continue
        try:
            tickets.set_sla_target(priority, values=values)
            changed += 1
        except ValidationFailed as error:
            for field, messages in (error.errors or {"": [error.message]}).items():
                errors[f"{priority}.{field}"] = messages
    if errors:
        # A 4xx response rolls back what the valid rows flushed: nothing is saved.
        flash("Some targets are not valid; nothing was saved.", "error")
        return _sla_page(request.form, errors, 422)
    flash("SLA targets saved." if changed else "Nothing changed.", "success")
    return redirect(url_for("admin_service.sla"), 303)


# Relationship types --------------------------------------------------------------------


def _types_page(form: MultiDict, error: UserError | None = None, status: int = 200):
    return render_template(
        "admin/relationship_types.html",
        types=relationships.list_relationship_types(),
        categories=relationships.CATEGORIES,
        party_objects=PARTY_OBJECTS,
        form=form,
        errors=(error.errors or {"": [error.message]}) if error else {},
    ), status


def _type_values(form: MultiDict) -> dict:
    values = {
        name: form.get(name, "")
        for name in ("name", "category", "forward_label", "reverse_label")
        if name in form
    }
    for end in ("from_object", "to_object"):
        if end in form:
            values[end] = form.get(end) or None
    return values


@bp.get("/relationship-types")
@admin_required
def relationship_types():
    return _types_page(MultiDict({"category": "other"}))


@bp.post("/relationship-types")
@admin_required
def create_relationship_type():
    try:
        row = relationships.create_relationship_type(values=_type_values(request.form))
    except UserError as error:
        return _types_page(request.form, error, error.status)
    flash(f"The type {row.name} is added.", "success")
    return redirect(url_for("admin_service.relationship_types"), 303)


@bp.post("/relationship-types/<type_id>")
@admin_required
def update_relationship_type(type_id: str):
    try:
        row = relationships.update_relationship_type(type_id, values=_type_values(request.form))
    except UserError as error:
        if error.status == 404:
            raise
        flash(f"{error.message} Nothing was changed.", "error")
        return _types_page(MultiDict({"category": "other"}), None, error.status)
    flash(f"The type {row.name} is saved.", "success")
    return redirect(url_for("admin_service.relationship_types"), 303)


@bp.post("/relationship-types/<type_id>/delete")
@admin_required
def delete_relationship_type(type_id: str):
    try:
        relationships.delete_relationship_type(type_id)
    except UserError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
        return _types_page(MultiDict({"category": "other"}), None, error.status)
    flash("The type is deleted.", "success")
    return redirect(url_for("admin_service.relationship_types"), 303)
