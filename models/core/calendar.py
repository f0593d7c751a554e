"""The working-day calendar as the database configures it: package data, admin overrides
(``holiday_override``) and the years whose official schedule an admin has entered.

A year is *entered* when ``config_entry`` holds the key ``calendar.entered.<year>``: written by an
import of the State Council notice for that year or by ``bzops holidays year Y --official``,
removed by ``--estimated`` (see :mod:`models.core.workdays` for what it changes). The functions
here change rows only; whoever changes the calendar also recomputes the deadlines that depend on
it and writes the one audit row (:func:`record_change`) saying how many moved
(``models.warnings.calendar_change``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core import audit
from models.core.db import utcnow
from models.core.tables import AuditLog, ConfigEntry, HolidayOverride
from models.core.workdays import OVERRIDE, WorkCalendar, holiday_name

ENTERED_PREFIX = "calendar.entered."
NOTE_MAX = 100
FIRST_YEAR, LAST_YEAR = 1950, 2100  # outside this a date is a typing mistake, not a schedule


class CalendarError(ValueError):
    """A refused calendar change (message in Chinese)."""


@dataclass(frozen=True)
class DayEntry:
    """One day of a schedule: a day off (休) or a working day (班), with an optional note."""

    day: date
    is_workday: bool
    note: str = ""


@dataclass(frozen=True)
class CalendarChange:
    """One admin step: days to set, days to restore to the packages, years to mark or unmark."""

    source: str  # set, unset, import, year: the audit action is ``calendar.<source>``
    set_days: tuple[DayEntry, ...] = ()
    unset_days: tuple[date, ...] = ()
    entered: dict[int, bool] = field(default_factory=dict)

    def span(self) -> tuple[date, date] | None:
        """The first and last day whose answer this change can alter (whole years for a mark)."""
        days = [e.day for e in self.set_days] + list(self.unset_days)
        days += [d for year in self.entered for d in (date(year, 1, 1), date(year, 12, 31))]
        return (min(days), max(days)) if days else None


@dataclass(frozen=True)
class CalendarDay:
    """A day worth listing: overridden, or not simply Monday to Friday."""

    day: date
    is_workday: bool
    source: str  # models.core.workdays OVERRIDE / LIBRARY / ENTERED / ESTIMATE
    name: str  # the admin's note, or the holiday's name from the package
    updated_at: datetime | None = None


async def load_calendar(session: AsyncSession) -> WorkCalendar:
    rows = await session.execute(select(col(HolidayOverride.day), col(HolidayOverride.is_workday)))
    return WorkCalendar({day: working for day, working in rows}, await entered_years(session))


async def entered_years(session: AsyncSession) -> frozenset[int]:
    keys = await session.scalars(select(col(ConfigEntry.key)).where(col(ConfigEntry.key).startswith(ENTERED_PREFIX)))
    return frozenset(int(key.removeprefix(ENTERED_PREFIX)) for key in keys)


async def year_days(session: AsyncSession, *, year: int) -> list[CalendarDay]:
    """The year's holidays, make-up days and overrides, in order, each with where it comes from."""
    calendar = await load_calendar(session)
    query = select(HolidayOverride).where(col(HolidayOverride.day) >= date(year, 1, 1),
                                          col(HolidayOverride.day) <= date(year, 12, 31))
    overrides = {row.day: row for row in (await session.scalars(query)).all()}
    listed, day = [], date(year, 1, 1)
    while day.year == year:
        working, source = calendar.is_workday(day)[0], calendar.source(day)
        if source == OVERRIDE or working != (day.weekday() < 5):
            row = overrides.get(day)
            name = row.note if row and row.note else holiday_name(day)
            listed.append(CalendarDay(day, working, source, name, row.updated_at if row else None))
        day += timedelta(days=1)
    return listed


async def apply_change(session: AsyncSession, *, change: CalendarChange, actor: str) -> None:
    """Write the change's rows (validated first: nothing is written when any part is refused)."""
    _validate(change)
    for entry in change.set_days:
        row = await session.get(HolidayOverride, entry.day) or HolidayOverride(day=entry.day, is_workday=True)
        row.is_workday, row.note, row.updated_by, row.updated_at = entry.is_workday, entry.note, actor, utcnow()
        session.add(row)
    if change.unset_days:
        await session.execute(delete(HolidayOverride).where(col(HolidayOverride.day).in_(change.unset_days)))
    for year, entered in change.entered.items():
        await _mark(session, year, entered, actor)
    await session.flush()


async def _mark(session: AsyncSession, year: int, entered: bool, actor: str) -> None:
    row = await session.get(ConfigEntry, f"{ENTERED_PREFIX}{year}")
    if not entered:
        if row is not None:
            await session.delete(row)
        return
    row = row or ConfigEntry(key=f"{ENTERED_PREFIX}{year}", version=0)
    row.value, row.version = {"year": year}, row.version + 1
    row.updated_by, row.updated_at = actor, utcnow()
    session.add(row)


def _validate(change: CalendarChange) -> None:
    days = [e.day for e in change.set_days] + list(change.unset_days)
    years = [d.year for d in days] + list(change.entered)
    if any(not FIRST_YEAR <= year <= LAST_YEAR for year in years):
        raise CalendarError(f"年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间")
    if any(len(e.note) > NOTE_MAX for e in change.set_days):
        raise CalendarError(f"备注不能超过 {NOTE_MAX} 个字")
    if not days and not change.entered:
        raise CalendarError("没有要修改的日期")


async def record_change(session: AsyncSession, *, change: CalendarChange, actor: str, moved: int,
                        ip: str | None = None) -> None:
    """The audit row of one calendar change, with how many deadlines it moved."""
    detail: dict[str, Any] = {"deadlines_moved": moved}
    if change.set_days:
        detail["set"] = [[e.day.isoformat(), "班" if e.is_workday else "休", e.note] for e in change.set_days]
    if change.unset_days:
        detail["unset"] = [d.isoformat() for d in change.unset_days]
    if change.entered:
        detail["entered"] = {str(year): entered for year, entered in change.entered.items()}
    await audit.record(session, actor=actor, action=f"calendar.{change.source}", object_type="calendar",
                       object_id=_object_id(change), detail=detail, ip=ip)


@dataclass(frozen=True)
class LastChange:
    at: datetime
    source: str
    moved: int


async def last_change(session: AsyncSession) -> LastChange | None:
    """The most recent calendar change (for the page: when, what kind, how many deadlines moved)."""
    query = (select(AuditLog).where(col(AuditLog.action).startswith("calendar."))
             .order_by(col(AuditLog.id).desc()).limit(1))
    row = (await session.scalars(query)).first()
    if row is None:
        return None
    return LastChange(row.at, row.action.removeprefix("calendar."), int((row.detail or {}).get("deadlines_moved", 0)))


def _object_id(change: CalendarChange) -> str | None:
    days = [e.day for e in change.set_days] + list(change.unset_days)
    if len(days) == 1 and not change.entered:
        return days[0].isoformat()
    years = sorted({*change.entered, *(d.year for d in days)})
    return ",".join(map(str, years))[:60] or None
