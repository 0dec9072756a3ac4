"""The saved views of the list and board pages: open one, save the current setup under a
name, rename, share, make default, update and delete.

The forms post to their address plus the page's query string, so a refused form re-renders
the same list or board page with the message (422/403/409) and nothing written.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from core.objects import forms
from core.objects.registry import ObjectSpec, object_for_tenant
from core.savedviews import services
from core.savedviews.models import SavedView
from saas.errors import NotFound, UserError
from saas.i18n import _
from saas.web import member_required

bp = Blueprint("saved_views", __name__)

VIEWS_PANEL = "saved_views.menu"


def view_url(view: SavedView) -> str:
    """The list (or, for a view grouped on a field, the board) showing the view.

    Fields retired or hidden from the user since the view was saved are left out, so an
    old view still opens."""
    setup = view.setup or {}
    obj = object_for_tenant(view.object_name)
    usable = {spec.api_name: spec for spec in forms.visible_fields(obj, current_user.role)}
    params: list[tuple[str, str]] = []
    for row in setup.get("filters", []):
        spec = usable.get(row["field"])
        if spec is not None and spec.sort_column:
            params += [("f", row["field"]), ("op", row["op"]), ("v", row["value"])]
    sort = setup.get("sort")
    if sort and (sort.lstrip("-") in services.PSEUDO_COLUMNS or sort.lstrip("-") in usable):
        params.append(("sort", sort))
    params.append(("view", str(view.id)))
    if setup.get("board_field") and setup["board_field"] in usable:
        params.append(("field", setup["board_field"]))
        endpoint = "records.board"
    else:
        endpoint = "records.index"
    return url_for(endpoint, object_name=view.object_name) + "?" + urlencode(params)


def current_setup(columns: list[str]) -> dict:
    """The setup shown on the page: the query string's filters and sort, the page's columns,
    and on a board the field it is grouped by."""
    rows = forms.filter_rows(request.args)
    setup = {
        "filters": [{"field": r.field, "op": r.op, "value": r.value} for r in rows],
        "sort": request.args.get("sort") or None,
        "columns": columns,
    }
    if request.form.get("layout") == "board":
        setup["board_field"] = request.args.get("field") or request.form.get("board_field")
        setup.pop("sort")
    return setup


def views_panel(obj: ObjectSpec, actor, args, state) -> dict:
    """The saved views menu of the list and board pages (register_list_panels): the user's
    and the shared views, the one shown (its columns are the list's), and what the user may
    do with them; ``state`` is a refused saved-view form, shown next to the menu."""
    wanted = args.get("view")
    current = None
    if wanted and wanted != "all":
        current = services.get_view(wanted, actor=actor)
        if current.object_name != obj.api_name:
            raise NotFound(_("There is no such view."))
    saved = {
        "views": services.list_views(obj.api_name, actor=actor),
        "current": current,
        "can_share": services.can_share(actor),
        "may_change": current is not None
        and (services.can_share(actor) if current.shared else True),
        "current_is_default": current is not None and current.is_default,
        "error": state,
        "form": request.form if state else {},
    }
    columns = (current.setup or {}).get("columns") if current is not None else None
    return {"saved": saved, "columns": columns or None}


def default_view_url(obj: ObjectSpec, actor) -> str | None:
    """Where a list opened without parameters goes: the user's default view, if any."""
    default = services.default_view(obj.api_name, actor=actor)
    return view_url(default) if default is not None else None


def _view_of(object_name: str, view_id: str) -> SavedView:
    obj = object_for_tenant(object_name)
    view = services.get_view(view_id, actor=current_user)
    if view.object_name != obj.api_name:
        raise NotFound(_("There is no such view."))
    return view


def _refused(object_name: str, error: UserError):
    """The page the form was on, again, with the refusal shown next to the views menu."""
    from core.objects import views as record_views

    if isinstance(error, NotFound) and not error.field:
        raise error
    if request.form.get("layout") == "board":
        html, _ = record_views.board_page(object_name, panel_state={VIEWS_PANEL: error})
    else:
        html, _ = record_views.list_page(object_name, panel_state={VIEWS_PANEL: error})
    return html, error.status


def _columns_posted(object_name: str) -> list[str]:
    obj = object_for_tenant(object_name)
    allowed = {s.api_name for s in forms.visible_fields(obj, current_user.role)}
    allowed |= set(services.PSEUDO_COLUMNS)
    return [name for name in request.form.getlist("columns") if name in allowed]


@bp.get("/o/<object_name>/views/<view_id>")
@member_required
def open_view(object_name: str, view_id: str):
    return redirect(view_url(_view_of(object_name, view_id)), 303)


@bp.post("/o/<object_name>/views")
@member_required
def save_view(object_name: str):
    try:
        view = services.create_view(
            object_name,
            name=request.form.get("name", ""),
            shared=bool(request.form.get("shared")),
            is_default=bool(request.form.get("is_default")),
            setup=current_setup(_columns_posted(object_name)),
            actor=current_user,
        )
    except UserError as error:
        return _refused(object_name, error)
    flash(_("View %(name)s saved.", name=view.name), "success")
    return redirect(view_url(view), 303)


@bp.post("/o/<object_name>/views/<view_id>")
@member_required
def change_view(object_name: str, view_id: str):
    """One change per form: rename, (un)share, (un)default, or save the page's setup."""
    view = _view_of(object_name, view_id)
    action = request.form.get("action", "")
    changes: dict = {
        "rename": lambda: {"name": request.form.get("name", "")},
        "share": lambda: {"shared": True},
        "unshare": lambda: {"shared": False},
        "default": lambda: {"is_default": True},
        "undefault": lambda: {"is_default": False},
        "update": lambda: {"setup": current_setup(_columns_posted(object_name))},
    }.get(action, dict)()
    if not changes:
        return _refused(object_name, UserError(_("Choose what to change in the view.")))
    try:
        view = services.update_view(view.id, changes=changes, actor=current_user)
    except UserError as error:
        return _refused(object_name, error)
    flash(_("View %(name)s saved.", name=view.name), "success")
    return redirect(view_url(view), 303)


@bp.post("/o/<object_name>/views/<view_id>/delete")
@member_required
def delete_view(object_name: str, view_id: str):
    view = _view_of(object_name, view_id)
    name = view.name
    try:
        services.delete_view(view.id, actor=current_user)
    except UserError as error:
        return _refused(object_name, error)
    flash(_("View %(name)s deleted.", name=name), "success")
    return redirect(url_for("records.index", object_name=object_name, view="all"), 303)
