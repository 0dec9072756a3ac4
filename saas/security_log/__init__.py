"""The tenant's tamper-evident log of security and configuration events.

Call ``record("user.role_changed", target=..., details=...)`` from the service that makes
the change; see ``services`` for how entries are chained and ``events`` for their names.
"""

from saas.security_log.services import CURRENT_ACTOR, changes, head, record, verify

__all__ = ["CURRENT_ACTOR", "changes", "head", "record", "verify"]
