"""Self-check reminders: the month's three reminder days on the working-day calendar (with overrides),
units behind on counting checks only, by their chat targets and their stewards' SMS, once per day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models.core.calendar import CalendarChange, DayEntry, apply_change
from models.core.db import transaction
from models.core.workdays import WorkCalendar
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from models.selfcheck.reminders import last_workday, reminder_kind
from models.selfcheck.tables import SelfCheck
from tasks.notify.selfcheck_remind import write_selfcheck_reminders
from tests.factories import make_world

JUNE_30 = date(2026, 6, 30)  # a Tuesday, made a day off below


def kinds_in(year: int, month: int, calendar: WorkCalendar) -> dict[date, str]:
    day, found = date(year, month, 1), {}
    while day.month == month:
        if kind := reminder_kind(day, calendar):
            found[day] = kind
        day += timedelta(days=1)
    return found


def test_the_three_reminder_days_follow_the_working_day_calendar():
    plain = WorkCalendar()
    # March 2026: the 15th is a Sunday (mid → Monday 16th); the 31st is a Tuesday
    assert kinds_in(2026, 3, plain) == {date(2026, 3, 16): "mid", date(2026, 3, 26): "before_end",
                                        date(2026, 3, 31): "last"}
    holiday = WorkCalendar({JUNE_30: False})  # the month's last day is a holiday
    assert last_workday(date(2026, 6, 2), holiday) == date(2026, 6, 29)
    assert kinds_in(2026, 6, holiday) == {date(2026, 6, 15): "mid", date(2026, 6, 24): "before_end",
                                          date(2026, 6, 29): "last"}


async def test_units_behind_are_reminded_once_per_reminder_day_by_chat_and_sms(rt):
    world = await make_world(rt)
    async with transaction(rt.sessions) as session:
        await apply_change(session, change=CalendarChange("set", set_days=(DayEntry(JUNE_30, False, "测试"),)),
                           actor="test")
        group = await create_target(session, rt.cipher, TargetSpec("财政局群", "log", {}, ("reminder",), "C1-A"),
                                    actor="test")
        sms = await create_target(session, rt.cipher, TargetSpec("王专员短信", "sms", {"phone": "13800138000"},
                                                                 ("reminder",), account_id=world.steward.id),
                                  actor="test")
        await create_target(session, rt.cipher, TargetSpec("乙县财政局群", "log", {}, ("reminder",), "C2-A"),
                            actor="test")
        for day in (2, 20):  # 乙县财政局 did its two checks this month: not reminded
            session.add(SelfCheck(unit_id=world.units["C2-A"], login="outsider", month="2026-06", status="finished",
                                  finished_at=datetime(2026, 6, day, tzinfo=UTC), counts=True))
    assert await write_selfcheck_reminders(rt, today=date(2026, 6, 30)) == []  # the holiday: nothing
    assert await write_selfcheck_reminders(rt, today=date(2026, 6, 26)) == []  # not a reminder day
    first = await write_selfcheck_reminders(rt, today=date(2026, 6, 29))
    again = await write_selfcheck_reminders(rt, today=date(2026, 6, 29))
    async with rt.sessions() as session:
        rows = (await session.scalars(select(Outbox).where(Outbox.id.in_(first)))).all()
    assert len(first) == 2 and again == []
    assert {r.target_id for r in rows} == {group.id, sms.id}
    assert all("甲县财政局" in r.title and "0/2" in r.title for r in rows)
