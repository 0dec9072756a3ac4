"""The object engine's ``trellis`` commands (added through ``register_commands``)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from saas.cli import tenant_or_fail
from saas.db import db
from saas.errors import UserError


@click.command("purge-deleted")
@click.option("--dry-run", is_flag=True, help="Report what would be purged; change nothing.")
@click.option("--tenant", "slug", default=None, help="Only this tenant (default: all).")
@with_appcontext
def purge_deleted(dry_run: bool, slug: str | None) -> None:
    """Purge for good the records deleted more than 30 days ago, tenant by tenant."""
    from sqlalchemy import select

    from core.objects.purge import purge_tenant
    from tenants.models import Tenant

    if slug:
        try:
            tenant = tenant_or_fail(slug)
        except UserError as error:
            click.echo(f"Error: tenant: {error.message}", err=True)
            sys.exit(2)
        tenants = [(tenant.id, tenant.slug)]
    else:
        query = select(Tenant.id, Tenant.slug).where(Tenant.status != "deleted")
        tenants = db.session.execute(query.order_by(Tenant.created_at)).all()
    verb = "would purge" if dry_run else "purged"
    for tenant_id, tenant_slug in tenants:
        report = purge_tenant(tenant_id, dry_run=dry_run)
        total = sum(report.purged.values())
        click.echo(f"{tenant_slug}: {verb} {total} record(s)")
        for line in report.lines():
            click.echo(f"  {line}")
