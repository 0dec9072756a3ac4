"""Creating a tenant: a few INSERTs in one transaction, no DDL."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from saas import security_log
from saas.auth import password_policy
from saas.auth import services as accounts
from saas.auth.models import User
from saas.auth.passwords import hash_password
from saas.auth.roles import ADMIN
from saas.billing import services as billing
from saas.db import db
from saas.errors import Conflict, ValidationFailed
from saas.i18n import _
from saas.plugins.manager import current_manager, notify
from saas.plugins.tenant import hooks_for
from tenants.models import Tenant
from tenants.scoping import tenant_scope
from tenants.settings import initial_settings

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$")

# Names that must never become a tenant's subdomain: our own hosts and likely phishing bait.
RESERVED_SLUGS = frozenset(
    (
        "www www1 www2 api app apps admin administrator static assets media cdn img images "
        "files mail email smtp imap pop webmail mx ns ns1 ns2 dns ftp sftp ssh vpn git auth "
        "login logout signin signup sign-up register oauth sso account accounts billing pay "
        "payment payments checkout invoice invoices stripe support help helpdesk docs doc "
        "status blog news about contact legal terms privacy security abuse postmaster "
        "hostmaster webmaster root system internal operator platform console dashboard portal "
        "trellis dev test staging stage prod production beta demo-admin localhost health "
        "metrics "
    ).split()
)


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot be a new subdomain, or None when it is free."""
    return _slug_check(slug)[0]


def _slug_check(slug: str) -> tuple[str | None, bool]:
    """(why ``slug`` cannot be a new subdomain or None, whether it is another's)."""
    problem = _slug_form_problem(slug)
    if problem:
        return problem, False
    if _slug_taken(slug):
        suggestion = free_slug_like(slug)
        if suggestion:
            return _(
                "%(slug)s is taken. %(suggestion)s is free: use it, or choose another.",
                slug=slug,
                suggestion=suggestion,
            ), True
        return _("This subdomain is taken. Choose another."), True
    return None, False


def _slug_form_problem(slug: str) -> str | None:
    if not slug:
        return _("Choose a subdomain.")
    if len(slug) < 3 or len(slug) > 40:
        return _("Use 3 to 40 characters.")
    if not SLUG_PATTERN.match(slug):
        return _(
            "Use lowercase letters, digits and hyphens, starting and ending with a letter or digit."
        )
    if "--" in slug:
        return _("Do not use two hyphens in a row.")
    if slug in RESERVED_SLUGS:
        return _("This subdomain is reserved. Choose another.")
    return None


def _slug_taken(slug: str) -> bool:
    return bool(
        db.session.scalar(select(func.count()).select_from(Tenant).where(Tenant.slug == slug))
    )


def free_slug_like(slug: str) -> str | None:
    """A free subdomain close to ``slug`` (``acme-2``, ``acme-3``...), or None."""
    stem = slug[:37].rstrip("-")
    candidates = [f"{stem}-{n}" for n in range(2, 100)]
    taken = set(db.session.scalars(select(Tenant.slug).where(Tenant.slug.in_(candidates))))
    return next(
        (
            candidate
            for candidate in candidates
            if candidate not in taken and SLUG_PATTERN.match(candidate) and "--" not in candidate
        ),
        None,
    )


def clean_company_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(_("Enter your company's name."), field="company")
    if len(name) > 200:
        raise ValidationFailed(_("Use at most 200 characters."), field="company")
    return name


def create_tenant(
    *,
    slug: str,
    name: str,
    admin_email: str,
    admin_name: str,
    admin_password: str | None = None,
    admin_password_hash: str | None = None,
    plan: str | None = None,
) -> tuple[Tenant, User]:
    """Create a tenant, its first admin and its defaults (each area's ``tenant_created``
    hook: the "Sales" pipeline, the standard price book in the workspace's currency, SLA
    targets, relationship types). Flushes; the caller commits.

    Every input is checked before anything is written, so bad input writes nothing.
    Pass ``admin_password_hash`` to hash outside the transaction. ``plan`` is the plan the
    workspace starts on: by default a trial of the configured paid plan, without a card.
    """
    slug = (slug or "").strip().lower()
    problem, taken = _slug_check(slug)
    if problem:
        raise (Conflict if taken else ValidationFailed)(problem, field="slug")
    name = clean_company_name(name)
    admin_email = accounts.normalize_email(admin_email)
    admin_name = accounts.clean_name(admin_name)
    plan = billing.signup_plan(plan)
    if admin_password_hash is None:
        # Hash before the first write: the ~50 ms of Argon2 hold no row or unique entry.
        password = password_policy.check_new_password(
            admin_password, email=admin_email, name=admin_name, workspace=(slug, name)
        )
        admin_password_hash = hash_password(password)
    tenant = Tenant(slug=slug, name=name, plan=plan, settings=initial_settings())
    try:
        with db.session.begin_nested():
            db.session.add(tenant)
    except IntegrityError:
        # Another sign-up took the slug between our check and our INSERT.
        raise Conflict(_("This subdomain is taken. Choose another."), field="slug") from None
    with tenant_scope(tenant.id):
        admin = accounts.create_user(
            email=admin_email,
            name=admin_name,
            role=ADMIN,
            password_hash=admin_password_hash,
            logged_as=None,
        )
        security_log.record(
            "workspace.created",
            actor=None,
            target=slug,
            details={"name": name, "admin": admin_email, "plan": plan},
        )
        billing.start_trial(tenant, plan=plan)
        # The areas' defaults: the "Sales" pipeline, the standard price book in the
        # workspace's currency, SLA targets, relationship types (and any plugin's).
        # A new workspace has no plugin enabled yet: only core's implementations run (a
        # plugin installs its defaults in plugin_enabled).
        notify(hooks_for(current_manager(), ()), "tenant_created", tenant=tenant, admin=admin)
    return tenant, admin


def get_tenant_by_slug(slug: str) -> Tenant | None:
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug.lower()))
