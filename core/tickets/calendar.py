"""Business time: adding working minutes to a moment and counting them between two moments.

Pure (no database, no Flask): a ``BusinessCalendar`` is a time zone, the working intervals
of each weekday in wall-clock time, and holiday dates. Every boundary is a wall-clock time
of a local date, turned into an instant with one monotone rule, so that a day's intervals
stay ordered and a working minute is always a real elapsed minute:

- a wall time that exists once is that instant;
- a wall time that exists twice (the hour repeated when clocks go back) is its first
  occurrence, so an interval across the change lasts one hour longer;
- a wall time that does not exist (the hour skipped when clocks go forward) is the moment
  of the change, so an interval across it lasts one hour less.

Intervals are within one day (``end`` may be 24:00): a night shift is 22:00-24:00 on one
day and 00:00-06:00 on the next, and adding time runs through midnight without a gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

DAY_MINUTES = 24 * 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_UTC = dt.UTC
# Far more days than any target can span on a calendar with working minutes; a guard
# against a calendar whose every working day in reach is a holiday.
_MAX_DAYS = 20 * 366


class EmptyCalendar(ValueError):
    """The calendar has no working minutes, so no business time can ever pass."""

    def __init__(self, message: str = "The business calendar has no working hours.") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class BusinessCalendar:
    """``week``: seven tuples (Monday first) of ``(start, end)`` minutes of the day,
    ``0 <= start < end <= 1440``, sorted and not overlapping. ``holidays``: local dates
    without any working time."""

    zone: dt.tzinfo
    week: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("Give the intervals of seven weekdays, Monday first.")
        for day in self.week:
            previous_end = 0
            for start, end in day:
                if not 0 <= start < end <= DAY_MINUTES:
                    raise ValueError(f"Bad interval {start}-{end}: 0 <= start < end <= 1440.")
                if start < previous_end:
                    raise ValueError("A day's intervals must be sorted and not overlap.")
                previous_end = end
        if not any(self.week):
            raise EmptyCalendar()

    @classmethod
    def build(
        cls,
        zone: dt.tzinfo | str,
        week: Iterable[Iterable[tuple[int, int]]],
        holidays: Iterable[dt.date] = (),
    ) -> BusinessCalendar:
        return cls(
            zone=ZoneInfo(zone) if isinstance(zone, str) else zone,
            week=tuple(tuple(sorted(tuple(pair) for pair in day)) for day in week),
            holidays=frozenset(holidays),
        )

    @property
    def weekly_minutes(self) -> int:
        return sum(end - start for day in self.week for start, end in day)

    # Instants --------------------------------------------------------------------------

    def instant(self, day: dt.date, minute: int) -> dt.datetime:
        """The instant (UTC) of ``minute`` past local midnight of ``day`` (the rule above)."""
        if minute >= DAY_MINUTES:
            day, minute = day + dt.timedelta(days=1), minute - DAY_MINUTES
        wall = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
        first = wall.replace(tzinfo=self.zone, fold=0).astimezone(_UTC)
        if first.astimezone(self.zone).replace(tzinfo=None) == wall:
            return first  # exists (fold=0 is the first occurrence of a repeated time)
        # Skipped: the change lies between the two readings of the wall time.
        low = wall.replace(tzinfo=self.zone, fold=1).astimezone(_UTC)
        high = first
        if low > high:
            low, high = high, low
        before = low.astimezone(self.zone).utcoffset()
        while high - low > dt.timedelta(seconds=1):
            middle = low + (high - low) / 2
            if middle.astimezone(self.zone).utcoffset() == before:
                low = middle
            else:
                high = middle
        return high.replace(microsecond=0) if high.microsecond else high

    def windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working windows of a local date, as UTC instants, in order."""
        if day in self.holidays:
            return []
        spans = []
        for start, end in self.week[day.weekday()]:
            begin, finish = self.instant(day, start), self.instant(day, end)
            if finish > begin:
                spans.append((begin, finish))
        return spans

    def _days(self, moment: dt.datetime, step: int) -> Iterator[dt.date]:
        day = moment.astimezone(self.zone).date() - dt.timedelta(days=step)
        for _ in range(_MAX_DAYS):
            yield day
            day += dt.timedelta(days=step)
        raise EmptyCalendar("The business calendar has no working hours in reach.")

    # Business time ----------------------------------------------------------------------

    def add(self, moment: dt.datetime, minutes: int | float) -> dt.datetime:
        """The moment when ``minutes`` of business time have passed after ``moment``.

        Outside working hours the clock starts at the next working moment. A result that
        falls on the end of a window is that end (17:30 on a Friday, not 09:00 Monday).
        Negative minutes count backwards. The answer is in UTC."""
        start = _aware(moment)
        if minutes < 0:
            return self.subtract(start, -minutes)
        left = dt.timedelta(minutes=minutes)
        if not left:
            return start
        for day in self._days(start, 1):
            for begin, finish in self.windows(day):
                if finish <= start:
                    continue
                begin = max(begin, start)
                if left <= finish - begin:
                    return begin + left
                left -= finish - begin
        raise AssertionError("unreachable")  # pragma: no cover

    def subtract(self, moment: dt.datetime, minutes: int | float) -> dt.datetime:
        """The latest moment from which ``minutes`` of business time reach ``moment``."""
        end = _aware(moment)
        left = dt.timedelta(minutes=minutes)
        if not left:
            return end
        for day in self._days(end, -1):
            for begin, finish in reversed(self.windows(day)):
                if begin >= end:
                    continue
                finish = min(finish, end)
                if left <= finish - begin:
                    return finish - left
                left -= finish - begin
        raise AssertionError("unreachable")  # pragma: no cover

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The business time from ``start`` to ``end``; negative when ``end`` is earlier."""
        start, end = _aware(start), _aware(end)
        if end < start:
            return -self.between(end, start)
        total = dt.timedelta()
        day = start.astimezone(self.zone).date() - dt.timedelta(days=1)
        last = end.astimezone(self.zone).date() + dt.timedelta(days=1)
        while day <= last:
            for begin, finish in self.windows(day):
                overlap = min(finish, end) - max(begin, start)
                if overlap > dt.timedelta():
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole business minutes from ``start`` to ``end`` (towards zero)."""
        seconds = self.between(start, end).total_seconds()
        return int(seconds / 60) if seconds >= 0 else -int(-seconds / 60)

    def is_working(self, moment: dt.datetime) -> bool:
        moment = _aware(moment)
        day = moment.astimezone(self.zone).date()
        return any(
            begin <= moment < finish
            for candidate in (day - dt.timedelta(days=1), day)
            for begin, finish in self.windows(candidate)
        )


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Give an aware datetime (with a time zone), not a naive one.")
    return moment.astimezone(_UTC)


def parse_clock(text: str) -> int:
    """ "09:30" -> 570, "24:00" -> 1440; ValueError on anything else."""
    if not isinstance(text, str):
        raise ValueError("Give a time as HH:MM.")
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError("Give a time as HH:MM, e.g. 09:00 or 17:30.")
    if len(hours) > 2:
        raise ValueError("Give a time as HH:MM, e.g. 09:00 or 17:30.")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > DAY_MINUTES:
        raise ValueError("Give a time from 00:00 to 24:00.")
    return value


def format_clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
