"""Find my workspace: the base host e-mails an address the workspaces it can sign in to.

Someone who forgot their company's address types their e-mail on the base host. The answer
on the page is the same whether or not the address has a workspace (no enumeration of
addresses); the workspaces themselves are only ever told to the mailbox. Each workspace's
message is queued in that workspace's own outbox, inside its own scope, so no workspace's
outbox holds another workspace's name; someone in three workspaces gets three short
e-mails, each with its sign-in link built from the configured base URL.

Only active members are told: a deactivated user is not, and someone invited who has not
accepted yet is pointed to their invitation instead (its link is what lets them in).
"""

from __future__ import annotations

from saas.auth import directory
from saas.auth import services as accounts
from saas.db import db
from saas.i18n import _, _l, in_language_of
from saas.mail import queue_email
from tenants.models import Tenant
from tenants.resolver import tenant_url
from tenants.scoping import tenant_scope

SUBJECT = _l("Your Trellis workspace")


def send_workspace_reminders(email: str) -> int:
    """Queue one e-mail per workspace where ``email`` is a member (flushes, never commits);
    returns how many were queued, for tests and logs only: never show it to the asker."""
    email = email.strip().lower()
    queued = 0
    for tenant_id in directory.workspaces_with_address(email):
        tenant = db.session.get(Tenant, tenant_id)
        if tenant is None or tenant.status == "deleted":
            continue
        with tenant_scope(tenant.id):
            user = accounts.find_user_by_email(email)
            if user is None or not user.is_active:
                continue
            with in_language_of(user, tenant):
                queue_email(to=email, subject=str(SUBJECT), body=_body(tenant, user))
            queued += 1
    return queued


def _body(tenant: Tenant, user) -> str:
    address = tenant_url(tenant, "/login")
    if user.is_pending:
        where = _(
            "You were invited to %(workspace)s on Trellis and have not accepted yet. Open the "
            "link in your invitation e-mail to choose your password, or ask the person who "
            "invited you to send it again. The workspace's address is %(url)s",
            workspace=tenant.name,
            url=tenant_url(tenant),
        )
    else:
        where = _(
            "You can sign in to %(workspace)s on Trellis at:\n\n%(url)s",
            workspace=tenant.name,
            url=address,
        )
    return _(
        "Hello %(name)s,\n\nSomeone (we hope you) asked which Trellis workspaces this address "
        "belongs to.\n\n%(where)s\n\nBookmark it for next time. If you did not ask, you can "
        "ignore this e-mail: nothing has changed.",
        name=user.name,
        where=where,
    )
