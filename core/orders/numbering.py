"""The human numbers of quotes and orders: Q-2026-0001, SO-2026-0001.

A number is the workspace's prefix for the object (``core.orders.settings``), the year
the record was created (UTC) and a sequence that starts again at 1 each year, at least
four digits wide. The sequence is the tenant counter "<object>:<year>"
(``tenants.counters``): taken in the transaction that creates the record, so numbers are
unique, never given twice under concurrency, and have no gaps unless a record is created
and its transaction then rolled back after the number was taken (which writes nothing,
so the number comes again). The database also refuses a number twice per tenant.
"""

from __future__ import annotations

import datetime as dt

from core.orders.settings import number_prefix
from saas import clock
from tenants.counters import next_value

SEQUENCE_WIDTH = 4


def counter_name(object_name: str, year: int) -> str:
    return f"{object_name}:{year}"


def format_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}{year}-{sequence:0{SEQUENCE_WIDTH}d}"


def next_number(object_name: str, *, at: dt.datetime | None = None) -> str:
    """The number of a new quote ("quotes") or order ("orders") of the current tenant."""
    year = (at or clock.now()).year
    sequence = next_value(counter_name(object_name, year))
    return format_number(number_prefix(object_name), year, sequence)
