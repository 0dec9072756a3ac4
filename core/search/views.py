"""Search in the web UI: global search (its page and the top bar's suggestions), the search
box of lookup fields, and search before create (the likely duplicates a new record's form
shows, as a form panel of the object engine, and re-checked before the record is created).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_login import current_user

from core.objects.registry import ObjectSpec, object_for_tenant
from core.search.duplicates import checks_duplicates, duplicate_fields, find_duplicates
from core.search.services import search_object, search_records
from saas.web import member_required

bp = Blueprint("search", __name__, template_folder="templates")

SUGGESTIONS_PER_OBJECT = 5
MAX_QUERY = 200


def _record_url(obj: ObjectSpec, record_id) -> str:
    return url_for("records.show", object_name=obj.api_name, record_id=record_id)


# Search before create: a panel of the record form (register_form_panels) -----------------


def duplicates_panel(obj: ObjectSpec, record, actor, state) -> dict | None:
    """The "Already in Trellis?" panel of a new record's form; ``state`` holds the likely
    duplicates found when the form was posted."""
    if record is not None:
        return None
    fields = duplicate_fields(obj, actor.role)
    if not fields:
        return None
    return {"duplicate_fields": fields, "duplicates": state or ()}


def duplicates_before_create(obj: ObjectSpec, values: dict, actor, form) -> list | None:
    """The likely duplicates of a record about to be created, which stop its creation
    unless the user ticked "create it anyway"; None when there are none."""
    if not checks_duplicates(obj) or form.get("create_anyway"):
        return None
    return find_duplicates(obj.api_name, values, actor=actor) or None


# JSON for the scripts: duplicates, lookup search, global search --------------------------


@bp.get("/o/<object_name>/duplicates")
@member_required
def duplicates(object_name: str):
    """Likely duplicates of the record being typed (search before create)."""
    obj = object_for_tenant(object_name)
    values = {name: request.args.get(name, "") for name in duplicate_fields(obj, current_user.role)}
    records = find_duplicates(obj.api_name, values, actor=current_user)
    return jsonify(
        matches=[
            {"id": str(r.id), "title": obj.title(r), "url": _record_url(obj, r.id)} for r in records
        ]
    )


@bp.get("/o/<object_name>/lookup")
@member_required
def lookup(object_name: str):
    """Records of ``object_name`` matching ``q``, for a lookup field's search box."""
    obj = object_for_tenant(object_name)
    records = search_object(obj.api_name, request.args.get("q", ""), actor=current_user)
    return jsonify(results=[{"id": str(r.id), "title": obj.title(r)} for r in records])


@bp.get("/search")
@member_required
def search():
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    groups = search_records(query, actor=current_user) if query else []
    return render_template("records/search.html", query=query, groups=groups)


@bp.get("/search/suggest")
@member_required
def suggest():
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    groups = search_records(query, actor=current_user, per_object=SUGGESTIONS_PER_OBJECT)
    return jsonify(
        query=query,
        results=[
            {
                "object": group.obj.label_plural,
                "title": group.obj.title(record),
                "url": _record_url(group.obj, record.id),
            }
            for group in groups
            for record in group.records
        ],
    )
