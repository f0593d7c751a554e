"""The working-day calendar as the database configures it (package data + admin overrides)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core import audit
from models.core.db import utcnow
from models.core.tables import HolidayOverride
from models.core.workdays import WorkCalendar


async def load_calendar(session: AsyncSession) -> WorkCalendar:
    rows = await session.execute(select(col(HolidayOverride.day), col(HolidayOverride.is_workday)))
    return WorkCalendar({day: working for day, working in rows})


async def set_override(session: AsyncSession, *, day: date, is_workday: bool, note: str, actor: str) -> None:
    row = await session.get(HolidayOverride, day) or HolidayOverride(day=day, is_workday=is_workday)
    row.is_workday, row.note, row.updated_by, row.updated_at = is_workday, note, actor, utcnow()
    session.add(row)
    await audit.record(session, actor=actor, action="calendar.override", object_type="day", object_id=day.isoformat(),
                       detail={"is_workday": is_workday, "note": note})
