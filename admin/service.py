"""The tenant admin's service and relationship set-up.

- ``/admin/sla``: the SLA targets per ticket priority (first response, resolution, and
  whether they count around the clock or in business hours), and the business hours
  themselves: time zone, working hours per weekday, holidays.
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
from core.tickets import hours
from core.tickets import services as tickets
from core.tickets.calendar import WEEKDAYS
from core.tickets.models import PRIORITIES
from saas.errors import NotFound, UserError, ValidationFailed
from saas.i18n import _, first_weekday, format_day, weekday_names
from saas.web import admin_required

bp = Blueprint("admin_service", __name__, url_prefix="/admin")


# SLA targets ---------------------------------------------------------------------------


def _current_sla_form() -> MultiDict:
    """Every field of the page's forms, filled with what is stored."""
    values = {
        f"{priority}.{name}": str(value)
        for priority, target in tickets.sla_targets().items()
        for name, value in target.items()
    }
    current = hours.business_hours()
    values["timezone"] = "" if current["timezone_follows_workspace"] else current["timezone"]
    for day in WEEKDAYS:
        values[f"week.{day}"] = hours.intervals_text(current["week"][day])
    return MultiDict(values)


def _sla_page(posted: MultiDict | None = None, errors: dict | None = None, status: int = 200):
    """The page; ``posted`` (a refused form) overrides the stored values it has."""
    form = _current_sla_form()
    for key in posted or ():
        if key != "csrf_token":
            form.setlist(key, posted.getlist(key))
    return render_template(
        "admin/sla.html",
        priorities=PRIORITIES,
        targets=tickets.sla_targets(),
        business_hours=hours.business_hours(),
        workspace_time_zone=hours.workspace_time_zone(),
        time_zones=sorted(hours.time_zones()),
        # The week as the reader's calendar has it: from the locale's first weekday.
        weekdays=WEEKDAYS[first_weekday() :] + WEEKDAYS[: first_weekday()],
        weekday_names=weekday_names(WEEKDAYS),
        form=form,
        errors=errors or {},
    ), status


@bp.app_template_filter("duration")
def duration(minutes: int) -> str:
    """1500 -> "1 d 1 h": a number of minutes as people say it."""
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        _("%(num)d d", num=days) if days else "",
        _("%(num)d h", num=hours) if hours else "",
        _("%(num)d min", num=mins) if mins else "",
    ]
    return " ".join(part for part in parts if part) or _("%(num)d min", num=0)


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
                errors[f"{priority}.{name}"] = [_("Give a whole number of minutes.")]
        # A form without the choice (an older page) keeps the stored one.
        values["hours"] = request.form.get(f"{priority}.hours", current[priority]["hours"])
        if len(values) < 3 or values == current[priority]:
            continue
        try:
            tickets.set_sla_target(priority, values=values)
            changed += 1
        except ValidationFailed as error:
            for field, messages in (error.errors or {"": [error.message]}).items():
                errors[f"{priority}.{field}"] = messages
    if errors:
        # A 4xx response rolls back what the valid rows flushed: nothing is saved.
        flash(_("Some targets are not valid; nothing was saved."), "error")
        return _sla_page(request.form, errors, 422)
    flash(_("SLA targets saved.") if changed else _("Nothing changed."), "success")
    return redirect(url_for("admin_service.sla"), 303)


def _refused(error: ValidationFailed, summary: str):
    flash(summary, "error")
    return _sla_page(request.form, error.errors or {"": [error.message]}, error.status)


@bp.post("/sla/hours")
@admin_required
def save_business_hours():
    week, errors = {}, {}
    for day in WEEKDAYS:
        try:
            week[day] = hours.parse_intervals_text(request.form.get(f"week.{day}", ""))
        except ValueError as error:
            errors[f"week.{day}"] = [str(error)]
    if errors:
        return _refused(ValidationFailed("", errors=errors), _("Some hours are not valid."))
    try:
        hours.set_business_hours({"timezone": request.form.get("timezone", ""), "week": week})
    except ValidationFailed as error:
        return _refused(error, "The business hours are not valid; nothing was saved.")
    flash(_("Business hours saved."), "success")
    return redirect(url_for("admin_service.sla", _anchor="hours"), 303)


@bp.post("/sla/holidays")
@admin_required
def add_holiday():
    try:
        hours.add_holiday(
            request.form.get("holiday.date", ""), request.form.get("holiday.name", "")
        )
    except ValidationFailed as error:
        errors = {f"holiday.{name}": messages for name, messages in error.errors.items()}
        others = [
            m for name, ms in error.errors.items() if name not in ("date", "name") for m in ms
        ]
        summary = " ".join([_("The holiday was not added."), *others])
        return _refused(ValidationFailed("", errors=errors), summary)
    flash(_("Holiday added."), "success")
    return redirect(url_for("admin_service.sla", _anchor="holidays"), 303)


@bp.post("/sla/holidays/<date>/delete")
@admin_required
def delete_holiday(date: str):
    if not hours.remove_holiday(date):
        raise NotFound(_("There is no holiday on that date."))
    flash(_("The holiday on %(date)s is removed.", date=format_day(date)), "success")
    return redirect(url_for("admin_service.sla", _anchor="holidays"), 303)


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
    flash(_("The type %(name)s is added.", name=row.name), "success")
    return redirect(url_for("admin_service.relationship_types"), 303)


@bp.post("/relationship-types/<type_id>")
@admin_required
def update_relationship_type(type_id: str):
    try:
        row = relationships.update_relationship_type(type_id, values=_type_values(request.form))
    except UserError as error:
        if error.status == 404:
            raise
        flash(_("%(reason)s Nothing was changed.", reason=error.message), "error")
        return _types_page(MultiDict({"category": "other"}), None, error.status)
    flash(_("The type %(name)s is saved.", name=row.name), "success")
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
    flash(_("The type is deleted."), "success")
    return redirect(url_for("admin_service.relationship_types"), 303)
