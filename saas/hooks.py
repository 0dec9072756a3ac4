"""The platform's own contributions (accounts, billing, jobs, mail, security log, tenants),
registered through the plugin manager before any core area."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    import saas.auth.directory
    import saas.auth.models
    import saas.auth.permissions
    import saas.billing.models
    import saas.jobs.models
    import saas.mail
    import saas.security_log.models
    import tenants.counters
    import tenants.models

    return [
        saas.auth.directory,
        saas.auth.models,
        saas.auth.permissions,
        saas.billing.models,
        saas.jobs.models,
        saas.mail,
        saas.security_log.models,
        tenants.counters,
        tenants.models,
    ]
