"""The admin console's workflow pages (Setup → Workflows): the list, the builder (name,
object, trigger, conditions; then the actions one by one, reorderable), switching on and
off, deleting, and the run log. Views parse the form, call one service, and show the
service's errors beside the inputs they are about."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from core.deals.models import Pipeline, PipelineStage
from core.objects.records import OPERATORS
from core.objects.registry import object_for_tenant, objects_for_tenant
from core.workflows import engine, registry, services
from core.workflows.models import WorkflowRun
from saas.auth.models import User
from saas.auth.teams import list_teams
from saas.db import db
from saas.errors import NotFound, UserError
from saas.i18n import N_, _
from saas.web import admin_required

bp = Blueprint(
    "workflows_admin", __name__, url_prefix="/admin/workflows", template_folder="templates"
)

# The trigger settings each core trigger's form offers (a plugin's are set through the API).
TRIGGER_INPUTS = {
    "field_changed": ("field", "from", "to"),
    "stage_entered": ("stage_id",),
    "date_reached": ("field", "offset_days", "yearly"),
    "schedule": ("cron",),
}
ACTION_INPUTS = {
    "update_fields": ("values",),
    "create_task": ("subject", "body", "due_in_days", "assign_to", "user_id"),
    "assign_owner": ("mode", "user_id", "team_id"),
    "send_email": ("to", "field", "address", "subject", "body"),
    "webhook": ("url",),
}
CONDITION_ROWS = 3  # blank rows offered below the rules
OPERATOR_LABELS = {
    "eq": N_("is"),
    "ne": N_("is not"),
    "lt": N_("is less than / before"),
    "lte": N_("is at most / on or before"),
    "gt": N_("is more than / after"),
    "gte": N_("is at least / on or after"),
    "in": N_("is one of (comma-separated)"),
    "contains": N_("contains"),
    "is_null": N_("is empty (true or false)"),
}
STATUS_LABELS = {
    "queued": N_("Queued"),
    "succeeded": N_("Succeeded"),
    "failed": N_("Failed"),
    "skipped": N_("Skipped"),
    "stopped": N_("Stopped"),
}
REASONS = {
    engine.LOOP_LIMIT: N_("Stopped: workflows triggered each other more than five levels deep."),
    engine.RECORD_GONE: N_("Skipped: the record is gone."),
    engine.CONDITIONS_NOT_MET: N_("Skipped: the record did not meet the conditions."),
    engine.VERSION_GONE: N_("Failed: the version it started with is gone."),
}


def _workflow_or_404(workflow_id):
    try:
        return services.get_workflow(workflow_id, actor=current_user)
    except NotFound:
        abort(404)


def _choices() -> dict:
    """What the builder's selects and suggestions offer."""
    stages = db.session.execute(
        select(PipelineStage.id, PipelineStage.name, Pipeline.name)
        .join(Pipeline, Pipeline.id == PipelineStage.pipeline_id)
        .order_by(Pipeline.name, PipelineStage.position)
    ).all()
    return {
        "objects": [(obj.api_name, _(obj.label_plural)) for obj in objects_for_tenant()],
        "triggers": [(t.name, _(t.label)) for t in registry.triggers().values()],
        "actions": [(a.name, _(a.label)) for a in registry.actions().values()],
        "operators": [(op, _(OPERATOR_LABELS.get(op, op))) for op in OPERATORS],
        "users": [
            (str(u.id), u.name)
            for u in db.session.scalars(
                select(User).where(User.is_active.is_(True)).order_by(User.name)
            )
        ],
        "teams": [(str(team.id), team.name) for team in list_teams()],
        "stages": [(str(sid), f"{pipeline} · {name}") for sid, name, pipeline in stages],
    }


def _fields_of(object_name: str) -> list[tuple[str, str]]:
    try:
        obj = object_for_tenant(object_name)
    except NotFound:
        return []
    return [(name, _(spec.label)) for name, spec in obj.fields.items()]


# --- the list --------------------------------------------------------------------------


@bp.get("/")
@admin_required
def index():
    workflows = services.list_workflows(actor=current_user)
    last_runs = {}
    for workflow in workflows:
        last_runs[workflow.id] = db.session.scalar(
            select(WorkflowRun)
            .where(WorkflowRun.workflow_id == workflow.id)
            .order_by(WorkflowRun.id.desc())
            .limit(1)
        )
    return render_template(
        "workflows/index.html",
        workflows=workflows,
        last_runs=last_runs,
        triggers=dict(_choices()["triggers"]),
        statuses=STATUS_LABELS,
    )


# --- the builder: name, object, trigger, conditions ------------------------------------


def _form_values(workflow=None) -> dict:
    if workflow is None:
        return {
            "name": "",
            "description": "",
            "object": "deals",
            "trigger.type": "",
            "conditions.match": "all",
            "rules": [],
        }
    values = {
        "name": workflow.name,
        "description": workflow.description or "",
        "object": workflow.object_name,
        "trigger.type": workflow.trigger_type,
        "conditions.match": (workflow.conditions or {}).get("match", "all"),
        "rules": [r for r in (workflow.conditions or {}).get("rules", []) if "field" in r],
    }
    for key, value in (workflow.trigger or {}).items():
        values[f"trigger.{key}"] = "" if value is None else value
    return values


def _parse_main_form() -> dict:
    form = request.form
    trigger_type = form.get("trigger.type", "")
    settings = {}
    for key in TRIGGER_INPUTS.get(trigger_type, ()):
        raw = form.get(f"trigger.{key}", "")
        if key == "yearly":
            settings[key] = raw == "on"
        elif raw != "":
            settings[key] = raw
    rules = []
    index = 0
    while f"conditions.rules[{index}].field" in form:
        field = form.get(f"conditions.rules[{index}].field", "").strip()
        if field:
            rules.append(
                {
                    "field": field,
                    "op": form.get(f"conditions.rules[{index}].op", "eq"),
                    "value": form.get(f"conditions.rules[{index}].value", ""),
                }
            )
        index += 1
    return {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "object_name": form.get("object", ""),
        "trigger_type": trigger_type,
        "trigger": settings,
        "conditions": {"match": form.get("conditions.match", "all"), "rules": rules},
    }


def _values_from(parsed: dict) -> dict:
    values = {
        "name": parsed["name"],
        "description": parsed["description"],
        "object": parsed["object_name"],
        "trigger.type": parsed["trigger_type"],
        "conditions.match": parsed["conditions"]["match"],
        "rules": parsed["conditions"]["rules"],
    }
    values.update({f"trigger.{key}": value for key, value in parsed["trigger"].items()})
    return values


def _builder(workflow, values: dict, errors: dict, status: int = 200):
    choices = _choices()
    return render_template(
        "workflows/edit.html",
        workflow=workflow,
        values=values,
        errors=errors,
        choices=choices,
        fields=_fields_of(values.get("object", "")),
        blank_rows=CONDITION_ROWS,
        actions=registry.actions(),
        describe=_describe_action,
        inbound_path=services.workflow_to_api(workflow)["inbound_path"] if workflow else None,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    if request.method == "GET":
        values = _form_values()
        values["object"] = request.args.get("object", values["object"])
        return _builder(None, values, {})
    parsed = _parse_main_form()
    try:
        workflow = services.create_workflow(actor=current_user, actions=[], **parsed)
    except UserError as error:
        db.session.rollback()
        return _builder(
            None, _values_from(parsed), error.errors or {"": [error.message]}, error.status
        )
    flash(_("The workflow is saved. Add its actions, then switch it on."), "success")
    return redirect(url_for("workflows_admin.edit", workflow_id=workflow.id), 303)


@bp.route("/<workflow_id>", methods=["GET", "POST"])
@admin_required
def edit(workflow_id):
    workflow = _workflow_or_404(workflow_id)
    if request.method == "GET":
        return _builder(workflow, _form_values(workflow), {})
    parsed = _parse_main_form()
    try:
        services.update_workflow(workflow.id, changes=parsed, actor=current_user)
    except UserError as error:
        db.session.rollback()
        workflow = _workflow_or_404(workflow_id)
        return _builder(
            workflow, _values_from(parsed), error.errors or {"": [error.message]}, error.status
        )
    flash(_("The workflow is saved."), "success")
    return redirect(url_for("workflows_admin.edit", workflow_id=workflow.id), 303)


@bp.post("/<workflow_id>/active")
@admin_required
def switch(workflow_id):
    workflow = _workflow_or_404(workflow_id)
    active = request.form.get("active") == "on"
    try:
        services.set_active(workflow.id, active, actor=current_user)
    except UserError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("The workflow is on.") if active else _("The workflow is off."), "success")
    return redirect(request.form.get("next") or url_for("workflows_admin.index"), 303)


@bp.post("/<workflow_id>/delete")
@admin_required
def delete(workflow_id):
    workflow = _workflow_or_404(workflow_id)
    services.delete_workflow(workflow.id, actor=current_user)
    flash(_("The workflow and its run log are deleted."), "success")
    return redirect(url_for("workflows_admin.index"), 303)


# --- the actions, one by one -----------------------------------------------------------


def _describe_action(action: dict) -> str:
    kind = registry.actions().get(action.get("type"))
    label = _(kind.label) if kind else action.get("type", "")
    detail = action.get("subject") or action.get("url") or ", ".join(action.get("values", {}))
    if action.get("mode") == "round_robin":
        detail = _("round-robin within a team")
    return f"{label}: {detail}" if detail else label


def _action_values(action: dict) -> dict:
    values = {key: value for key, value in action.items() if key != "values"}
    if "values" in action:
        values["values"] = "\n".join(f"{k} = {v}" for k, v in action["values"].items())
    return values


def _parse_action_form(action_type: str) -> dict:
    form = request.form
    action: dict = {"type": action_type}
    for key in ACTION_INPUTS.get(action_type, ()):
        raw = form.get(key, "")
        if key == "values":
            pairs = {}
            for line in raw.splitlines():
                if "=" in line:
                    name, _sep, value = line.partition("=")
                    pairs[name.strip()] = value.strip() or None
            action["values"] = pairs
        elif raw != "":
            action[key] = raw
    return action


def _action_errors(error: UserError, index: int) -> dict:
    prefix = f"actions[{index}]"
    found: dict = {}
    for key, messages in (error.errors or {"": [error.message]}).items():
        if key.startswith(prefix + "."):
            key = key[len(prefix) + 1 :].split(".")[0]
        elif key in (prefix, "actions"):
            key = ""
        found.setdefault(key, []).extend(messages)
    return found


def _action_page(workflow, index, action_type, values, errors, status=200):
    kind = registry.actions().get(action_type)
    if kind is None:
        abort(404)
    return render_template(
        "workflows/action.html",
        workflow=workflow,
        index=index,
        action_type=action_type,
        label=_(kind.label),
        inputs=ACTION_INPUTS.get(action_type),
        values=values,
        errors=errors,
        choices=_choices(),
        fields=_fields_of(workflow.object_name),
    ), status


@bp.route("/<workflow_id>/actions/new", methods=["GET", "POST"])
@admin_required
def new_action(workflow_id):
    workflow = _workflow_or_404(workflow_id)
    action_type = request.values.get("type", "")
    return _save_action(workflow, len(workflow.actions or []), action_type)


@bp.route("/<workflow_id>/actions/<int:index>", methods=["GET", "POST"])
@admin_required
def edit_action(workflow_id, index: int):
    workflow = _workflow_or_404(workflow_id)
    actions = list(workflow.actions or [])
    if not 0 <= index < len(actions):
        abort(404)
    return _save_action(workflow, index, actions[index]["type"])


def _save_action(workflow, index: int, action_type: str):
    actions = list(workflow.actions or [])
    if request.method == "GET":
        values = _action_values(actions[index]) if index < len(actions) else {}
        return _action_page(workflow, index, action_type, values, {})
    action = _parse_action_form(action_type)
    changed = actions[:index] + [action] + actions[index + 1 :]
    try:
        services.update_workflow(workflow.id, changes={"actions": changed}, actor=current_user)
    except UserError as error:
        db.session.rollback()
        workflow = _workflow_or_404(workflow.id)
        return _action_page(
            workflow,
            index,
            action_type,
            dict(request.form),
            _action_errors(error, index),
            error.status,
        )
    flash(_("The action is saved."), "success")
    return redirect(url_for("workflows_admin.edit", workflow_id=workflow.id) + "#actions", 303)


@bp.post("/<workflow_id>/actions/<int:index>/move")
@admin_required
def move_action(workflow_id, index: int):
    workflow = _workflow_or_404(workflow_id)
    actions = list(workflow.actions or [])
    other = index - 1 if request.form.get("direction") == "up" else index + 1
    if not (0 <= index < len(actions) and 0 <= other < len(actions)):
        abort(404)
    actions[index], actions[other] = actions[other], actions[index]
    services.update_workflow(workflow.id, changes={"actions": actions}, actor=current_user)
    return redirect(url_for("workflows_admin.edit", workflow_id=workflow.id) + "#actions", 303)


@bp.post("/<workflow_id>/actions/<int:index>/delete")
@admin_required
def delete_action(workflow_id, index: int):
    workflow = _workflow_or_404(workflow_id)
    actions = list(workflow.actions or [])
    if not 0 <= index < len(actions):
        abort(404)
    del actions[index]
    try:
        services.update_workflow(workflow.id, changes={"actions": actions}, actor=current_user)
    except UserError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("workflows_admin.edit", workflow_id=workflow.id) + "#actions", 303)


# --- the run log -----------------------------------------------------------------------


@bp.get("/<workflow_id>/runs")
@admin_required
def runs(workflow_id):
    workflow = _workflow_or_404(workflow_id)
    found = services.list_runs(workflow.id, actor=current_user, limit=100)
    return render_template(
        "workflows/runs.html",
        workflow=workflow,
        runs=[(run, services.deliveries_of(run)) for run in found],
        statuses=STATUS_LABELS,
        reasons=REASONS,
        actions=registry.actions(),
    )
