"""Working-day arithmetic for deadlines (法定节假日 + 调休), wrapping ``chinese_calendar`` (domain §6).

Contract (pure, no I/O; the override table is passed in by the caller):

* Precedence for a day: admin override > ``chinese_calendar`` (years it covers, 2004-2026 for
  1.11.0) > fallback "Monday to Friday are working days".
* A result is *estimated* when a day it depends on came from the fallback, i.e. its year is not
  covered by the package and no override exists for it. Callers show such deadlines as 预计.
* Make-up (调休) weekend working days count as working days.
* Nothing here raises for years outside the package's range.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar

_ONE_DAY = timedelta(days=1)


def covered_years() -> range:
    """Years the installed ``chinese_calendar`` has data for (derived the way the package does)."""
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def is_year_covered(year: int) -> bool:
    return year in _COVERED


_COVERED = covered_years()


@lru_cache(maxsize=16384)
def _package_workday(d: date) -> bool | None:
    """The package's answer, or None outside its years (checked first: it raises there).

    This is ``chinese_calendar.is_workday`` on the package's own tables, without the range check
    it repeats on every call (a ``min()`` over all holidays, ~15 µs): a scan asks for thousands
    of distinct days when deadlines count from entry or retirement dates."""
    if d.year not in _COVERED:
        return None
    return d in chinese_calendar.workdays or (d.weekday() <= 4 and d not in chinese_calendar.holidays)


def _as_date(d: date) -> date:
    # datetime is a date subclass but never equals a date key, so overrides would be missed.
    return d.date() if isinstance(d, datetime) else d


class WorkCalendar:
    """Working-day calendar with admin overrides (True = working day, False = day off)."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = {_as_date(d): bool(v) for d, v in (overrides or {}).items()}

    def is_workday(self, d: date) -> tuple[bool, bool]:
        """Return (is working day, estimated)."""
        d = _as_date(d)
        override = self._overrides.get(d)
        if override is not None:
            return override, False
        known = _package_workday(d)
        if known is None:
            return d.weekday() < 5, True
        return known, False

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """The n-th working day strictly after (n > 0) or before (n < 0) ``start``.

        For n == 0: ``start`` if it is a working day, else the next one (as
        ``chinese_calendar.find_workday``). For n != 0 this equals ``find_workday(n, start)``
        when ``start`` is a working day; from a day off with n > 0 the package first snaps to the
        next working day and so returns the (n+1)-th, which would stretch deadlines set on
        weekends. The flag is True if any day examined was estimated.
        """
        day, estimated = _as_date(start), False
        if n == 0:
            working, estimated = self.is_workday(day)
            if working:
                return day, estimated
            n = 1
        step, remaining = (_ONE_DAY, n) if n > 0 else (-_ONE_DAY, -n)
        while remaining:
            day += step
            working, guessed = self.is_workday(day)
            estimated = estimated or guessed
            if working:
                remaining -= 1
        return day, estimated

    def workdays_between(self, start: date, end: date) -> tuple[int, bool]:
        """Working days passed moving from ``start`` to ``end``: excluding start, including end.

        For end >= start that is the count in (start, end]; for end < start it is minus the
        count in [end, start). So when ``end`` is a working day and k != 0,
        ``add_workdays(start, k)`` returns ``end``. Second value: any day was estimated.
        """
        start, end = _as_date(start), _as_date(end)
        if end < start:
            count, estimated = self._count(end, start - _ONE_DAY)
            return -count, estimated
        return self._count(start + _ONE_DAY, end)

    def _count(self, first: date, last: date) -> tuple[int, bool]:
        """Working days in the closed range [first, last]."""
        count, estimated, day = 0, False, first
        while day <= last:
            working, guessed = self.is_workday(day)
            if working:
                count += 1
            estimated = estimated or guessed
            day += _ONE_DAY
        return count, estimated
