"""Helpers shared by the HTML views: access decorators and form error reporting."""

from __future__ import annotations

import functools

from flask import abort, flash, g
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from saas.auth.roles import ADMIN
from saas.errors import UserError


def tenant_required(view):
    """The view exists only on a tenant's address; on the base domain it is a 404."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("tenant") is None:
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def platform_only(view):
    """The view exists only on the base domain (sign-up)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("tenant") is not None:
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def member_required(view):
    """Signed in to this tenant."""
    return tenant_required(login_required(view))


def roles_required(*roles: str):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return member_required(wrapper)

    return decorator


admin_required = roles_required(ADMIN)


def report_user_error(form: FlaskForm | None, error: UserError) -> None:
    """Show a service's refusal next to the field it concerns, or as a flash message."""
    field = getattr(form, error.field, None) if (form is not None and error.field) else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
