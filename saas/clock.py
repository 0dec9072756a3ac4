"""The one clock: every piece of code that needs the time asks this module.

Domain code never calls ``datetime.now()``, ``date.today()`` or ``time.time()`` for a
business decision (SLA due times, trial ends, quote validity, purge ages, "today" on a
dashboard): it calls :func:`now` or :func:`today`. Tests move the clock with
:func:`travel` (or with ``time-machine``, which this module is built to follow), so the
suite passes at any hour and on any weekday.

``now()`` is always timezone-aware UTC. ``today(tz)`` is the calendar date in a zone (a
tenant's or a user's); without a zone it is the UTC date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

_offset = dt.timedelta()
_frozen: dt.datetime | None = None


def _real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def now() -> dt.datetime:
    """The current instant, aware, in UTC."""
    if _frozen is not None:
        return _frozen
    return _real_now() + _offset


def today(tz: str | dt.tzinfo | None = None) -> dt.date:
    """Today's date in ``tz`` (an IANA name or a tzinfo); UTC when not given."""
    if tz is None:
        return now().date()
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return now().astimezone(zone).date()


@contextlib.contextmanager
def travel(to: dt.datetime, *, tick: bool = True) -> Iterator[None]:
    """Move the clock to ``to`` (aware) for the block; with ``tick=False`` it stands still.

    For tests and the ``--at`` options of maintenance commands; never called by domain code.
    """
    global _offset, _frozen
    if to.tzinfo is None:
        raise ValueError("travel() needs an aware datetime")
    saved = (_offset, _frozen)
    if tick:
        _offset, _frozen = to - _real_now(), None
    else:
        _offset, _frozen = dt.timedelta(), to.astimezone(dt.UTC)
    try:
        yield
    finally:
        _offset, _frozen = saved


def advance(delta: dt.timedelta) -> None:
    """Move a travelling clock forward by ``delta`` (tests: "eight days later")."""
    global _offset, _frozen
    if _frozen is not None:
        _frozen = _frozen + delta
    else:
        _offset = _offset + delta
