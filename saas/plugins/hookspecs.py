"""The contract between the core and plugins: every hook, in one file.

Names: ``register_<things>`` collects (every implementation's result is used);
``<thing>_for_<context>`` resolves (``firstresult``: the first non-None answer wins);
``<noun>_<past tense>`` notifies. Hooks are always called with keyword arguments.
Core's own areas (``core/<area>/hooks.py``, ``admin/hooks.py``, ``saas/hooks.py``) are
registered before any plugin, so their contributions come first.

docs/plugins.md documents each hook with the signature below; tests/meta/test_plugin_docs.py
fails when one is missing or differs.
"""

from __future__ import annotations

from saas.plugins import hookspec

# ---------------------------------------------------------------------------------------
# App start-up: called once per process by ``saas.app.create_app``, outside any request
# and outside any database transaction.
# ---------------------------------------------------------------------------------------


@hookspec
def register_models():
    """Declare the modules that hold SQLAlchemy models.

    Arguments: none.
    Returns: an iterable of modules; importing them adds their tables to ``db.metadata``
    (the app, ``alembic check`` and the migrations all see the same metadata).
    Called: by ``create_app`` before the database is bound, and by the Alembic environment
    when it runs without an app; outside any request and transaction.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_blueprints():
    """Declare the Flask blueprints of the web pages (and any route outside /api/v1).

    Arguments: none.
    Returns: an iterable of ``flask.Blueprint``; each is registered on the app as it is
    (its own ``url_prefix``, CSRF-protected like every form). API blueprints go through
    ``register_api_blueprints`` instead.
    Called: by ``create_app``, once per app, after the extensions are set up; outside any
    request and transaction. Core's blueprints come first, in registration order.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_api_blueprints():
    """Declare the blueprints nested in the one ``/api/v1`` parent blueprint.

    Arguments: none.
    Returns: an iterable of ``flask.Blueprint`` with no ``url_prefix`` of their own (their
    rules are relative to ``/api/v1``). The parent authenticates every request with its
    bearer token (``g.api_user``, ``g.api_token``; a 401 otherwise), exempts it from CSRF
    and answers errors in JSON, so a nested blueprint declares none of that. Endpoints are
    named ``api.<blueprint>.<view>`` (``url_for("api.objects.get_object", ...)``).
    Called: by ``create_app``, once per app, when it builds the parent; outside any
    request and transaction.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_commands():
    """Declare the area's ``trellis`` commands.

    Arguments: none.
    Returns: an iterable of ``click.Command`` (a command or a ``click.Group`` of them), each
    added to the ``trellis`` group under its own name after the platform's commands. A name
    that is already taken (``db``, or another area's command) stops ``create_app`` with a
    ``ValueError`` naming both. A command that needs the app is decorated with
    ``flask.cli.with_appcontext``, or with ``saas.cli.boundary``, which also makes it its own
    transaction boundary (commits once, or rolls back and exits 2 on a ``UserError``).
    Called: by ``create_app``, once per app, after the blueprints; outside any request and
    transaction.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_jobs():
    """Declare the area's background jobs, each under a stable name.

    Arguments: none.
    Returns: a mapping of name to job function, ``{"billing.sync_seats": sync_seats_job}``.
    A name is dotted lower-case words, the area first; it is what the outbox stores, so it
    never changes when the code moves (renaming one needs a data migration of
    ``job_outbox``). A job is ``job(tenant_id, *ids)`` (string ids) and runs in its own
    transaction inside the tenant's scope; ``@tenant_job(timeout=..., retries=...)`` sets its
    options (default 60 s, 3 retries). ``enqueue(job, tenant_id, ...)`` accepts the function
    or its name; a name taken twice is refused.
    Called: when the app first enqueues, dispatches or runs a job (and again after the
    registered implementations change); in or out of a request, but the hook itself only
    declares and touches no database.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_periodic_tasks():
    """Declare the work ``trellis scheduler`` starts on a schedule.

    Arguments: none.
    Returns: an iterable of ``saas.jobs.PeriodicTask(name, run, cron=... | interval=...)``:
    ``run()`` takes no arguments and returns a count (typically it enqueues one job per
    tenant with ``enqueue_for_every_tenant``); ``cron`` is a crontab line in UTC,
    ``interval`` a number of seconds. The name is stable dotted words like a job's; a name
    taken twice is refused.
    Called: by ``trellis scheduler`` when it starts (to register each task with RQ's cron),
    and in the worker when a task is due, by name; outside any request. ``run`` runs in the
    worker's app outside any tenant scope, in a transaction committed after it, and the
    jobs it enqueued are dispatched then.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_tenant_settings():
    """Declare the area's keys of the workspace settings (``tenants.settings.TenantSetting``).

    Arguments: none.
    Returns: an iterable of ``TenantSetting(key, default, kind, choices=..., minimum=...,
    maximum=..., check=..., initial=..., description=...)``. The collector stamps each with
    its owner; a key the platform (``tenants.settings.PLATFORM_SETTINGS``) or another hook
    already declared is refused with a ``ValueError``. ``tenants.settings.setting(key)``
    then reads it (its default while unset or invalid) and ``update_settings`` refuses an
    undeclared key or a bad value with a ``ValidationFailed`` (422, nothing written).
    Called: once per app, the first time a setting is read or written (the result is kept
    for the app's life); outside any transaction, the hook itself only declares.
    Every implementation's result is used (not ``firstresult``).
    """


# ---------------------------------------------------------------------------------------
# Objects: called once per plugin manager (per app), the first time the object registry
# is needed, outside any request transaction; the result is kept for the app's life.
# ---------------------------------------------------------------------------------------


@hookspec
def register_object_types():
    """Declare standard object types (``core.objects.registry.ObjectSpec``).

    Arguments: none.
    Returns: an iterable of ``ObjectSpec``. The registry stamps each with its ``owner``
    ("core" for an area's hooks.py, else the plugin's name) and sorts all of them by their
    ``order`` (ties keep registration order: core first); a name given twice, or a menu
    place, opening or list default naming no field, is refused with a ``ValueError``.
    Called: by ``core.objects.registry.registry_for`` the first time the app's registry is
    needed (a request, a job, a command), outside any transaction and whatever the tenant;
    a tenant's custom fields and custom objects are added per request from the database.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_fields_for(object_name):
    """Add fields to a standard object (a plugin's own fields on ``contacts``, say).

    Arguments: ``object_name``, by keyword: the API name of a standard object
    (``"contacts"``), asked once for each.
    Returns: an iterable of ``core.objects.registry.FieldSpec`` (or None). Such a field has
    no column (no DDL ever): its values are kept in the record's custom values by its
    ``api_name``, like a custom field without a slot, so it is not filterable. The registry
    stamps it with its ``owner``; a tenant sees it only while the plugin is enabled, and
    its values stay in the records while it is not. A name the object already has is
    refused with a ``ValueError``.
    Called: with ``register_object_types``, once per app, outside any transaction.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_lookup_targets():
    """Declare tenant metadata tables that lookup fields may point to although they hold
    no records (``core.objects.registry.LookupTarget``: a deal's pipelines and stages).

    Arguments: none.
    Returns: an iterable of ``LookupTarget(name, exists, choices)``: ``exists(id)`` checks
    an id for the current tenant inside the caller's transaction; ``choices()`` returns
    the ``MetadataChoices`` forms and boards offer (called inside the request, cached for
    it). A name already used by a target or an object is refused with a ``ValueError``.
    Called: with ``register_object_types``, once per app, outside any transaction.
    Every implementation's result is used (not ``firstresult``).
    """


# ---------------------------------------------------------------------------------------
# API: the OpenAPI document (GET /api/v1/openapi.json), built inside the request that asks
# for it (read only), then kept per tenant, role and object metadata.
# ---------------------------------------------------------------------------------------


@hookspec
def register_openapi_paths(objects, role, json, ref, errors):
    """Describe the endpoints a blueprint of ``register_api_blueprints`` serves.

    Arguments: by keyword (take only those you need): ``objects``, the tenant's
    ``ObjectSpec`` list (custom objects and fields included); ``role``, the role of the
    token the document is for (fields hidden from it are absent); the document's helpers
    ``json(schema)`` (a JSON content entry), ``ref(name)`` (a ``$ref`` to a component
    schema) and ``errors(*codes)`` (the standard error responses).
    Returns: an iterable of ``(paths, schemas)`` pairs: ``paths`` maps full paths
    (``/api/v1/...``) to path items, ``schemas`` names component schemas. A path or schema
    described twice stops the build. 400, 401, 402, 403, 413 and 429 are added to every
    operation where they apply, so leave them out.
    Called: when a document is built, inside the request that asks for it (read only, in
    its transaction, under the tenant's scope); the document is then cached per tenant,
    role and object metadata, so the answer must depend on the arguments only.
    Every implementation's result is used (not ``firstresult``).
    """


# ---------------------------------------------------------------------------------------
# Events: what happened (saas/events.py), told inside the transaction that made it happen.
# ---------------------------------------------------------------------------------------


@hookspec
def event_emitted(event):
    """React to ``event`` (a ``saas.events.Event``: ``RecordCreated``, ``RecordUpdated``
    with its ``changes`` as field → (old, new), ``RecordDeleted``, ``RecordRestored``, or an
    area's or plugin's own).

    Arguments: ``event``, by keyword; check its ``name`` or its class.
    Returns: nothing (the answer is ignored).
    Called: by ``saas.events.emit``, inside the transaction of the change, after it is
    flushed and before it commits, in the tenant's scope. Flush, never commit; work that
    must survive a crash or may be slow belongs in a job (``register_event_jobs``). An
    exception propagates to the service that emitted the event, and the whole change rolls
    back.
    Every implementation is called (a notify hook, not ``firstresult``).
    """


@hookspec
def register_event_jobs():
    """Subscribe jobs to events by name.

    Arguments: none.
    Returns: a mapping or an iterable of ``(event name, job)`` pairs, e.g.
    ``[("record.updated", notify_owner)]``; ``job`` is a job of ``register_jobs``.
    Called: by ``saas.events.emit`` for each event, inside the transaction of the change:
    each subscribed job gets an outbox row in that transaction and runs after the commit as
    ``job(tenant_id, *event.job_args())`` (for record events: the event name, the object's
    API name and the record id; it reads the record and its history itself).
    Every implementation's result is used (not ``firstresult``).
    """


# ---------------------------------------------------------------------------------------
# UI: what the pages show around the areas' own content. Collected once per plugin
# manager (per app) the first time a page needs it, outside any transaction.
# ---------------------------------------------------------------------------------------


@hookspec
def register_menu_items():
    """Declare links of the menus (``saas.plugins.menus.MenuItem``).

    Arguments: none.
    Returns: an iterable of ``MenuItem(menu, label, endpoint, order=..., current=...,
    section=..., roles=..., palette=...)``: ``menu`` is "main" (the top bar, before the
    objects), "setup" (the admins' Setup menu; also offered by the command palette unless
    ``palette=False``) or "account" (the user's menu). The collector stamps each item with
    its owner and sorts each menu by ``order`` (core's items are spaced by ten; ties keep
    registration order, core first). An item whose endpoint is not registered is not shown.
    The objects of the top bar are not menu items: they come from the object registry.
    Called: once per app, the first time a page draws its menus (inside that request, but
    the result is kept for the app's life and must not depend on it or its transaction).
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_record_panels():
    """Declare panels of the record page (``saas.plugins.panels.RecordPanel``).

    Arguments: none (each panel's ``load`` is later called per request with the keyword
    arguments it names: ``obj``, ``record``, ``page``, ``rights``, ``actor``, ``args``,
    ``state``).
    Returns: an iterable of ``RecordPanel(name, template, load, place=..., objects=...,
    order=...)``; ``place`` is "top" (a notice under the page head), "main" (after the
    fields) or "aside" (the side column, before the history). The collector stamps each
    with its owner and sorts them by ``order`` (ties keep registration order, core first);
    a name given twice is refused. ``load`` returns the template's context, or None to
    leave the panel out.
    Called: once per app, the first time a record page is drawn (the result is kept for
    the app's life); each ``load`` runs inside that page's request and read-only
    transaction, under the tenant's scope, with the signed-in user as ``actor``.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_record_actions():
    """Declare buttons of the record page's head (``saas.plugins.panels.RecordAction``).

    Arguments: none (each action's ``url`` is later called per request with the keyword
    arguments it names: ``obj``, ``record``, ``rights``, ``actor``).
    Returns: an iterable of ``RecordAction(name, label, url, primary=..., objects=...,
    order=...)``, drawn before Edit and Delete in ``order``; ``url`` returns the link, or
    None to leave the button out for this record or user. A ``primary`` action is the
    page's main button (Edit then becomes a secondary one). Owner stamped, ordered and
    refused when a name is given twice, as for record panels.
    Called: once per app, the first time a record page is drawn; each ``url`` runs inside
    that page's request and read-only transaction.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_list_panels():
    """Declare panels of the list and board pages (``saas.plugins.panels.ListPanel``).

    Arguments: none (each panel's ``load`` is later called per request with ``obj``,
    ``layout``, ``actor``, ``args`` and ``state``; its ``opening`` with ``obj`` and
    ``actor``).
    Returns: an iterable of ``ListPanel(name, template, load, opening=..., layouts=...,
    objects=..., order=...)``, drawn beside the List / Board / Recycle bin tabs. A
    ``columns`` key in what ``load`` returns chooses the list's columns (a saved view's);
    ``opening`` answers where a list opened without parameters goes instead (a default
    saved view; the first non-None answer wins). Owner stamped and ordered as above.
    Called: once per app, the first time a list or board is drawn; ``load`` and
    ``opening`` run inside that page's request and read-only transaction.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_form_panels():
    """Declare panels of the record form's side column (``saas.plugins.panels.FormPanel``).

    Arguments: none (``load`` is later called with ``obj``, ``record`` (None on a new
    record), ``actor`` and ``state``; ``before_create`` with ``obj``, ``values``,
    ``actor`` and ``form``).
    Returns: an iterable of ``FormPanel(name, template, load, before_create=...,
    objects=..., order=...)``. When a new record's form is posted, each ``before_create``
    runs before anything is written: an answer other than None stops the creation, the
    form is shown again with 409 and the answer reaches that panel's ``load`` as
    ``state`` (search before create). Owner stamped and ordered as above.
    Called: once per app, the first time a form is drawn; ``load`` and ``before_create``
    run inside the form's request and its transaction, before any write.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_dashboard_panels():
    """Declare panels of the home page's dashboards (``saas.plugins.panels.DashboardPanel``).

    Arguments: none (each panel's ``load`` is later called with ``actor``, the signed-in
    user, and ``args``, the page's query parameters).
    Returns: an iterable of ``DashboardPanel(name, template, load, section, order=...)``:
    ``load`` reads what the panel shows through the record services with ``actor`` (so
    it counts only what that person may see) and returns the template's context, or None
    when the panel is not for them. Panels are grouped under their ``section`` heading,
    sections in the order of their first panel. Owner stamped and ordered as above.
    Called: once per app, the first time the home page is drawn; each ``load`` runs inside
    that request and its read-only transaction, under the tenant's scope.
    Every implementation's result is used (not ``firstresult``).
    """


# ---------------------------------------------------------------------------------------
# Tenant life cycle.
# ---------------------------------------------------------------------------------------


@hookspec
def tenant_created(tenant, admin):
    """A workspace was just created: give it the area's defaults.

    Arguments: ``tenant`` (the new ``tenants.models.Tenant``, flushed) and ``admin`` (its
    first admin, a ``saas.auth.models.User``).
    Returns: nothing (a result is ignored).
    Called: by ``tenants.provisioning.create_tenant`` (sign-up, ``trellis tenant create``,
    the demo), inside the new tenant's scope and inside the transaction that creates it,
    after its admin, its security-log entry and its trial exist. An implementation flushes
    and never commits; an exception rolls the whole creation back. Implementations run in
    registration order (``manager.notify``). A new workspace has no plugin enabled, so only
    core's implementations run: a plugin gives a workspace its defaults in
    ``plugin_enabled`` (where it finds the core defaults, the "Sales" pipeline, the
    standard price book, SLA targets and relationship types, in place).
    Not ``firstresult``: every implementation runs.
    """


@hookspec
def plugin_enabled(tenant, plugin, sample_data):
    """A tenant admin enabled ``plugin`` for ``tenant``: install what it needs there.

    Arguments: by keyword, ``tenant`` (the ``tenants.models.Tenant``), ``plugin`` (the
    plugin's name) and ``sample_data`` (True when the admin asked for the sample data and
    it was never loaded for this tenant).
    Returns: nothing (a result is ignored).
    Called: by ``saas.plugins.services.enable_plugin`` (the admin console, the API, sign-up
    with an industry), inside the tenant's scope and inside the request's transaction,
    after the ``tenant_plugins`` row is written; only the enabled plugin's own
    implementation runs (with core's, which may react to any plugin). An implementation
    writes rows, never DDL (its tables come from its migrations): pipelines, picklist
    values, settings, sample records through the record services. It runs again each time
    the plugin is enabled again, so it creates only what is missing. Flush, never commit;
    an exception refuses the enabling (the whole change rolls back).
    Not ``firstresult``: every implementation runs, core's first.
    """


@hookspec
def plugin_disabled(tenant, plugin):
    """A tenant admin disabled ``plugin`` for ``tenant``.

    Arguments: by keyword, ``tenant`` and ``plugin`` (its name).
    Returns: nothing (a result is ignored).
    Called: by ``saas.plugins.services.disable_plugin``, inside the tenant's scope and the
    request's transaction, before the plugin stops running for the tenant (its own
    implementation is still called). Its objects, fields, pages and menu items are hidden
    from then on and its hooks no longer run for the tenant; its data stays (enabling it
    again brings it back), so an implementation deletes nothing the tenant made. Flush,
    never commit. An exception is logged with the plugin's name and what the hook wrote is
    rolled back (a savepoint), but the plugin is disabled all the same: a broken plugin
    never keeps an admin from switching it off.
    Not ``firstresult``: every implementation runs, core's first.
    """


@hookspec
def register_demo_data():
    """Declare the area's part of the demo workspace (``trellis demo``, ``make run``).

    Arguments: none.
    Returns: an iterable of ``saas.demo.DemoData(name, seed, after=(...))``. ``seed`` is
    called as ``seed(team=..., today=...)``: ``team`` is the demo admin followed by the demo
    team's users, ``today`` the workspace's date. It creates its records through the record
    services unless the workspace already has them (running the demo again changes
    nothing). ``after`` names the parts whose records it needs (``"companies"``); parts
    run after those, otherwise in registration order, and a missing part or a cycle is
    refused.
    Called: by ``saas.demo.ensure_demo_tenant`` after the demo workspace and its team
    exist, inside its tenant scope and inside the command's transaction (one commit at the
    end; a failure rolls the whole run back). ``seed`` flushes and never commits.
    Every implementation's result is used (not ``firstresult``).
    """


# ---------------------------------------------------------------------------------------
# Workflows: the triggers and actions a tenant admin builds workflows from (core/workflows).
# Collected when the engine first needs them in a process (inside a request or a job, but the
# result must not depend on it or its transaction).
# ---------------------------------------------------------------------------------------


@hookspec
def register_workflow_triggers():
    """Declare what can start a workflow (``saas.plugins.workflows.WorkflowTrigger``).

    Arguments: none.
    Returns: an iterable of ``WorkflowTrigger(name, label, events=(...), matches=...,
    clean=..., record_of=..., objects=(...))``: ``events`` names the events it listens to
    (``record.updated``, or a plugin's own event emitted with ``saas.events.emit``);
    ``matches(event, config)`` says whether an event starts a workflow with the trigger's
    settings. The engine stamps each with its owner; a name given twice is refused with a
    ``ValueError``.
    Called: when the engine first needs the triggers (an event is emitted, a workflow is
    saved, the builder is drawn); ``matches`` is then called inside the transaction of the
    change that emitted the event, in the tenant's scope, and must only read.
    Every implementation's result is used (not ``firstresult``).
    """


@hookspec
def register_workflow_actions():
    """Declare the steps a workflow can take (``saas.plugins.workflows.WorkflowAction``).

    Arguments: none.
    Returns: an iterable of ``WorkflowAction(name, label, run, clean=...)``: ``run(context)``
    gets a ``saas.plugins.workflows.ActionContext`` (tenant, workflow, run, step, the record
    and the step's settings) and returns a JSON-able dict for the run log. The engine stamps
    each with its owner; a name given twice is refused with a ``ValueError``.
    Called: when the engine first needs the actions; ``run`` is called in the run's job,
    after the commit of the change that triggered it, in the tenant's scope and inside the
    job's transaction (flush, never commit; an exception fails the step and rolls back what
    it did); ``clean(config, object_name)`` when a workflow is saved, inside that request.
    Every implementation's result is used (not ``firstresult``).
    """
