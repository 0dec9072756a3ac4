"""The business-time arithmetic: adding and counting working minutes across nights,
weekends, lunch breaks, holidays and daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.tickets.calendar import BusinessCalendar, EmptyCalendar, parse_clock

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC


# Their answers depend on the hour and the weekday: CI also runs them on a weekday at noon
# and a Saturday night (the --clock option).
pytestmark = pytest.mark.time_sensitive


def hm(text: str) -> int:
    return parse_clock(text)


def office(zone=BERLIN, holidays=(), *, start="09:00", end="17:30") -> BusinessCalendar:
    """Monday to Friday, one interval a day."""
    day = [(hm(start), hm(end))]
    return BusinessCalendar.build(zone, [day] * 5 + [[], []], holidays)


def at(zone, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)


def local(moment: dt.datetime, zone=BERLIN) -> dt.datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


# Adding -------------------------------------------------------------------------------------


def test_friday_afternoon_runs_into_monday_morning():
    calendar = office()
    friday = at(BERLIN, 2026, 11, 27, 16, 0)
    assert local(calendar.add(friday, 4 * 60)) == dt.datetime(2026, 11, 30, 11, 30)
    # Within the day it is plain addition.
    assert local(calendar.add(friday, 60)) == dt.datetime(2026, 11, 27, 17, 0)


def test_the_end_of_a_window_is_the_end_of_the_day_not_the_next_morning():
    calendar = office()
    friday = at(BERLIN, 2026, 11, 27, 16, 0)
    assert local(calendar.add(friday, 90)) == dt.datetime(2026, 11, 27, 17, 30)


def test_outside_hours_the_clock_starts_at_the_next_opening():
    calendar = office()
    saturday = at(BERLIN, 2026, 11, 28, 10, 0)
    assert local(calendar.add(saturday, 30)) == dt.datetime(2026, 11, 30, 9, 30)
    before_opening = at(BERLIN, 2026, 11, 30, 6, 0)
    assert local(calendar.add(before_opening, 30)) == dt.datetime(2026, 11, 30, 9, 30)
    after_closing = at(BERLIN, 2026, 11, 30, 20, 0)
    assert local(calendar.add(after_closing, 30)) == dt.datetime(2026, 12, 1, 9, 30)


def test_zero_minutes_is_the_moment_itself():
    calendar = office()
    saturday = at(BERLIN, 2026, 11, 28, 10, 0)
    assert calendar.add(saturday, 0) == saturday


def test_a_lunch_break_does_not_count():
    week = [[(hm("09:00"), hm("12:30")), (hm("13:15"), hm("17:30"))]] * 5 + [[], []]
    calendar = BusinessCalendar.build(BERLIN, week)
    monday = at(BERLIN, 2026, 11, 30, 12, 0)
    assert local(calendar.add(monday, 60)) == dt.datetime(2026, 11, 30, 13, 45)
    # Opened during the break: the clock starts after it.
    assert local(calendar.add(at(BERLIN, 2026, 11, 30, 12, 45), 15)) == dt.datetime(
        2026, 11, 30, 13, 30
    )


def test_holidays_are_skipped():
    calendar = office(holidays=[dt.date(2026, 12, 24), dt.date(2026, 12, 25)])
    wednesday = at(BERLIN, 2026, 12, 23, 17, 0)  # Thu 24 and Fri 25 are holidays
    assert local(calendar.add(wednesday, 60)) == dt.datetime(2026, 12, 28, 9, 30)
    assert calendar.minutes_between(wednesday, at(BERLIN, 2026, 12, 28, 9, 30)) == 60


def test_a_night_shift_split_at_midnight_runs_through_without_a_gap():
    night = [(hm("00:00"), hm("06:00")), (hm("22:00"), hm("24:00"))]
    calendar = BusinessCalendar.build(UTC, [night] * 7)
    eleven_pm = at(UTC, 2026, 11, 30, 23, 0)
    assert calendar.add(eleven_pm, 120) == at(UTC, 2026, 12, 1, 1, 0)
    assert calendar.add(at(UTC, 2026, 12, 1, 5, 0), 120) == at(UTC, 2026, 12, 1, 23, 0)


def test_several_weeks_in_one_go():
    calendar = office(start="09:00", end="17:00")  # 40 hours a week
    monday = at(BERLIN, 2026, 11, 2, 9, 0)
    assert local(calendar.add(monday, 3 * 40 * 60)) == dt.datetime(2026, 11, 20, 17, 0)


def test_the_answer_is_utc_and_the_input_may_be_in_any_zone():
    calendar = office(NEW_YORK)
    # Monday 14:00 UTC is 09:00 in New York (EST, UTC-5).
    answer = calendar.add(at(UTC, 2026, 11, 30, 14, 0), 60)
    assert answer.tzinfo == UTC
    assert answer == at(UTC, 2026, 11, 30, 15, 0)


def test_negative_minutes_count_backwards():
    calendar = office()
    monday = at(BERLIN, 2026, 11, 30, 10, 0)
    assert local(calendar.add(monday, -120)) == dt.datetime(2026, 11, 27, 16, 30)


# Daylight saving ------------------------------------------------------------------------------


def test_spring_forward_a_24x7_day_has_23_hours():
    calendar = BusinessCalendar.build(BERLIN, [[(0, 1440)]] * 7)
    midnight = at(BERLIN, 2026, 3, 29, 0, 0)  # clocks go 02:00 -> 03:00
    assert calendar.between(midnight, at(BERLIN, 2026, 3, 30, 0, 0)) == dt.timedelta(hours=23)


def test_fall_back_a_24x7_day_has_25_hours():
    calendar = BusinessCalendar.build(BERLIN, [[(0, 1440)]] * 7)
    midnight = at(BERLIN, 2026, 10, 25, 0, 0)  # clocks go 03:00 -> 02:00
    assert calendar.between(midnight, at(BERLIN, 2026, 10, 26, 0, 0)) == dt.timedelta(hours=25)


def test_office_hours_keep_their_wall_clock_across_the_change():
    calendar = office(NEW_YORK, start="09:00", end="17:00")
    # Friday 2026-03-06 16:00 EST; the clocks go forward on Sunday 8 March.
    friday = at(NEW_YORK, 2026, 3, 6, 16, 0)
    due = calendar.add(friday, 120)
    assert local(due, NEW_YORK) == dt.datetime(2026, 3, 9, 10, 0)
    assert due == at(UTC, 2026, 3, 9, 14, 0)  # EDT, UTC-4


def test_an_interval_across_the_skipped_hour_lasts_what_really_passes():
    # 01:00-02:45 and 02:45-03:15 on the spring-forward night: 02:45 does not exist.
    calendar = BusinessCalendar.build(
        BERLIN, [[(hm("01:00"), hm("02:45")), (hm("02:45"), hm("03:15"))]] * 7
    )
    day = dt.date(2026, 3, 29)
    windows = calendar.windows(day)
    assert sum((end - start for start, end in windows), dt.timedelta()) == dt.timedelta(minutes=75)
    assert all(start < end for start, end in windows)
    assert windows == sorted(windows)


def test_an_interval_in_the_repeated_hour_lasts_what_really_passes():
    calendar = BusinessCalendar.build(BERLIN, [[(hm("02:00"), hm("03:00"))]] * 7)
    assert calendar.windows(dt.date(2026, 10, 25)) == [
        (at(UTC, 2026, 10, 25, 0, 0), at(UTC, 2026, 10, 25, 2, 0))
    ]


# Counting and refusing ------------------------------------------------------------------------


def test_minutes_between_counts_only_working_minutes():
    calendar = office()
    friday = at(BERLIN, 2026, 11, 27, 16, 0)
    monday = at(BERLIN, 2026, 11, 30, 11, 30)
    assert calendar.minutes_between(friday, monday) == 240
    assert calendar.minutes_between(monday, friday) == -240
    assert calendar.minutes_between(friday, friday) == 0


def test_is_working():
    calendar = office()
    assert calendar.is_working(at(BERLIN, 2026, 11, 30, 9, 0))
    assert not calendar.is_working(at(BERLIN, 2026, 11, 30, 17, 30))
    assert not calendar.is_working(at(BERLIN, 2026, 11, 28, 12, 0))


def test_an_empty_calendar_is_refused():
    with pytest.raises(EmptyCalendar, match="no working hours"):
        BusinessCalendar.build(BERLIN, [[]] * 7)


def test_bad_intervals_are_refused():
    with pytest.raises(ValueError, match="start < end"):
        BusinessCalendar.build(BERLIN, [[(600, 540)]] * 7)
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar.build(BERLIN, [[(540, 720), (700, 800)]] * 7)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        office().add(dt.datetime(2026, 11, 30, 9, 0), 60)


def test_a_calendar_whose_only_working_days_are_holidays_says_so():
    # Only Tuesdays work, and every Tuesday for twenty years is a holiday.
    calendar = BusinessCalendar.build(UTC, [[], [(540, 600)], [], [], [], [], []])
    tuesdays = [dt.date(2026, 6, 2) + dt.timedelta(weeks=n) for n in range(20 * 53)]
    calendar = BusinessCalendar.build(UTC, calendar.week, tuesdays)
    with pytest.raises(EmptyCalendar):
        calendar.add(at(UTC, 2026, 6, 1, 0, 0), 10)


@pytest.mark.parametrize(
    ("text", "minutes"), [("09:00", 540), ("9:30", 570), ("00:00", 0), ("24:00", 1440)]
)
def test_parse_clock(text, minutes):
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("text", ["", "9", "09:60", "24:01", "25:00", "ab:cd", "9:5", "123:00"])
def test_parse_clock_refuses(text):
    with pytest.raises(ValueError):
        parse_clock(text)


# Properties -----------------------------------------------------------------------------------

ZONES = st.sampled_from(
    ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
)


@st.composite
def calendars(draw) -> BusinessCalendar:
    week = []
    for _ in range(7):
        points = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
        points = [p * 15 for p in points[: len(points) // 2 * 2]]
        week.append(list(zip(points[::2], points[1::2], strict=True)))
    if not any(week):
        week[draw(st.integers(0, 6))] = [(540, 1020)]
    holidays = draw(st.lists(st.dates(dt.date(2025, 12, 1), dt.date(2028, 2, 1)), max_size=30))
    return BusinessCalendar.build(ZoneInfo(draw(ZONES)), week, holidays)


moments = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(calendars(), moments, st.integers(0, 60 * 24 * 30))
def test_counting_what_was_added_gives_it_back(calendar, start, minutes):
    due = calendar.add(start, minutes)
    assert due >= start
    assert calendar.between(start, due) == dt.timedelta(minutes=minutes)
    assert calendar.minutes_between(start, due) == minutes


@settings(max_examples=200, deadline=None)
@given(calendars(), moments, st.integers(1, 60 * 24 * 10), st.integers(1, 60 * 24 * 10))
def test_adding_in_two_steps_is_adding_once(calendar, start, first, second):
    assert calendar.add(calendar.add(start, first), second) == calendar.add(start, first + second)


@settings(max_examples=200, deadline=None)
@given(calendars(), moments, st.integers(1, 60 * 24 * 10))
def test_a_due_time_is_never_outside_working_hours_unless_it_ends_a_window(
    calendar, start, minutes
):
    due = calendar.add(start, minutes)
    just_before = due - dt.timedelta(microseconds=1)
    assert calendar.is_working(just_before)


@settings(max_examples=200, deadline=None)
@given(calendars(), moments, moments)
def test_counting_is_additive_and_never_more_than_the_wall_clock(calendar, a, b):
    a, b = min(a, b), max(a, b)
    middle = a + (b - a) / 3
    assert calendar.between(a, b) == calendar.between(a, middle) + calendar.between(middle, b)
    assert dt.timedelta() <= calendar.between(a, b) <= b - a


@settings(max_examples=200, deadline=None)
@given(calendars(), moments, st.integers(1, 60 * 24 * 10))
def test_subtracting_undoes_adding_from_a_working_moment(calendar, start, minutes):
    due = calendar.add(start, minutes)
    back = calendar.subtract(due, minutes)
    assert back >= start
    assert calendar.between(back, due) == dt.timedelta(minutes=minutes)
