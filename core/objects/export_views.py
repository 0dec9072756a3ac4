"""Download a list as CSV: from the list page (its filters and sort) and from the API."""

from __future__ import annotations

import re

from flask import Blueprint, Response, g, request
from flask_login import current_user

from core.objects import forms
from core.objects.api import filters_from_query
from core.objects.export import export_csv
from core.objects.registry import object_for_tenant
from saas.errors import ValidationFailed
from saas.web import member_required
from tenants.settings import workspace_today

bp = Blueprint("exports", __name__)
# The same export for a token, nested in the /api/v1 parent (``api.exports.export_api``).
api_bp = Blueprint("exports", __name__)


def _csv_response(object_name: str, chunks) -> Response:
    # Built whole inside the request, where the tenant's scope and transaction are: an
    # export is bounded (core.objects.export.MAX_EXPORT_ROWS).
    body = "".join(chunks)
    name = re.sub(r"[^a-z0-9_]+", "-", object_name.lower())
    stamp = workspace_today().isoformat()
    response = Response("\ufeff" + body, mimetype="text/csv")  # the BOM tells Excel: UTF-8
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/o/<object_name>/export.csv")
@member_required
def export_list(object_name: str):
    obj = object_for_tenant(object_name)
    filters = [row.to_filter() for row in forms.filter_rows(request.args)]
    chunks = export_csv(
        obj.api_name, filters=filters, sort=request.args.get("sort") or None, actor=current_user
    )
    return _csv_response(obj.api_name, chunks)


def _escape_formulas() -> bool:
    value = request.args.get("escape_formulas", "true").lower()
    if value not in ("true", "false"):
        raise ValidationFailed("Give escape_formulas as true or false.", field="escape_formulas")
    return value == "true"


@api_bp.get("/objects/<object_name>/export.csv")
def export_api(object_name: str):
    obj = object_for_tenant(object_name)
    chunks = export_csv(
        obj.api_name,
        filters=filters_from_query(request.args),
        sort=request.args.get("sort"),
        actor=g.api_user,
        for_people=False,
        escape_formulas=_escape_formulas(),
    )
    return _csv_response(obj.api_name, chunks)
