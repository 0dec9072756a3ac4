"""The ``trellis`` command: Flask's CLI plus the operator commands.

Each command is a boundary: it calls services and commits once, or rolls back and exits
with a clear message.
"""

from __future__ import annotations

import functools
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from saas.auth.actors import SYSTEM
from saas.db import db
from saas.errors import UserError


def _create_app(*args, **kwargs) -> Flask:
    from saas.app import create_app
    from saas.config import ConfigurationError

    try:
        return create_app()
    except ConfigurationError as error:
        click.echo(f"Error: {error}", err=True)
        click.echo("Run `trellis doctor` to check the whole configuration.", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Trellis CRM: operate the platform."""


@main.command("doctor", with_appcontext=False)
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@click.option(
    "--runtime",
    is_flag=True,
    help="Check a running process's environment (a web, worker or scheduler pod), which has "
    "the app role and not DATABASE_OWNER_URL.",
)
def doctor(as_json: bool, runtime: bool) -> None:
    """Check the whole configuration (works when the app refuses to start); exit 1 on FAIL."""
    import json

    from saas.doctor import as_dicts, failed, run_checks

    checks = run_checks(runtime=runtime)
    if as_json:
        click.echo(json.dumps({"ok": not failed(checks), "checks": as_dicts(checks)}, indent=2))
    else:
        for check in checks:
            click.echo(check.line())
    sys.exit(1 if failed(checks) else 0)


def boundary(func):
    """Commit after the command, or roll back and report a user error without a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            result = func(*args, **kwargs)
        except UserError as error:
            db.session.rollback()
            field = f"{error.field}: " if error.field else ""
            click.echo(f"Error: {field}{error.message}", err=True)
            sys.exit(2)
        db.session.commit()
        from saas.jobs import dispatch_outbox

        dispatch_outbox()
        return result

    return with_appcontext(wrapper)


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply the migrations (as DATABASE_OWNER_URL) and grant the app role its rights."""
    from saas.migrate import upgrade_database

    click.echo(upgrade_database(revision).describe())


@click.group("tenant")
def tenant_group() -> None:
    """Tenants (workspaces)."""


@tenant_group.command("create")
@click.option("--slug", required=True, help="Subdomain, e.g. acme")
@click.option("--name", required=True, help="Company name")
@click.option("--admin-email", required=True)
@click.option("--admin-password", required=True)
@click.option("--admin-name", default=None, help="Defaults to the part before @")
@boundary
def tenant_create(slug, name, admin_email, admin_password, admin_name) -> None:
    """Create a tenant and its first admin."""
    from tenants.provisioning import create_tenant
    from tenants.resolver import tenant_url

    tenant, _ = create_tenant(
        slug=slug,
        name=name,
        admin_email=admin_email,
        admin_name=admin_name or admin_email.split("@")[0],
        admin_password=admin_password,
    )
    click.echo(f"Created tenant {tenant.slug} at {tenant_url(tenant)}")


@tenant_group.command("list")
@with_appcontext
def tenant_list() -> None:
    """List tenants."""
    from sqlalchemy import select

    from tenants.models import Tenant

    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.created_at)):
        click.echo(f"{tenant.slug}\t{tenant.status}\t{tenant.plan}\t{tenant.name}")


@click.group("token")
def token_group() -> None:
    """Personal API tokens."""


@token_group.command("create")
@click.option("--tenant", "slug", required=True)
@click.option("--email", required=True)
@click.option("--name", required=True, help="What the token is for")
@click.option(
    "--scope",
    type=click.Choice(["read_write", "read_only"]),
    default="read_write",
    show_default=True,
    help="read_only tokens can only read (GET)",
)
@click.option(
    "--expires",
    default="never",
    show_default=True,
    help="never, a number of days (7, 30, 90, 365) or a date (YYYY-MM-DD)",
)
@boundary
def token_create(slug, email, name, scope, expires) -> None:
    """Create an API token for a user; prints only the token."""
    from saas.auth import api_tokens
    from saas.auth import services as accounts
    from saas.errors import NotFound
    from tenants.provisioning import get_tenant_by_slug
    from tenants.scoping import tenant_scope

    tenant = get_tenant_by_slug(slug)
    if tenant is None:
        raise NotFound(f"No tenant {slug!r}.", field="tenant")
    with tenant_scope(tenant.id):
        user = accounts.find_user_by_email(email)
        if user is None or not user.is_active:
            raise NotFound(f"No active user {email!r} in {slug}.", field="email")
        choice, on = (expires, None) if "-" not in expires else ("date", expires)
        expires_at = api_tokens.expiry_for(choice, on, tz=(tenant.settings or {}).get("timezone"))
        _, raw = api_tokens.create_api_token(
            user=user, name=name, scope=scope, expires_at=expires_at
        )
        db.session.commit()
    click.echo(raw)


@click.command("demo")
@boundary
def demo() -> None:
    """Create (or refresh) the demo tenant and print where to sign in."""
    from saas.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG, ensure_demo_tenant
    from tenants.provisioning import get_tenant_by_slug
    from tenants.resolver import platform_url, tenant_url

    existed = get_tenant_by_slug(DEMO_SLUG) is not None
    tenant = ensure_demo_tenant()
    if existed:
        click.echo(f"The demo workspace {tenant.name!r} is ready (it was created earlier).")
    else:
        click.echo(f"Created the demo workspace {tenant.name!r}, with a team and sample work.")
    click.echo(
        f"Sign in to it at {tenant_url(tenant, '/login')}\n"
        f"  e-mail:   {DEMO_EMAIL}\n"
        f"  password: {DEMO_PASSWORD}\n"
        f"New companies sign up at {platform_url('/signup')}"
    )


@click.group("mail")
def mail_group() -> None:
    """Outgoing e-mail."""


@mail_group.command("deliver")
@with_appcontext
def mail_deliver() -> None:
    """Send every tenant's pending e-mail (run it from cron until the job queue does)."""
    from sqlalchemy import select

    from saas.mail import deliver_outbox
    from tenants.models import Tenant

    sent = 0
    for tenant_id in db.session.scalars(select(Tenant.id).where(Tenant.status != "deleted")).all():
        sent += deliver_outbox(tenant_id)
    click.echo(f"Sent {sent} message(s).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run jobs from Redis (needs REDIS_URL); sweeps the outbox first."""
    from redis import Redis
    from rq import Worker

    from saas.jobs import dispatch_outbox

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.UsageError("Set REDIS_URL: without Redis, jobs run inside the web process.")
    dispatch_outbox()
    Worker(["trellis"], connection=Redis.from_url(url)).work(burst=burst, with_scheduler=True)


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Start the periodic work every area declares (``register_periodic_tasks``: the outbox
    sweep every 30 seconds, the nightly quote expiry, recycle-bin purge and billing
    reconciliation); needs REDIS_URL. Prints each task and when it runs."""
    from redis import Redis
    from rq.cron import CronScheduler

    from saas.jobs import periodic_registry, run_periodic_task

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.UsageError("Set REDIS_URL to run the scheduler.")
    cron = CronScheduler(connection=Redis.from_url(url))
    for task in periodic_registry().values():
        when = {"cron": task.cron} if task.cron else {"interval": task.interval}
        cron.register(run_periodic_task, "trellis", args=(task.name,), name=task.name, **when)
        click.echo(f"{task.name}: {task.when()}")
    cron.start()


@click.group("billing")
def billing_group() -> None:
    """Plans, seats and subscriptions."""


def tenant_or_fail(slug: str):
    from saas.errors import NotFound
    from tenants.provisioning import get_tenant_by_slug

    tenant = get_tenant_by_slug(slug)
    if tenant is None:
        raise NotFound(f"No tenant {slug!r}.", field="tenant")
    return tenant


@billing_group.command("reconcile")
@click.option("--tenant", "slug", default=None, help="Only this tenant (default: all).")
@boundary
def billing_reconcile(slug: str | None) -> None:
    """Enqueue the reconciliation of every tenant (or one) with the payment provider."""
    from saas.billing.jobs import enqueue_reconciliation, reconcile_billing_job
    from saas.jobs import enqueue

    if slug:
        tenant = tenant_or_fail(slug)
        enqueue(reconcile_billing_job, tenant.id)
        click.echo(f"Reconciliation of {slug} enqueued.")
    else:
        click.echo(f"Reconciliation of {enqueue_reconciliation()} tenant(s) enqueued.")


@billing_group.command("simulate-payment-failure")
@click.option("--tenant", "slug", required=True)
@click.option("--days-ago", default=0, type=int, help="When the charge failed.")
@boundary
def billing_simulate_failure(slug: str, days_ago: int) -> None:
    """Offline backend only: decline the renewal charge of a tenant (to try dunning)."""
    from saas.billing import services

    tenant = tenant_or_fail(slug)
    summary = services.simulate_payment_failure(tenant.id, days_ago=days_ago)
    click.echo(f"{slug} is now {summary.status}.")


@billing_group.command("stripe-setup")
@boundary
def billing_stripe_setup() -> None:
    """Create (or find) the Stripe product and prices of every paid plan, by lookup key."""
    from saas.billing.backends import get_backend

    backend = get_backend()
    if backend.name != "stripe":
        raise click.UsageError("Set BILLING_BACKEND=stripe and STRIPE_API_KEY first.")
    for line in backend.ensure_prices():
        click.echo(line)


@click.group("security-log")
def security_log_group() -> None:
    """The tenants' hash-chained logs of security and configuration events."""


@security_log_group.command("verify")
@click.option("--tenant", "slug", default=None, help="Only this tenant (default: all).")
@click.option(
    "--head",
    default=None,
    help="With --tenant: an entry number and hash kept earlier (N:HASH, as the log page "
    "shows it); the chain must still hold that entry with that hash.",
)
@with_appcontext
def security_log_verify(slug: str | None, head: str | None) -> None:
    """Walk each chain from its first entry; exit 1 if any is broken, naming the entry."""
    from sqlalchemy import select

    from saas import security_log
    from saas.security_log.services import parse_head
    from tenants.models import Tenant

    try:
        if head and not slug:
            raise UserError("Give --tenant with --head: a head belongs to one tenant's log.")
        expected = parse_head(head) if head else None
        if slug:
            tenant = tenant_or_fail(slug)
            tenants = [(tenant.id, tenant.slug)]
        else:
            query = select(Tenant.id, Tenant.slug).where(Tenant.status != "deleted")
            tenants = db.session.execute(query.order_by(Tenant.created_at)).all()
    except UserError as error:
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(2)
    broken = 0
    for tenant_id, tenant_slug in tenants:
        status = security_log.verify(tenant_id, expected_head=expected)
        if status.ok:
            click.echo(
                f"{tenant_slug}: verified, {status.entries} entries, "
                f"head {status.head_seq}:{status.head_hash}"
            )
        else:
            broken += 1
            click.echo(
                f"{tenant_slug}: BROKEN at entry {status.broken_at}: {status.problem} "
                f"({status.entries} entries verified before it)"
            )
    db.session.rollback()
    if broken:
        sys.exit(1)


@click.group("plugin")
def plugin_group() -> None:
    """Installed plugins and the workspaces that enabled them (docs/plugins.md)."""


@plugin_group.command("list")
@with_appcontext
def plugin_list() -> None:
    """Each plugin found, installed or refused (with the reason), and the workspaces that
    enabled it."""
    from sqlalchemy import select

    from saas.plugins.manager import current_manager, plugin_states
    from saas.plugins.models import TenantPlugin
    from tenants.models import Tenant
    from tenants.scoping import tenant_scope

    states = plugin_states(current_manager())
    if not states:
        click.echo("No plugins installed (entry-point group trellis.plugins).")
        return
    enabled: dict[str, list[str]] = {}
    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.slug)):
        with tenant_scope(tenant.id):
            names = select(TenantPlugin.name).where(TenantPlugin.enabled)
            for name in db.session.scalars(names):
                enabled.setdefault(name, []).append(tenant.slug)
    db.session.rollback()
    for name, state in sorted(states.items()):
        if state.reason:
            click.echo(f"{name}\trefused\t{state.reason}")
            continue
        slugs = ", ".join(enabled.get(name, [])) or "none"
        meta = state.meta
        click.echo(f"{name}\t{meta.version}\tinstalled\t{meta.title}\ttenants: {slugs}")


@plugin_group.command("enable")
@click.argument("name")
@click.option("--tenant", "slug", required=True)
@click.option("--sample-data", is_flag=True, help="Also load the plugin's sample data.")
@boundary
def plugin_enable(name: str, slug: str, sample_data: bool) -> None:
    """Enable plugin NAME for one workspace (as the system, within its plan)."""
    from saas.plugins import services
    from tenants.scoping import tenant_scope

    tenant = tenant_or_fail(slug)
    with tenant_scope(tenant.id):
        services.enable_plugin(name, actor=SYSTEM, sample_data=sample_data)
        db.session.commit()
    click.echo(f"Enabled {name} for {tenant.slug}.")


@plugin_group.command("disable")
@click.argument("name")
@click.option("--tenant", "slug", required=True)
@boundary
def plugin_disable(name: str, slug: str) -> None:
    """Disable plugin NAME for one workspace (its data stays)."""
    from saas.plugins import services
    from tenants.scoping import tenant_scope

    tenant = tenant_or_fail(slug)
    with tenant_scope(tenant.id):
        services.disable_plugin(name, actor=SYSTEM)
        db.session.commit()
    click.echo(f"Disabled {name} for {tenant.slug}.")


PLATFORM_COMMANDS = (
    db_group,
    tenant_group,
    token_group,
    demo,
    mail_group,
    worker,
    scheduler,
    billing_group,
    security_log_group,
    plugin_group,
)


def register_commands(app: Flask, pm) -> None:
    """The platform's commands, then every command the hooks contribute
    (``register_commands``); a name taken twice is refused, naming both."""
    from saas.plugins.manager import commands

    for command in (*PLATFORM_COMMANDS, *commands(pm)):
        taken = app.cli.commands.get(command.name)
        if taken is not None:
            raise ValueError(
                f"trellis {command.name}: {_origin(command)} declares a command that "
                f"{_origin(taken)} already has"
            )
        app.cli.add_command(command)


def _origin(command: click.Command) -> str:
    callback = command.callback
    return getattr(callback, "__module__", None) or repr(command)
