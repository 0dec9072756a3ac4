"""The billing clock: one place to read the time, so tests can move it (trials, grace)."""

from __future__ import annotations

import datetime as dt

from saas.db import utcnow


def now() -> dt.datetime:
    return utcnow()
