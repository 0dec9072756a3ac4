"""The admin consoles' contributions (the tenant admin's setup pages and the platform
operator's console), through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_blueprints():
    from admin.billing import bp as billing
    from admin.objects import bp as objects
    from admin.operator import bp as operator
    from admin.security import bp as security
    from admin.security_log import bp as security_log
    from admin.service import bp as service
    from admin.sso import bp as sso
    from admin.tokens import bp as tokens
    from admin.users import bp as users

    return [users, sso, security, tokens, security_log, objects, billing, operator, service]
