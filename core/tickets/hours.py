"""The workspace's business hours: its time zone, working hours per weekday and holidays,
kept in the tenant's settings (``settings["business_hours"]``), and which SLA targets count
in them (``settings["sla_hours"]``, per priority, ``24x7`` when unset).

Stored shape (validated on every write; an older or damaged value reads as the default)::

    {"timezone": "Europe/Berlin",            # absent: the workspace's time zone
     "week": {"mon": [["09:00", "12:30"], ["13:15", "17:30"]], ..., "sun": []},
     "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}]}

The arithmetic is in ``core.tickets.calendar``; this module only reads, validates and
writes. It flushes and never commits.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from core.tickets.calendar import (
    WEEKDAYS,
    BusinessCalendar,
    format_clock,
    parse_clock,
)
from saas.errors import ValidationFailed
from tenants.settings import update_settings, workspace_settings

SETTINGS_KEY = "business_hours"
MODES_KEY = "sla_hours"
# How a target's minutes count: around the clock, or only within business hours.
HOURS_MODES = ("24x7", "business")
DEFAULT_MODE = "24x7"
# A workspace that never set its hours works Monday to Friday, 09:00 to 17:00.
DEFAULT_WEEK = {day: ([[540, 1020]] if day not in ("sat", "sun") else []) for day in WEEKDAYS}
MAX_INTERVALS_PER_DAY = 6
MAX_HOLIDAYS = 400
MAX_HOLIDAY_NAME = 100
WEEKDAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)


@functools.cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names this server knows."""
    return frozenset(zoneinfo.available_timezones())


def _settings() -> dict:
    return workspace_settings()


def _write(key: str, value, *, logged_as: str | None) -> None:
    update_settings({key: value}, logged_as=logged_as, target="business hours")


def workspace_time_zone(settings: dict | None = None) -> str:
    """The workspace's own time zone setting, UTC when unset or unknown."""
    name = (settings if settings is not None else _settings()).get("timezone")
    return name if isinstance(name, str) and name in time_zones() else "UTC"


# Validation -------------------------------------------------------------------------------


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _clean_time_zone(value, errors: _Errors) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value.strip() not in time_zones():
        errors.add("timezone", "Unknown time zone; use an IANA name such as Europe/Berlin or UTC.")
        return None
    return value.strip()


def _clean_day(day: str, value, errors: _Errors) -> list[list[int]]:
    field = f"week.{day}"
    if not isinstance(value, list):
        errors.add(field, "Give a list of intervals ([] when closed).")
        return []
    if len(value) > MAX_INTERVALS_PER_DAY:
        errors.add(field, f"Give at most {MAX_INTERVALS_PER_DAY} intervals a day.")
        return []
    intervals = []
    for item in value:
        if isinstance(item, dict) and set(item) == {"start", "end"}:
            start_text, end_text = item["start"], item["end"]
        elif isinstance(item, list | tuple) and len(item) == 2:
            start_text, end_text = item
        else:
            errors.add(field, 'Give each interval as {"start": "09:00", "end": "17:30"}.')
            continue
        try:
            start, end = parse_clock(start_text), parse_clock(end_text)
        except ValueError as error:
            errors.add(field, str(error))
            continue
        if end <= start:
            errors.add(
                field,
                f"{format_clock(start)}–{format_clock(end)} ends before it starts; "
                "split a night shift at midnight (22:00–24:00, then 00:00–06:00).",
            )
            continue
        intervals.append([start, end])
    intervals.sort()
    for before, after in zip(intervals, intervals[1:], strict=False):
        if after[0] < before[1]:
            errors.add(
                field,
                f"{_span(before)} and {_span(after)} overlap; "
                "a break is the time between two intervals.",
            )
    return intervals


def _span(interval) -> str:
    return f"{format_clock(interval[0])}–{format_clock(interval[1])}"


def _clean_week(value, errors: _Errors) -> dict[str, list[list[int]]]:
    if not isinstance(value, dict):
        errors.add("week", 'Give an object with the seven days: {"mon": [...], ..., "sun": []}.')
        return {}
    unknown = sorted(set(value) - set(WEEKDAYS))
    if unknown:
        errors.add("week", f"Unknown days: {', '.join(unknown)}; use {', '.join(WEEKDAYS)}.")
    week = {}
    for day in WEEKDAYS:
        if day not in value:
            errors.add(f"week.{day}", "Give this day's intervals ([] when closed).")
            continue
        week[day] = _clean_day(day, value[day], errors)
    week_errors = any(name.startswith("week") for name in errors)
    if len(week) == 7 and not week_errors and not any(week.values()):
        errors.add(
            "week",
            "Give at least one working interval: without working hours no due time is "
            "ever reached.",
        )
    return week


def _clean_holidays(value, errors: _Errors) -> list[dict]:
    if not isinstance(value, list):
        errors.add("holidays", 'Give a list of {"date": "2026-12-25", "name": "..."}.')
        return []
    if len(value) > MAX_HOLIDAYS:
        errors.add("holidays", f"Give at most {MAX_HOLIDAYS} holidays.")
        return []
    holidays: dict[str, dict] = {}
    for index, item in enumerate(value):
        field = f"holidays[{index}]"
        if not isinstance(item, dict) or not set(item) <= {"date", "name"}:
            errors.add(field, 'Give {"date": "2026-12-25", "name": "Christmas Day"}.')
            continue
        day = clean_holiday_date(item.get("date"), errors, f"{field}.date")
        name = clean_holiday_name(item.get("name"), errors, f"{field}.name")
        if day is None or name is None:
            continue
        if day.isoformat() in holidays:
            errors.add(f"{field}.date", f"{day.isoformat()} is already a holiday.")
            continue
        holidays[day.isoformat()] = {"date": day.isoformat(), "name": name}
    return sorted(holidays.values(), key=lambda row: row["date"])


def clean_holiday_date(value, errors: _Errors, field: str = "date") -> dt.date | None:
    try:
        if not isinstance(value, str) or len(value.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        errors.add(field, "Give a date as YYYY-MM-DD.")
        return None


def clean_holiday_name(value, errors: _Errors, field: str = "name") -> str | None:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        errors.add(field, "Name the holiday.")
        return None
    if len(name) > MAX_HOLIDAY_NAME:
        errors.add(field, f"Use at most {MAX_HOLIDAY_NAME} characters.")
        return None
    return name


# Reading ----------------------------------------------------------------------------------


def _stored() -> dict:
    """The stored hours, validated again (a damaged value reads as the default)."""
    raw = _settings().get(SETTINGS_KEY)
    raw = raw if isinstance(raw, dict) else {}
    zone = _clean_time_zone(raw.get("timezone"), _Errors())
    week_errors, holiday_errors = _Errors(), _Errors()
    week = _clean_week(raw["week"], week_errors) if "week" in raw else {}
    if week_errors or not week:
        week = {day: [list(pair) for pair in DEFAULT_WEEK[day]] for day in WEEKDAYS}
    holidays = _clean_holidays(raw.get("holidays", []), holiday_errors)
    return {"timezone": zone, "week": week, "holidays": [] if holiday_errors else holidays}


def business_hours() -> dict:
    """The workspace's business hours as the API and the admin page show them."""
    stored = _stored()
    week = stored["week"]
    return {
        "timezone": stored["timezone"] or workspace_time_zone(),
        "timezone_follows_workspace": stored["timezone"] is None,
        "week": {
            day: [{"start": format_clock(s), "end": format_clock(e)} for s, e in week[day]]
            for day in WEEKDAYS
        },
        "holidays": stored["holidays"],
        "weekly_minutes": sum(e - s for intervals in week.values() for s, e in intervals),
    }


def business_calendar() -> BusinessCalendar:
    """The workspace's hours, ready for the arithmetic."""
    stored = _stored()
    return BusinessCalendar.build(
        stored["timezone"] or workspace_time_zone(),
        [[tuple(pair) for pair in stored["week"][day]] for day in WEEKDAYS],
        [dt.date.fromisoformat(row["date"]) for row in stored["holidays"]],
    )


# Writing ----------------------------------------------------------------------------------


def set_business_hours(values: dict) -> dict:
    """Change the time zone, the week and/or the holidays (the keys given; each replaces
    what was stored). All or nothing: any mistake raises with every field's message."""
    if not isinstance(values, dict):
        raise ValidationFailed("Send a JSON object.")
    unknown = sorted(set(values) - {"timezone", "week", "holidays"})
    if unknown:
        raise ValidationFailed(
            f"Unknown properties: {', '.join(unknown)}; use timezone, week and holidays.",
            errors={name: ["Unknown property."] for name in unknown},
        )
    current = _stored()
    errors = _Errors()
    updated = dict(current)
    if "timezone" in values:
        updated["timezone"] = _clean_time_zone(values["timezone"], errors)
    if "week" in values:
        updated["week"] = _clean_week(values["week"], errors)
    if "holidays" in values:
        updated["holidays"] = _clean_holidays(values["holidays"], errors)
    if errors:
        raise ValidationFailed(
            "The business hours are not valid; nothing was saved.", errors=errors
        )
    stored = {
        "week": {
            day: [[format_clock(s), format_clock(e)] for s, e in updated["week"][day]]
            for day in WEEKDAYS
        },
        "holidays": updated["holidays"],
    }
    if updated["timezone"]:
        stored["timezone"] = updated["timezone"]
    _write(SETTINGS_KEY, stored, logged_as="settings.business_hours_changed")
    return business_hours()


def add_holiday(date, name) -> dict:
    errors = _Errors()
    day, name = clean_holiday_date(date, errors), clean_holiday_name(name, errors)
    if errors:
        raise ValidationFailed("The holiday is not valid.", errors=errors)
    holidays = _stored()["holidays"]
    if any(row["date"] == day.isoformat() for row in holidays):
        raise ValidationFailed(f"{day.isoformat()} is already a holiday.", field="date")
    return set_business_hours({"holidays": [*holidays, {"date": day.isoformat(), "name": name}]})


def remove_holiday(date: str) -> bool:
    """Remove the holiday on ``date`` (YYYY-MM-DD); False when there was none."""
    holidays = _stored()["holidays"]
    kept = [row for row in holidays if row["date"] != date]
    if len(kept) == len(holidays):
        return False
    set_business_hours({"holidays": kept})
    return True


# Per-target mode ----------------------------------------------------------------------------


def target_modes() -> dict[str, str]:
    """{priority: "24x7" | "business"} for the priorities that chose; others are 24x7."""
    raw = _settings().get(MODES_KEY)
    if not isinstance(raw, dict):
        return {}
    return {key: value for key, value in raw.items() if value in HOURS_MODES}


def clean_mode(value, field: str = "hours") -> str:
    if value not in HOURS_MODES:
        raise ValidationFailed(
            f"Choose {' or '.join(HOURS_MODES)}: around the clock or within business hours.",
            field=field,
        )
    return value


def set_target_mode(priority: str, mode: str) -> None:
    modes = target_modes()
    if modes.get(priority, DEFAULT_MODE) == mode:
        return
    # The SLA target's own entry (tickets.services.set_sla_target) holds this change.
    _write(MODES_KEY, {**modes, priority: mode}, logged_as=None)


# The admin page's text form of a day: "09:00-12:30, 13:15-17:30" -----------------------------


def intervals_text(intervals: list[dict]) -> str:
    return ", ".join(f"{item['start']}-{item['end']}" for item in intervals)


def parse_intervals_text(text: str) -> list[list[str]]:
    """ "09:00-12:30, 13:15-17:30" -> [["09:00", "12:30"], ["13:15", "17:30"]]; empty or
    "closed" -> []. ValueError with a readable message on anything else."""
    text = (text or "").strip()
    if text.lower() in ("", "closed", "-"):
        return []
    intervals = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().replace("–", "-").replace("—", "-").replace(" to ", "-")
        if not part:
            continue
        start, sep, end = part.partition("-")
        if not sep or not start.strip() or not end.strip():
            raise ValueError(
                f"Write {part!r} as start-end, e.g. 09:00-17:30; separate intervals with commas."
            )
        intervals.append([start.strip(), end.strip()])
    return intervals
