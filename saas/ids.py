"""Identifiers: time-ordered UUIDs (version 7) for every row.

Random UUIDs would scatter inserts over the whole primary-key index; a UUIDv7 starts with
the millisecond clock, so new rows land at the end of the index like a sequence would,
while ids stay unguessable and can be generated before the INSERT, on any engine.

Within a process ids are strictly increasing (RFC 9562, section 6.2, method 3: the 12 bits
after the milliseconds hold the sub-millisecond fraction, bumped by one when the clock has
not moved): sorting records by id is sorting them by creation, which lists use as their
default order through the primary key index.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = 0  # the last 60-bit timestamp handed out: milliseconds << 12 | fraction


def _next_timestamp() -> int:
    global _last
    now = time.time_ns()
    millis, rest = divmod(now, 1_000_000)
    stamp = ((millis & ((1 << 48) - 1)) << 12) | (rest * 4096 // 1_000_000)
    with _lock:
        stamp = max(stamp, _last + 1)
        _last = stamp
    return stamp


def new_id() -> uuid.UUID:
    """A new UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version, a 12-bit sub-millisecond
    fraction, variant, 62 random bits."""
    stamp = _next_timestamp()
    value = (stamp >> 12) << 80
    value |= 0x7 << 76
    value |= (stamp & 0xFFF) << 64
    value |= 0b10 << 62
    value |= int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def parse_id(value: object) -> uuid.UUID | None:
    """A UUID from user input, or None when it is not one (callers answer 404)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
