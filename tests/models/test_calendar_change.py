"""Calendar changes move the deadlines of live warnings, in the change's transaction, audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models.core.calendar import CalendarChange, DayEntry, load_calendar
from models.core.db import transaction
from models.core.tables import AuditLog
from models.warnings.calendar_change import change_calendar
from models.warnings.scan import run_scan
from models.warnings.tables import Warning, WarningEvent
from tests.factories import add_persons, add_units, person_record, unit_record


async def scan(rt, as_of: date) -> None:
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=as_of, full=True)


async def change(rt, change: CalendarChange) -> int:
    async with transaction(rt.sessions) as session:
        return await change_calendar(session, change=change, actor="admin", ip="10.0.0.1")


def holiday(day: date, note: str = "") -> CalendarChange:
    return CalendarChange("set", set_days=(DayEntry(day, False, note),))


async def the_warning(rt, rule: str) -> Warning:
    async with rt.sessions() as session:
        return (await session.scalars(select(Warning).where(Warning.rule_code == rule))).one()


async def events(rt) -> int:
    async with rt.sessions() as session:
        return await session.scalar(select(func.count()).select_from(WarningEvent))


async def last_audit(rt) -> AuditLog:
    async with rt.sessions() as session:
        return (await session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(1))).one()


@pytest.fixture
async def over_quota(rt):
    await add_units(rt, unit_record("U1", quotas={"XZ": 1}))
    await add_persons(rt, person_record("U1", seq=101), person_record("U1", seq=103))


async def test_a_deadline_crossing_a_new_holiday_moves_later_without_a_timeline_event(rt, over_quota):
    await scan(rt, date(2026, 11, 23))
    before = await the_warning(rt, "C1_OVER_QUOTA")
    assert (before.due_date, before.due_estimated) == (date(2026, 12, 21), False)  # 20 working days
    timeline = await events(rt)
    assert await change(rt, holiday(date(2026, 12, 4), "地方性假日")) == 1
    after = await the_warning(rt, "C1_OVER_QUOTA")
    assert (after.due_date, after.due_estimated) == (date(2026, 12, 22), False)
    assert after.version == before.version and after.updated_at == before.updated_at
    assert await events(rt) == timeline  # no human decision, nothing in the timeline
    audit = await last_audit(rt)
    assert (audit.action, audit.actor, audit.object_id, audit.ip) == ("calendar.set", "admin", "2026-12-04", "10.0.0.1")
    assert audit.detail == {"deadlines_moved": 1, "set": [["2026-12-04", "休", "地方性假日"]]}


async def test_a_change_outside_every_deadline_window_moves_nothing(rt, over_quota):
    await scan(rt, date(2026, 11, 23))
    assert await change(rt, holiday(date(2026, 12, 28))) == 0  # after the due date
    assert await change(rt, holiday(date(2026, 11, 23))) == 0  # the detection day: the count starts after it
    assert (await the_warning(rt, "C1_OVER_QUOTA")).due_date == date(2026, 12, 21)
    assert ((await last_audit(rt)).detail or {})["deadlines_moved"] == 0


async def test_restoring_a_day_moves_the_deadline_back(rt, over_quota):
    await scan(rt, date(2026, 11, 23))
    await change(rt, holiday(date(2026, 12, 4)))
    assert await change(rt, CalendarChange("unset", unset_days=(date(2026, 12, 4),))) == 1
    assert (await the_warning(rt, "C1_OVER_QUOTA")).due_date == date(2026, 12, 21)
    assert (await last_audit(rt)).detail == {"deadlines_moved": 1, "unset": ["2026-12-04"]}


async def test_a_2027_deadline_keeps_its_estimate_until_the_schedule_is_entered(rt, over_quota):
    await scan(rt, date(2026, 12, 21))
    first = await the_warning(rt, "C1_OVER_QUOTA")
    assert (first.due_date, first.due_estimated) == (date(2027, 1, 19), True)  # 2027-01-01 estimated 元旦
    await change(rt, holiday(date(2027, 1, 5)))
    moved = await the_warning(rt, "C1_OVER_QUOTA")
    assert (moved.due_date, moved.due_estimated) == (date(2027, 1, 20), True)  # other 2027 days still estimated
    notice = CalendarChange("import", set_days=(DayEntry(date(2027, 1, 1), False, "元旦"),), entered={2027: True})
    assert await change(rt, notice) == 1
    entered = await the_warning(rt, "C1_OVER_QUOTA")
    assert (entered.due_date, entered.due_estimated) == (date(2027, 1, 20), False)
    assert ((await last_audit(rt)).detail or {})["entered"] == {"2027": True}
    assert await change(rt, CalendarChange("year", entered={2027: False})) == 1
    assert (await the_warning(rt, "C1_OVER_QUOTA")).due_estimated is True


async def test_an_anchor_based_deadline_moves_as_the_next_scan_would_move_it(rt):
    await add_units(rt, unit_record("U1"))
    await add_persons(rt, person_record("U1", seq=101, entry_date=date(2026, 11, 20), education=None))
    await scan(rt, date(2026, 11, 23))
    assert (await the_warning(rt, "A10_INCOMPLETE")).due_date == date(2026, 11, 30)  # 5 days from detection
    assert await change(rt, holiday(date(2026, 11, 23))) == 0  # after the anchor, but before the count starts
    assert await change(rt, holiday(date(2026, 11, 25))) == 1
    assert (await the_warning(rt, "A10_INCOMPLETE")).due_date == date(2026, 12, 1)
    await scan(rt, date(2026, 11, 24))
    assert (await the_warning(rt, "A10_INCOMPLETE")).due_date == date(2026, 12, 1)  # the scan agrees


async def test_resolved_warnings_keep_their_deadlines(rt, over_quota):
    await scan(rt, date(2026, 11, 23))
    async with transaction(rt.sessions) as session:
        warning = await session.get(Warning, (await the_warning(rt, "C1_OVER_QUOTA")).id)
        warning.status = "resolved"
    assert await change(rt, holiday(date(2026, 12, 4))) == 0
    assert (await the_warning(rt, "C1_OVER_QUOTA")).due_date == date(2026, 12, 21)


async def test_the_change_and_the_calendar_commit_together(rt):
    await change(rt, CalendarChange("import", set_days=(DayEntry(date(2027, 2, 14), True, "调休"),),
                                    entered={2027: True}))
    async with rt.sessions() as session:
        calendar = await load_calendar(session)
    assert calendar.entered_years == {2027}
    assert calendar.is_workday(date(2027, 2, 14)) == (True, False)
    assert calendar.is_workday(date(2027, 2, 8)) == (True, False)  # entered: not the estimate's 春节
