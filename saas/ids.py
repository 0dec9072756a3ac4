"""Identifiers: time-ordered UUIDs (version 7) for every row.

Random UUIDs would scatter inserts over the whole primary-key index; a UUIDv7 starts with
the millisecond clock, so new rows land at the end of the index like a sequence would,
while ids stay unguessable and can be generated before the INSERT, on any engine.
"""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> uuid.UUID:
    """A new UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version, variant, 74 random bits."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def parse_id(value: object) -> uuid.UUID | None:
    """A UUID from user input, or None when it is not one (callers answer 404)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
