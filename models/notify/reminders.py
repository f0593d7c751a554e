"""Deadline reminders as data: the listed warnings falling due on given days (a reminder stage each)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.notify.items import ListedWarning, listed, listed_warning
from models.warnings.tables import WARNING as W


async def due_on(session: AsyncSession, *, days: list[date]) -> list[ListedWarning]:
    """Listed warnings whose due date is one of ``days``, with their unit's name."""
    query = listed().where(W.c.due_date.in_(days))
    return [listed_warning(row) for row in await session.execute(query)]
