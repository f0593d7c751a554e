"""Working-day arithmetic against the 2025/2026 check values in domain.md §6."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from models.core.workdays import (
    ENTERED,
    ESTIMATE,
    LIBRARY,
    OVERRIDE,
    WorkCalendar,
    covered_years,
    holiday_name,
    is_year_covered,
)

MAKE_UP_DAYS = [
    date(2025, 1, 26),
    date(2025, 2, 8),
    date(2025, 4, 27),
    date(2025, 9, 28),
    date(2025, 10, 11),
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


@pytest.mark.parametrize("year", [2025, 2026])
def test_it_counts_248_working_days_in_2025_and_2026(year: int) -> None:
    assert WorkCalendar().workdays_between(date(year - 1, 12, 31), date(year, 12, 31)) == (248, False)


@pytest.mark.parametrize("day", MAKE_UP_DAYS)
def test_it_counts_make_up_weekend_days_as_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert WorkCalendar().is_workday(day) == (True, False)


@pytest.mark.parametrize("day", [date(2025, 1, 28), date(2025, 2, 4), date(2025, 10, 1), date(2025, 10, 8)])
def test_it_knows_statutory_holidays_are_days_off(day: date) -> None:
    assert WorkCalendar().is_workday(day) == (False, False)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 1, 24), 5, date(2025, 2, 7)),
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 1, 27), 1, date(2025, 2, 5)),
        (date(2025, 9, 26), 1, date(2025, 9, 28)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 9, 30), 3, date(2025, 10, 11)),
        (date(2025, 10, 9), -1, date(2025, 9, 30)),
        (date(2025, 2, 5), -1, date(2025, 1, 27)),
        (date(2025, 10, 1), 0, date(2025, 10, 9)),
        (date(2025, 9, 28), 0, date(2025, 9, 28)),
        (date(2025, 9, 29), 0, date(2025, 9, 29)),
    ],
)
def test_it_adds_working_days_across_holidays(start: date, n: int, expected: date) -> None:
    assert WorkCalendar().add_workdays(start, n) == (expected, False)


@pytest.mark.parametrize("n", [-10, -3, -1, 0, 1, 5, 10, 20])
def test_it_agrees_with_find_workday_from_every_working_day_of_2025(n: int) -> None:
    calendar = WorkCalendar()
    for offset in range(365):
        start = date(2025, 1, 1) + timedelta(days=offset)
        if chinese_calendar.is_workday(start):
            assert calendar.add_workdays(start, n) == (chinese_calendar.find_workday(n, start), False)


@pytest.mark.parametrize("n", [-10, -1, 0, 1, 5, 20])
def test_it_counts_strictly_after_a_day_off_unlike_find_workday(n: int) -> None:
    # find_workday(n > 0, day off) first snaps to the next working day, then steps n more,
    # i.e. it returns the (n+1)-th working day after the start; we return the n-th.
    calendar = WorkCalendar()
    for offset in range(365):
        start = date(2025, 1, 1) + timedelta(days=offset)
        if not chinese_calendar.is_workday(start):
            package_n = n - 1 if n > 0 else n
            assert calendar.add_workdays(start, n) == (chinese_calendar.find_workday(package_n, start), False)


def test_it_takes_the_first_working_day_after_a_saturday_as_plus_one() -> None:
    assert WorkCalendar().add_workdays(date(2025, 9, 27), 1) == (date(2025, 9, 28), False)


def test_it_estimates_an_ordinary_2027_week_as_monday_to_friday_and_marks_it() -> None:
    calendar = WorkCalendar()
    assert calendar.is_workday(date(2027, 3, 5)) == (True, True)
    assert calendar.is_workday(date(2027, 3, 6)) == (False, True)
    assert calendar.is_workday(date(2027, 3, 7)) == (False, True)
    assert calendar.add_workdays(date(2027, 3, 5), 1) == (date(2027, 3, 8), True)
    assert calendar.add_workdays(date(2027, 3, 8), -1) == (date(2027, 3, 5), True)
    assert calendar.workdays_between(date(2027, 3, 1), date(2027, 3, 31)) == (22, True)


def test_it_respects_an_override_making_a_2027_weekday_a_holiday() -> None:
    calendar = WorkCalendar({date(2027, 10, 1): False})
    assert calendar.is_workday(date(2027, 10, 1)) == (False, False)
    # 10-04 and 10-05 are the estimate's National Day days in lieu of the weekend (before: Mon-Fri, 10-04).
    assert calendar.add_workdays(date(2027, 9, 30), 1) == (date(2027, 10, 6), True)


def test_it_does_not_mark_a_2027_day_estimated_when_only_overrides_were_examined() -> None:
    calendar = WorkCalendar({date(2027, 10, 9): True})
    assert calendar.add_workdays(date(2027, 10, 8), 1) == (date(2027, 10, 9), False)
    assert calendar.add_workdays(date(2027, 10, 9), 0) == (date(2027, 10, 9), False)


def test_it_lets_an_override_turn_a_covered_weekday_into_a_day_off() -> None:
    calendar = WorkCalendar({date(2025, 3, 3): False})
    assert calendar.is_workday(date(2025, 3, 3)) == (False, False)
    assert calendar.add_workdays(date(2025, 2, 28), 1) == (date(2025, 3, 4), False)
    assert WorkCalendar().add_workdays(date(2025, 2, 28), 1) == (date(2025, 3, 3), False)


def test_it_lets_an_override_turn_a_covered_weekend_into_a_working_day() -> None:
    calendar = WorkCalendar({date(2025, 3, 1): True})
    assert calendar.add_workdays(date(2025, 2, 28), 1) == (date(2025, 3, 1), False)


def test_it_marks_a_deadline_crossing_into_2027_as_estimated() -> None:
    calendar = WorkCalendar()
    assert calendar.add_workdays(date(2026, 12, 30), 1) == (date(2026, 12, 31), False)
    # 2027-01-01 (a Friday) is 元旦 in the estimate; with Monday to Friday alone these were 01-06 and 12-31.
    assert calendar.add_workdays(date(2026, 12, 30), 5) == (date(2027, 1, 7), True)
    assert calendar.add_workdays(date(2027, 1, 4), -2) == (date(2026, 12, 30), True)
    assert calendar.workdays_between(date(2026, 12, 1), date(2026, 12, 31))[1] is False
    assert calendar.workdays_between(date(2026, 12, 31), date(2027, 1, 8))[1] is True


def test_it_never_raises_outside_the_covered_years() -> None:
    calendar = WorkCalendar()
    assert calendar.add_workdays(date(2003, 12, 31), -5)[1] is True
    assert calendar.add_workdays(date(2026, 1, 1), 600)[1] is True


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 9, 26), date(2025, 9, 28), 1),
        (date(2025, 9, 28), date(2025, 9, 28), 0),
        (date(2025, 9, 30), date(2025, 10, 9), 1),
        (date(2025, 10, 9), date(2025, 9, 30), -1),
        (date(2025, 8, 31), date(2025, 10, 31), 41),
    ],
)
def test_it_counts_working_days_excluding_start_and_including_end(
    start: date, end: date, expected: int
) -> None:
    assert WorkCalendar().workdays_between(start, end) == (expected, False)


@pytest.mark.parametrize(
    ("start", "end"), [(date(2025, 1, 24), date(2025, 2, 7)), (date(2025, 10, 9), date(2025, 9, 30))]
)
def test_it_inverts_add_workdays_when_the_end_is_a_working_day(start: date, end: date) -> None:
    calendar = WorkCalendar()
    count, _ = calendar.workdays_between(start, end)
    assert calendar.add_workdays(start, count) == (end, False)


def test_it_accepts_datetimes_and_matches_overrides_by_day() -> None:
    calendar = WorkCalendar({date(2025, 3, 3): False})
    assert calendar.is_workday(datetime(2025, 3, 3, 9, 30)) == (False, False)


def test_it_reports_the_package_coverage() -> None:
    assert covered_years() == range(2004, 2027)
    assert is_year_covered(2026)
    assert not is_year_covered(2027)
    assert not is_year_covered(2003)


def test_it_adds_300_working_days_quickly() -> None:
    calendar = WorkCalendar({date(2025, 5, 6): False})
    began = time.perf_counter()
    for offset in range(50):
        calendar.add_workdays(date(2025, 1, 1) + timedelta(days=offset), 300)
    assert time.perf_counter() - began < 1.0
    assert WorkCalendar().add_workdays(date(2025, 1, 1), 300) == (date(2026, 3, 20), False)


SPRING_FESTIVAL_2027 = [date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]
# A made-up 2027 notice for the tests (the real one is not published yet): 02-05..02-11 off, 02-14 worked.
NOTICE_2027 = {**{date(2027, 2, 5) + timedelta(days=i): False for i in range(7)}, date(2027, 2, 14): True}


@pytest.mark.parametrize("day", SPRING_FESTIVAL_2027)
def test_it_estimates_the_2027_spring_festival_from_the_lunar_calendar(day: date) -> None:
    calendar = WorkCalendar()
    assert calendar.is_workday(day) == (False, True)
    assert calendar.source(day) == ESTIMATE and holiday_name(day) == "春节"


def test_a_deadline_spanning_2027_02_05_lands_after_the_spring_festival() -> None:
    due, estimated = WorkCalendar().add_workdays(date(2027, 2, 4), 1)
    assert due > date(2027, 2, 8) and estimated  # Monday to Friday alone said 02-05
    assert WorkCalendar().is_workday(due) == (True, True)
    assert WorkCalendar().add_workdays(date(2027, 3, 1), 5) == (date(2027, 3, 8), True)  # no holiday: weekdays


def test_entering_the_2027_schedule_removes_the_estimate() -> None:
    partial = WorkCalendar(NOTICE_2027)  # the days typed in, the year not yet marked entered
    assert partial.add_workdays(date(2027, 2, 4), 1) == (date(2027, 2, 12), True)  # 02-12 is the estimate's
    assert partial.add_workdays(date(2027, 2, 12), 2) == (date(2027, 2, 15), True)
    entered = WorkCalendar(NOTICE_2027, entered_years={2027})
    assert entered.add_workdays(date(2027, 2, 4), 1) == (date(2027, 2, 12), False)
    assert entered.add_workdays(date(2027, 2, 12), 2) == (date(2027, 2, 15), False)
    assert entered.add_workdays(date(2027, 2, 12), 1) == (date(2027, 2, 14), False)  # the make-up Sunday
    # Entered means exhaustive: a day the notice does not list is an ordinary day, not the estimate's.
    assert entered.is_workday(date(2027, 4, 5)) == (True, False)
    assert WorkCalendar().is_workday(date(2027, 4, 5)) == (False, True)  # 清明 in the estimate


def test_it_names_the_source_of_each_day_and_year() -> None:
    calendar = WorkCalendar({date(2027, 2, 14): True}, entered_years={2028})
    assert calendar.source(date(2026, 2, 17)) == LIBRARY
    assert calendar.source(date(2027, 2, 14)) == OVERRIDE
    assert calendar.source(date(2027, 2, 15)) == ESTIMATE
    assert calendar.source(date(2028, 1, 3)) == ENTERED
    assert [calendar.year_source(y) for y in (2026, 2027, 2028)] == [LIBRARY, ESTIMATE, ENTERED]
    assert holiday_name(date(2026, 2, 14)) == "春节" and holiday_name(date(2026, 3, 2)) == ""


def test_it_estimates_2027_statutory_holidays_quickly() -> None:
    calendar = WorkCalendar()
    began = time.perf_counter()
    for offset in range(50):
        calendar.add_workdays(date(2027, 1, 1) + timedelta(days=offset), 300)
    assert time.perf_counter() - began < 1.0
