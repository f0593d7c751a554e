"""Working-day arithmetic for deadlines (法定节假日 + 调休), wrapping ``chinese_calendar`` (domain §6).

Contract (pure, no I/O; the caller passes the admin overrides and the officially entered years):

* Precedence for a day: admin override > ``chinese_calendar`` (years it covers, 2004-2026 for
  1.11.0) > "Monday to Friday" in a year whose official schedule an admin has entered >
  estimate: the statutory holidays the ``holidays`` package computes for China (lunar ones
  included: Spring Festival 2027 falls on 6-8 February), weekends off, every other day worked.
* A year counts as *officially entered* only when an admin said so: ``bzops holidays import``
  (or the page's upload) marks the notice's year, ``bzops holidays year Y --official`` marks or
  unmarks it (see :mod:`models.core.calendar`). A single override does not: one local day off
  is not the State Council's schedule, and the rest of the year would silently lose its 估算.
  Entered means exhaustive: the notice's days are overrides and every other day is Monday to
  Friday, so the package's estimate no longer applies to that year.
* A result is *estimated* when a day it depends on came from the estimate: its year is neither
  covered by ``chinese_calendar`` nor entered, and no override exists for the day. Callers show
  such deadlines with 估算. Make-up (调休) weekend working days cannot be estimated: they are
  known only from the notice.
* Make-up (调休) weekend working days count as working days.
* Nothing here raises for years outside either package's range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar
from holidays.countries.china import China as ChinaHolidays

_ONE_DAY = timedelta(days=1)

# Where a day's answer comes from (WorkCalendar.source); the pages and the CLI label them.
OVERRIDE, LIBRARY, ENTERED, ESTIMATE = "override", "library", "entered", "estimate"
SOURCE_LABELS = {OVERRIDE: "管理员设置", LIBRARY: "法定(库)", ENTERED: "已录入", ESTIMATE: "估算"}
YEAR_LABELS = {LIBRARY: "节假日和调休按国务院已发布的安排",
               ENTERED: "国务院安排已录入，期限不再标“估算”",
               ESTIMATE: "国务院安排尚未录入：按法定节假日（含农历节日）估算，期限标“估算”"}
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_LIBRARY_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


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


@lru_cache(maxsize=256)
def estimated_days_off(year: int) -> Mapping[date, str]:
    """China's statutory holidays of ``year`` as the ``holidays`` package computes them (Chinese names).

    Cached per year: building them costs about a millisecond, asking them a dictionary lookup."""
    return dict(ChinaHolidays(years=year, language="zh_CN").items())  # type: ignore[no-untyped-call]


def holiday_name(d: date) -> str:
    """The holiday ``d`` belongs to (or a make-up day is worked for), from either package; "" if none."""
    if d.year in _COVERED:
        name = chinese_calendar.holidays.get(d) or chinese_calendar.workdays.get(d)
        return str(_LIBRARY_NAMES.get(name, name or ""))
    return estimated_days_off(d.year).get(d, "")


def _as_date(d: date) -> date:
    # datetime is a date subclass but never equals a date key, so overrides would be missed.
    return d.date() if isinstance(d, datetime) else d


class WorkCalendar:
    """Working-day calendar with admin overrides (True = working day, False = day off) and the
    years whose official schedule an admin has entered (their other days are Monday to Friday)."""

    def __init__(self, overrides: Mapping[date, bool] | None = None, entered_years: Iterable[int] = ()) -> None:
        self._overrides: dict[date, bool] = {_as_date(d): bool(v) for d, v in (overrides or {}).items()}
        self.entered_years = frozenset(entered_years)

    def source(self, d: date) -> str:
        """Where the answer for ``d`` comes from: OVERRIDE, LIBRARY, ENTERED or ESTIMATE."""
        d = _as_date(d)
        if d in self._overrides:
            return OVERRIDE
        return self.year_source(d.year)

    def year_source(self, year: int) -> str:
        """Where a year's days come from, overrides aside: LIBRARY, ENTERED or ESTIMATE."""
        if year in _COVERED:
            return LIBRARY
        return ENTERED if year in self.entered_years else ESTIMATE

    def is_workday(self, d: date) -> tuple[bool, bool]:
        """Return (is working day, estimated)."""
        d = _as_date(d)
        override = self._overrides.get(d)
        if override is not None:
            return override, False
        known = _package_workday(d)
        if known is not None:
            return known, False
        if d.year in self.entered_years:
            return d.weekday() < 5, False
        return d.weekday() < 5 and d not in estimated_days_off(d.year), True

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
