"""The orders area's ``trellis`` commands (added through ``register_commands``)."""

from __future__ import annotations

import click

from saas.cli import boundary, tenant_or_fail


@click.group("quotes")
def quotes_group() -> None:
    """Quotes."""


@quotes_group.command("expire")
@click.option("--tenant", "slug", default=None, help="Only this tenant (default: all).")
@boundary
def quotes_expire(slug: str | None) -> None:
    """Enqueue the expiry of quotes whose valid-until date has passed (every tenant, or
    one); for installations that run no scheduler."""
    from core.orders.jobs import enqueue_quote_expiry, expire_quotes_job
    from saas.jobs import enqueue

    if slug:
        tenant = tenant_or_fail(slug)
        enqueue(expire_quotes_job, tenant.id)
        click.echo(f"Quote expiry of {slug} enqueued.")
    else:
        click.echo(f"Quote expiry of {enqueue_quote_expiry()} tenant(s) enqueued.")
