"""Account tests read the security log too."""

from tests.saas.security_log.conftest import logged_events  # noqa: F401  (a fixture)
