"""The web UI of the object engine, written once for every object: list views (columns,
sort, filters, pages), kanban boards, record pages with inline edit, record forms, the
recycle bin.

Everything comes from the registry, so standard, plugin and custom objects get the same
pages; what the areas add around them (the activity timeline, a lead's Convert button, saved
views, search before create) are panels and actions of ``saas.plugins.panels`` that their
hooks declare, so this module imports no area.

Views parse the request, call the record services with the signed-in user (which enforce
object rights, field access and record visibility), and render. A user's mistake
is shown on the form with a 4xx status; the request boundary then rolls back, so nothing
is half written. Pages work without JavaScript; ``records.js`` only enhances them.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    flash,
    g,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from core.objects import choices, forms
from core.objects.boards import board_fields, default_board_field, load_board
from core.objects.money import currency_of, format_money
from core.objects.permissions import require_right, rights_of
from core.objects.purge import purge_date
from core.objects.records import (
    DEFAULT_PAGE_SIZE,
    RESTORE_DAYS,
    create_record,
    delete_record,
    get_record,
    list_records,
    plan_feature_of,
    record_warnings,
    restore_record,
    to_api,
    to_api_many,
    update_record,
)
from core.objects.registry import ObjectSpec, object_for_tenant
from core.objects.related import (
    is_record_lookup,
    load_record_page,
    lookup_options,
    lookup_titles,
)
from saas.db import db
from saas.errors import Forbidden, NotFound, UserError, ValidationFailed
from saas.i18n import _, _l, ngettext
from saas.plugins import panels as ui
from saas.plugins.tenant import active_hooks
from saas.redirects import safe_redirect_target
from saas.web import member_required

bp = Blueprint("records", __name__, template_folder="templates")

PAGE_SIZE = DEFAULT_PAGE_SIZE
COLUMNS_KEY = "list_columns"  # the session's {object: [column, ...]}
PSEUDO_COLUMNS = {"created_at": _l("Created"), "updated_at": _l("Last updated")}
# The cursors of the pages before this one ("0" is the first page), for "Previous".
TRAIL_SEPARATOR, FIRST_PAGE, MAX_TRAIL = "~", "0", 50


# Shared by the pages -------------------------------------------------------------------


@bp.app_template_global()
def url_with(**changes) -> str:
    """The current page's address with some query parameters changed (None removes one)."""
    args = request.args.copy()
    for key, value in changes.items():
        args.poplist(key)
        if isinstance(value, list | tuple):
            args.setlist(key, list(value))
        elif value is not None:
            args[key] = value
    query = urlencode(list(args.items(multi=True)))
    # A list re-rendered after a refused form (posted elsewhere) links to the list itself.
    path = g.get("trellis_page_path") or request.path
    return path + (f"?{query}" if query else "")


@bp.app_template_global()
def filter_query() -> str:
    """The filters of the current page as a query string (for the list and board links)."""
    return urlencode([(k, v) for k, v in request.args.items(multi=True) if k in ("f", "op", "v")])


@bp.app_template_global()
def remove_filter_url(index: int) -> str:
    """The current page without its ``index``-th filter row."""
    rows = [row for i, row in enumerate(forms.filter_rows(request.args)) if i != index]
    return url_with(
        f=[row.field for row in rows],
        op=[row.op for row in rows],
        v=[row.value for row in rows],
        cursor=None,
        trail=None,
    )


@bp.app_template_global()
def display_text(spec, value, row=None) -> str:
    return forms.display_text(spec, value, _zone(), row)


@bp.app_template_filter("money")
def _money(amount, currency=None, whole=False) -> str:
    """An amount with its currency (the workspace's when none is given): $1,250.00."""
    return format_money(amount, currency, whole=whole)


@bp.app_template_global()
def input_currency(spec) -> str | None:
    """The currency an amount is typed in, for its label (USD), or None when the record
    chooses it in another field (a quote's currency) or the field is not money."""
    if spec.type != "currency" or (spec.options or {}).get("currency_field"):
        return None
    return currency_of(spec)


@bp.app_template_global()
def input_kind(spec) -> str | None:
    return forms.INPUTS.get(spec.type)


@bp.app_template_global()
def number_step(spec) -> str:
    if spec.type == "currency":
        return "0.01"
    scale = spec.options.get("scale")
    return "any" if scale is None else str(Decimal(1).scaleb(-int(scale)))


@bp.app_template_global("picklist_choices")
def _picklist_choices(spec) -> list:
    return choices.picklist_choices(spec.options)


@bp.app_template_global()
def picklist_color(spec, value) -> str | None:
    return choices.picklist_colors(spec.options).get(value)


@bp.app_template_global()
def field_sections(obj) -> list[str]:
    """The names of an object's record page sections, for the field form's suggestions."""
    return [name for name, _specs in forms.sections(list(obj.fields.values()))]


@bp.app_template_global()
def picklist_label(spec, value) -> str:
    return choices.picklist_labels(spec.options).get(value, value)


bp.add_app_template_global(choices.palette_name, "palette_name")
bp.add_app_template_global(choices.custom_color, "custom_color")
bp.add_app_template_global(is_record_lookup, "is_record_lookup")
bp.add_app_template_global(plan_feature_of, "plan_feature_of")
bp.add_app_template_global(forms.ADDRESS_LABELS, "address_labels")


def _zone():
    return forms.workspace_zone(g.tenant.settings if g.get("tenant") else None)


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    )


def _safe_next(default: str) -> str:
    """Where to go after a form: a path of this site given as ``next``, or ``default``."""
    return safe_redirect_target(request.form.get("next") or request.args.get("next"), default)


def flash_warnings() -> None:
    """Show what the record services warned about while saving (see records.warn)."""
    for message in record_warnings():
        flash(message, "warning")


def _record_url(obj: ObjectSpec, record_id) -> str:
    return url_for("records.show", object_name=obj.api_name, record_id=record_id)


# Panels and actions of the areas and plugins (saas.plugins.panels) --------------------


def _contributed(hook_name: str, obj: ObjectSpec) -> list:
    """The items of a panel hook that apply to ``obj``, in their order: core's and those
    of the plugins the tenant enabled."""
    return ui.for_object(ui.collect(active_hooks(), hook_name), obj.api_name)


def _draw(panel, content: dict, **page) -> Markup:
    """A panel's template drawn with what its ``load`` returned and the page's own values."""
    # The template's output, already escaped by Jinja's autoescape.
    return Markup(render_template(panel.template, **(content | page)))  # noqa: S704


def _list_panels(obj: ObjectSpec, layout: str, state: dict | None) -> list[tuple]:
    """(panel, content) for every list panel that applies to this page."""
    loaded = []
    for panel in _contributed("register_list_panels", obj):
        if layout not in panel.layouts:
            continue
        content = ui.call_with(
            panel.load,
            obj=obj,
            layout=layout,
            actor=current_user,
            args=request.args,
            state=(state or {}).get(panel.name),
        )
        if content is not None:
            loaded.append((panel, content))
    return loaded


def _chosen_columns(loaded: list[tuple]) -> list[str] | None:
    """The columns a list panel chose (a saved view's), the first that did."""
    return next((content["columns"] for _p, content in loaded if content.get("columns")), None)


def _columns(obj: ObjectSpec, fields: list, chosen: list[str] | None = None) -> list[str]:
    """The columns a list panel chose (the saved view shown), else those the user chose
    for ``obj`` (kept in the session), else the default."""
    allowed = {spec.api_name for spec in fields} | set(PSEUDO_COLUMNS)
    if chosen:
        kept = [name for name in chosen if name in allowed]
        if kept:
            return kept
    chosen = [
        name for name in session.get(COLUMNS_KEY, {}).get(obj.api_name, []) if name in allowed
    ]
    declared = [name for name in obj.list_columns if name in allowed]
    return chosen or declared or [*forms.default_columns(obj, fields), "updated_at"]


def _default_sort(obj: ObjectSpec, fields: list) -> str | None:
    """The object's usual order (contacts by last name, deals by last change), unless the
    user may not see the field it sorts on."""
    name = (obj.list_sort or "").lstrip("-")
    if name in PSEUDO_COLUMNS or any(spec.api_name == name for spec in fields):
        return obj.list_sort
    return None


def _trail() -> list[str]:
    raw = request.args.get("trail", "")
    return [part for part in raw.split(TRAIL_SEPARATOR) if part][-MAX_TRAIL:]


def _pages(cursor: str | None, next_cursor: str | None) -> dict:
    """The links of the previous and next pages, keeping every other parameter."""
    trail = _trail()
    pages = {"number": len(trail) + 1 if cursor else 1, "previous": None, "next": None}
    if cursor:
        before = trail[-1] if trail else FIRST_PAGE
        pages["previous"] = url_with(
            cursor=None if before == FIRST_PAGE else before,
            trail=TRAIL_SEPARATOR.join(trail[:-1]) or None,
        )
    if next_cursor:
        pages["next"] = url_with(
            cursor=next_cursor, trail=TRAIL_SEPARATOR.join([*trail, cursor or FIRST_PAGE])
        )
    return pages


def _filters(obj: ObjectSpec, fields: list) -> dict:
    """The filter rows of the query string, and the fields one can filter on."""
    return {
        "rows": forms.filter_rows(request.args),
        "fields": [spec for spec in fields if spec.sort_column],
        "operators": forms.OPERATOR_LABELS,
    }


# List view, board, recycle bin ---------------------------------------------------------


@bp.get("/o/<object_name>")
@member_required
def index(object_name: str):
    obj = object_for_tenant(object_name)
    if not request.args:
        for panel in _contributed("register_list_panels", obj):
            target = panel.opening and ui.call_with(panel.opening, obj=obj, actor=current_user)
            if target:
                return redirect(target, 303)
    return list_page(obj.api_name)


def list_page(object_name: str, *, panel_state: dict | None = None) -> tuple[str, int]:
    """The list page of the object (``panel_state``: panel name -> what a refused form of
    that list panel left, such as a saved view's)."""
    obj = object_for_tenant(object_name)
    g.trellis_page_path = url_for("records.index", object_name=obj.api_name)
    fields = forms.visible_fields(obj, current_user.role)
    loaded = _list_panels(obj, ui.LIST, panel_state)
    columns = _columns(obj, fields, _chosen_columns(loaded))
    filters = _filters(obj, fields)
    cursor = request.args.get("cursor") or None
    sort = request.args.get("sort") or _default_sort(obj, fields)
    error = None
    try:
        records, next_cursor = list_records(
            obj.api_name,
            filters=[row.to_filter() for row in filters["rows"]],
            sort=sort,
            cursor=cursor,
            limit=PAGE_SIZE,
            actor=current_user,
        )
    except ValidationFailed as exc:
        records, next_cursor, error = [], None, exc
    rows = to_api_many(
        obj, records, role=current_user.role, fields=forms.with_currency_sources(obj, columns)
    )
    return render_template(
        "records/list.html",
        obj=obj,
        records=list(zip(records, rows, strict=True)),
        titles=lookup_titles(obj, rows, actor=current_user, fields=columns),
        fields=fields,
        columns=columns,
        pseudo_columns=PSEUDO_COLUMNS,
        filters=filters,
        sort=sort,
        title_sort=forms.title_sort_field(obj),
        error=error,
        pages=_pages(cursor, next_cursor),
        rights=rights_of(current_user.role, obj.api_name),
        has_board=default_board_field(obj, current_user.role) is not None,
        list_panels=[_draw(p, c, obj=obj, layout=ui.LIST, columns=columns) for p, c in loaded],
    ), (422 if error else 200)


@bp.post("/o/<object_name>/columns")
@member_required
def choose_columns(object_name: str):
    obj = object_for_tenant(object_name)
    fields = forms.visible_fields(obj, current_user.role)
    allowed = [spec.api_name for spec in fields] + list(PSEUDO_COLUMNS)
    wanted = set(request.form.getlist("columns"))
    chosen = [name for name in allowed if name in wanted]
    saved = dict(session.get(COLUMNS_KEY, {}))
    if chosen and request.form.get("reset") is None:
        saved[obj.api_name] = chosen
    else:
        saved.pop(obj.api_name, None)
    session[COLUMNS_KEY] = saved
    query = [
        (key, value)
        for key, value in parse_qsl(request.form.get("query", ""), keep_blank_values=True)
        if key not in ("cursor", "trail")
    ]
    target = url_for("records.index", object_name=obj.api_name)
    return redirect(target + (f"?{urlencode(query)}" if query else ""), 303)


@bp.get("/o/<object_name>/board")
@member_required
def board(object_name: str):
    return board_page(object_name)


def board_page(object_name: str, *, panel_state: dict | None = None) -> tuple[str, int]:
    """The board of the object (``panel_state`` as for ``list_page``)."""
    obj = object_for_tenant(object_name)
    role = current_user.role
    g.trellis_page_path = url_for("records.board", object_name=obj.api_name)
    fields = forms.visible_fields(obj, role)
    loaded = _list_panels(obj, ui.BOARD, panel_state)
    filters = _filters(obj, fields)
    field_name = request.args.get("field")
    if not field_name:
        default = default_board_field(obj, role)
        field_name = default.api_name if default else None
    context = {
        "obj": obj,
        "choosable": board_fields(obj, role),
        "filters": filters,
        "rights": rights_of(role, obj.api_name),
        "board": None,
        "error": None,
    }

    def panels(columns: list[str]) -> list[Markup]:
        return [_draw(p, c, obj=obj, layout=ui.BOARD, columns=columns) for p, c in loaded]

    if field_name is None:
        return render_template("records/board.html", **context, list_panels=panels([])), 200
    try:
        board = load_board(
            obj.api_name,
            field_name,
            group_id=request.args.get("group"),
            filters=[row.to_filter() for row in filters["rows"]],
            actor=current_user,
        )
    except ValidationFailed as exc:
        return render_template(
            "records/board.html", **(context | {"error": exc, "list_panels": panels([])})
        ), 422
    records = [record for column in board.columns for record in column.records]
    columns = _columns(obj, fields, _chosen_columns(loaded))
    card_fields = [c for c in columns if c != field_name and c in obj.fields][:3]
    rows = to_api_many(
        obj, records, role=role, fields=forms.with_currency_sources(obj, card_fields)
    )
    return render_template(
        "records/board.html",
        **context
        | {
            "board": board,
            "movable": board.movable and context["rights"]["update"],
            "rows": {row["id"]: row for row in rows},
            "card_fields": [obj.fields[name] for name in card_fields],
            "titles": lookup_titles(obj, rows, actor=current_user, fields=card_fields),
            "columns": columns,
            "list_panels": panels(columns),
        },
    ), 200


@bp.get("/o/<object_name>/bin")
@member_required
def recycle_bin(object_name: str):
    obj = object_for_tenant(object_name)
    cursor = request.args.get("cursor") or None
    records, next_cursor = list_records(
        obj.api_name,
        deleted=True,
        sort="-updated_at",
        cursor=cursor,
        limit=PAGE_SIZE,
        actor=current_user,
    )
    return render_template(
        "records/bin.html",
        obj=obj,
        records=records,
        restore_days=RESTORE_DAYS,
        purge_date=purge_date,
        pages=_pages(cursor, next_cursor),
        rights=rights_of(current_user.role, obj.api_name),
    )


@bp.post("/o/<object_name>/<record_id>/restore")
@member_required
def restore(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    try:
        record = restore_record(obj.api_name, record_id, actor=current_user)
    except UserError as error:
        if isinstance(error, Forbidden | NotFound):
            raise
        # The object's rules refused (an order over its customer's credit limit).
        db.session.rollback()
        flash(_("Not restored: %(reason)s", reason=error.message), "error")
        return redirect(url_for("records.recycle_bin", object_name=obj.api_name), 303)
    flash(_("%(record)s is restored.", record=obj.title(record)), "success")
    flash_warnings()
    return redirect(_record_url(obj, record.id), 303)


# Record page, inline edit, delete ------------------------------------------------------


@bp.get("/o/<object_name>/<record_id>")
@member_required
def show(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    return record_page(obj, record_id)


def record_page(
    obj: ObjectSpec,
    record_id,
    *,
    failed: dict | None = None,
    panel_state: dict | None = None,
    status: int = 200,
):
    """The record page; ``failed`` is an inline edit that was refused, shown open with its
    messages and what was typed; ``panel_state`` maps a record panel's name to what a
    refused form of that panel left for it (the timeline's quick form)."""
    role = current_user.role
    page = load_record_page(obj.api_name, record_id, actor=current_user)
    rights = rights_of(role, obj.api_name)
    shown = {"obj": obj, "record": page.record, "page": page, "rights": rights}
    panels: dict[str, list[Markup]] = {place: [] for place in ui.RECORD_PLACES}
    for panel in _contributed("register_record_panels", obj):
        content = ui.call_with(
            panel.load,
            **shown,
            actor=current_user,
            args=request.args,
            state=(panel_state or {}).get(panel.name),
        )
        if content is not None:
            panels[panel.place].append(_draw(panel, content, **shown))
    actions = []
    for action in _contributed("register_record_actions", obj):
        url = ui.call_with(
            action.url, obj=obj, record=page.record, rights=rights, actor=current_user
        )
        if url:
            actions.append(action_link(action, url))
    editable = forms.form_fields(obj, role) if rights["update"] else []
    values = forms.raw_from_row(editable, page.row, _zone())
    if failed:
        values.update(failed["raw"])
    return render_template(
        "records/show.html",
        obj=obj,
        page=page,
        sections=forms.titled_sections(forms.visible_fields(obj, role)),
        editable={spec.api_name for spec in editable},
        values=values,
        options=lookup_options(editable, values, actor=current_user),
        rights=rights,
        failed=failed,
        panels=panels,
        actions=actions,
    ), status


def action_link(action: ui.RecordAction, url: str) -> dict:
    """What the record page's head draws for an action."""
    return {"name": action.name, "label": action.label, "url": url, "primary": action.primary}


@bp.post("/o/<object_name>/<record_id>/fields/<field_name>")
@member_required
def update_one_field(object_name: str, record_id: str, field_name: str):
    """Inline edit of one field, and a card moved on a board (form post or fetch)."""
    obj = object_for_tenant(object_name)
    spec = next(
        (s for s in forms.form_fields(obj, current_user.role) if s.api_name == field_name), None
    )
    if spec is None:
        visible = {s.api_name for s in forms.visible_fields(obj, current_user.role)}
        if field_name in visible:
            raise Forbidden(_("You cannot change this field."))
        raise NotFound(
            _("%(object)s has no field %(field)s.", object=obj.label, field=repr(field_name))
        )
    raw = forms.raw_from_form([spec], request.form)
    try:
        record = update_record(
            obj.api_name,
            record_id,
            forms.service_values([spec], raw, _zone()),
            actor=current_user,
            expected_version=request.form.get("version") or None,
        )
    except UserError as error:
        if _wants_json():
            body = {
                "error": error.code,
                "message": error.message,
                "messages": _messages(obj, error, field_name),
            }
            return jsonify(body), error.status
        if isinstance(error, Forbidden | NotFound):
            raise
        failed = {"field": field_name, "raw": raw, "message": error.message}
        failed["messages"] = _messages(obj, error, field_name)
        return record_page(obj, record_id, failed=failed, status=error.status)
    if _wants_json():
        return jsonify(_displays(obj, record) | {"warnings": record_warnings()})
    flash(_("%(field)s saved.", field=spec.label), "success")
    flash_warnings()
    return redirect(_safe_next(_record_url(obj, record.id)), 303)


def _messages(obj: ObjectSpec, error: UserError, field_name: str) -> list[str]:
    """The error's messages for one field's form, naming any other field they concern."""
    messages = []
    for name, texts in (error.errors or {}).items():
        label = obj.fields[name].label if name in obj.fields else name
        messages += [text if name == field_name else f"{label}: {text}" for text in texts]
    return messages or [error.message]


def _displays(obj: ObjectSpec, record) -> dict:
    """The record's new version and every visible field's HTML, for the page to refresh."""
    row = to_api(obj, record, role=current_user.role)
    titles = lookup_titles(obj, [row], actor=current_user)
    display = get_template_attribute("records/_macros.html", "display")
    html = {
        name: str(display(obj.fields[name], row[name], titles))
        for name in row
        if name in obj.fields
    }
    return {"id": row["id"], "version": record.version, "html": html}


@bp.post("/o/<object_name>/<record_id>/delete")
@member_required
def delete(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    delete_record(obj.api_name, record_id, actor=current_user)
    flash(
        ngettext(
            "The %(object)s is in the recycle bin; you can restore it for %(num)d day.",
            "The %(object)s is in the recycle bin; you can restore it for %(num)d days.",
            RESTORE_DAYS,
            object=str(obj.label).lower(),
        ),
        "success",
    )
    return redirect(url_for("records.index", object_name=obj.api_name), 303)


# Forms ---------------------------------------------------------------------------------


def _form_page(
    obj: ObjectSpec,
    fields: list,
    raw: dict,
    *,
    record=None,
    version=None,
    error: UserError | None = None,
    panel_state: dict | None = None,
    status: int = 200,
):
    shown = {"obj": obj, "record": record}
    form_panels = []
    for panel in _contributed("register_form_panels", obj):
        content = ui.call_with(
            panel.load, **shown, actor=current_user, state=(panel_state or {}).get(panel.name)
        )
        if content is not None:
            form_panels.append(_draw(panel, content, **shown))
    return render_template(
        "records/form.html",
        obj=obj,
        record=record,
        version=version,
        sections=forms.titled_sections(fields),
        values=raw,
        errors=(error.errors if error else {}) or {},
        error=error,
        options=lookup_options(fields, raw, actor=current_user),
        form_panels=form_panels,
        zone=_zone(),
    ), status


@bp.route("/o/<object_name>/new", methods=["GET", "POST"])
@member_required
def create(object_name: str):
    obj = object_for_tenant(object_name)
    require_right(current_user, obj.api_name, "create", obj.label_plural.lower())
    fields = forms.form_fields(obj, current_user.role)
    if request.method == "GET":
        raw = forms.default_raw(fields, _zone())
        # A record left without an owner is its creator's (create_record): the form says so.
        if any(spec.api_name == "owner_id" for spec in fields) and not raw.get("owner_id"):
            raw["owner_id"] = str(current_user.id)
        # Links such as "New contact" on a company's page pre-fill the lookup.
        given = forms.raw_from_form(fields, request.args)
        raw.update({name: value for name, value in given.items() if name in request.args})
        return _form_page(obj, fields, raw)
    raw = forms.raw_from_form(fields, request.form)
    values = forms.service_values(fields, raw, _zone())
    for panel in _contributed("register_form_panels", obj):
        if panel.before_create is None:
            continue
        stopped = ui.call_with(
            panel.before_create, obj=obj, values=values, actor=current_user, form=request.form
        )
        if stopped is not None:
            return _form_page(obj, fields, raw, panel_state={panel.name: stopped}, status=409)
    try:
        record = create_record(obj.api_name, values, actor=current_user)
    except UserError as error:
        if isinstance(error, Forbidden):
            raise
        return _form_page(obj, fields, raw, error=error, status=error.status)
    flash(
        _("%(object)s %(record)s created.", object=obj.label, record=obj.title(record)), "success"
    )
    flash_warnings()
    return redirect(_record_url(obj, record.id), 303)


@bp.route("/o/<object_name>/<record_id>/edit", methods=["GET", "POST"])
@member_required
def edit(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    record = get_record(obj.api_name, record_id, actor=current_user, action="update")
    fields = forms.form_fields(obj, current_user.role)
    if request.method == "GET":
        row = to_api(obj, record, role=current_user.role)
        raw = forms.raw_from_row(fields, row, _zone())
        return _form_page(obj, fields, raw, record=record, version=record.version)
    raw = forms.raw_from_form(fields, request.form)
    version = request.form.get("version") or None
    try:
        record = update_record(
            obj.api_name,
            record.id,
            forms.service_values(fields, raw, _zone()),
            actor=current_user,
            expected_version=version,
        )
    except UserError as error:
        if isinstance(error, Forbidden | NotFound):
            raise
        return _form_page(
            obj, fields, raw, record=record, version=version, error=error, status=error.status
        )
    flash(_("%(record)s saved.", record=obj.title(record)), "success")
    flash_warnings()
    return redirect(_record_url(obj, record.id), 303)
