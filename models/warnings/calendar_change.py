"""Changing the working-day calendar, and the warning deadlines that follow it.

An admin's change (a day set or restored, a notice imported, a year marked entered) and the
recomputation of the due dates it moves commit together, with one audit row saying how many
moved. On PostgreSQL the change takes the scan's advisory lock: a scan that loaded the old
calendar could otherwise write old-calendar deadlines after this change committed.

Which deadlines move, and where to:

* Only live warnings whose window, from the start of their count to their due date, contains a
  day whose answer (working day? estimated?) differs between the old and the new calendar. That
  set is computed by comparing both calendars over the change's span, so a change that alters
  nothing (an override equal to the package's answer) moves nothing.
* The start is the scan's (``models.warnings.deadlines.start_day``): detection-based deadlines
  count from the day the warning was detected, or reopened; anchor-based ones from the anchor,
  never before the floor (the rule's effective date, else the day first detected).
* The number of working days is the warning's own: those from its start to its due date on the
  old calendar. That is the deadline it was given, even where the rule's setting changed since
  (detection-based deadlines stay as first set; see ``merge.refresh``). The new due date is as
  many working days from the same start on the new calendar, and carries the new 估算 flag.
* Nothing goes into the warnings' timelines and their version is kept: a calendar change is no
  decision about a warning, and a person's pending action on it must not fail because of it.

One pass reads the candidate rows (live, due on or after the first changed day) and computes
each distinct (start, due) once; updates are grouped by their new value, so a change that moves
thousands of deadlines to a handful of dates costs a handful of statements.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import select

from models.core.bulk import is_postgres
from models.core.calendar import CalendarChange, apply_change, load_calendar, record_change
from models.core.workdays import WorkCalendar
from models.warnings.config import ActiveRule, load_rules
from models.warnings.deadlines import effective_from, start_day
from models.warnings.merge import LIVE
from models.warnings.scan import SCAN_LOCK
from models.warnings.tables import SCAN_RUN as RUN
from models.warnings.tables import WARNING as W

CHUNK = 5000  # ids per UPDATE … WHERE id IN (…): well inside SQLite's and asyncpg's parameter limits


async def change_calendar(session: AsyncSession, *, change: CalendarChange, actor: str,
                          ip: str | None = None) -> int:
    """Apply ``change``, move the deadlines it moves, audit both; returns how many moved."""
    if is_postgres(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCAN_LOCK})
    before = await load_calendar(session)
    await apply_change(session, change=change, actor=actor)
    after = await load_calendar(session)
    span = change.span()
    moved = 0
    if span is not None:
        moved = await recompute_due_dates(session, before=before, after=after, since_day=span[0], until_day=span[1])
    await record_change(session, change=change, actor=actor, moved=moved, ip=ip)
    return moved


def changed_days(before: WorkCalendar, after: WorkCalendar, since_day: date, until_day: date) -> list[date]:
    """The days in [since_day, until_day] on which the two calendars answer differently, in order."""
    days, day = [], since_day
    while day <= until_day:
        if before.is_workday(day) != after.is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


async def recompute_due_dates(session: AsyncSession, *, before: WorkCalendar, after: WorkCalendar,
                              since_day: date, until_day: date) -> int:
    """Move the due dates of live warnings that depend on a day changed in [since_day, until_day]."""
    changed = changed_days(before, after, since_day, until_day)
    if not changed:
        return 0
    rules = {r.code: r for r in await load_rules(session)}
    memo: dict[tuple[date, date], tuple[date, bool]] = {}
    moves: dict[tuple[date, bool], list[int]] = defaultdict(list)
    for row in await _candidates(session, changed[0]):
        wid, code, anchor, detected_on, reopened_on, due, estimated = row
        start = _start(rules.get(code), anchor, detected_on, reopened_on)
        if not _touches(changed, min(start, due), max(start, due)):
            continue
        if (start, due) not in memo:
            memo[start, due] = after.add_workdays(start, before.workdays_between(start, due)[0])
        if memo[start, due] != (due, estimated):
            moves[memo[start, due]].append(wid)
    await _write(session, moves)
    return sum(len(ids) for ids in moves.values())


async def _candidates(session: AsyncSession, since: date) -> Sequence[tuple[int, str, date | None, date,
                                                                          date | None, date, bool]]:
    query = (select(W.c.id, W.c.rule_code, W.c.anchor, W.c.detected_on, RUN.c.as_of, W.c.due_date,
                    W.c.due_estimated)
             .select_from(W.outerjoin(RUN, RUN.c.id == W.c.reopened_scan_id))
             .where(W.c.status.in_(LIVE), W.c.due_date >= since))
    return [tuple(row) for row in await session.execute(query)]


def _start(active: ActiveRule | None, anchor: date | None, detected_on: date, reopened_on: date | None) -> date:
    """Where the scan started this warning's count (see ``models.warnings.deadlines``)."""
    if active is None or active.rule.due_from == "detected":
        return reopened_on or detected_on  # a reopening counts afresh from the scan that reopened it
    floor = effective_from(active.params)
    return start_day(active.rule.due_from, anchor, floor if floor is not None else detected_on)


def _touches(changed: list[date], first: date, last: date) -> bool:
    at = bisect_left(changed, first)
    return at < len(changed) and changed[at] <= last


async def _write(session: AsyncSession, moves: dict[tuple[date, bool], list[int]]) -> None:
    for (due, estimated), ids in moves.items():
        for at in range(0, len(ids), CHUNK):
            stmt = update(W).where(W.c.id.in_(ids[at:at + CHUNK])).values(due_date=due, due_estimated=estimated)
            await session.execute(stmt)
