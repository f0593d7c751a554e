"""What the reminder cron and the monthly score read: units that still owe feedback on a task
falling due (or overdue), and the evaluations given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staffing.tables import UNIT
from models.unittasks.tables import UNIT_TASK as K
from models.unittasks.tables import UNIT_TASK_TARGET as T
from models.unittasks.vocab import OPEN, grade_label


@dataclass(frozen=True)
class DueTarget:
    id: int
    task_id: int
    title: str
    deadline: date
    unit_id: int
    unit_name: str
    status: str


async def due_targets(session: AsyncSession, *, until: date) -> list[DueTarget]:
    """Open targets of published tasks whose deadline is ``until`` or earlier (overdue ones included)."""
    query = (select(T.c.id, T.c.task_id, K.c.title, K.c.deadline, T.c.unit_id, UNIT.c.name.label("unit_name"),
                    T.c.status)
             .join(K, K.c.id == T.c.task_id).join(UNIT, UNIT.c.id == T.c.unit_id)
             .where(K.c.status == "published", T.c.status.in_(OPEN), K.c.deadline <= until)
             .order_by(T.c.unit_id, K.c.deadline, T.c.id))
    return [DueTarget(**dict(row._mapping)) for row in await session.execute(query)]


@dataclass(frozen=True)
class Evaluation:
    """One unit's grade on one task, as the monthly score reads it."""

    task_id: int
    title: str
    unit_id: int
    grade: str
    points: int
    deadline: date
    fed_back_at: datetime | None
    evaluated_by: str
    evaluated_at: datetime

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)

    def on_time(self, tz: str) -> bool:
        """Fed back by the end of the deadline day in the office's zone ``tz``."""
        return self.fed_back_at is not None and self.fed_back_at.astimezone(ZoneInfo(tz)).date() <= self.deadline


async def evaluations(session: AsyncSession, *, since: datetime, until: datetime,
                      unit_ids: list[int] | None = None) -> list[Evaluation]:
    """Evaluations given in [``since``, ``until``), per unit and task, optionally for some units only."""
    query = (select(T.c.task_id, K.c.title, T.c.unit_id, T.c.grade, T.c.points, K.c.deadline, T.c.fed_back_at,
                    T.c.evaluated_by, T.c.evaluated_at)
             .join(K, K.c.id == T.c.task_id)
             .where(T.c.status == "evaluated", T.c.evaluated_at >= since, T.c.evaluated_at < until)
             .order_by(T.c.unit_id, T.c.task_id))
    if unit_ids is not None:
        query = query.where(T.c.unit_id.in_(unit_ids))
    return [Evaluation(**dict(row._mapping)) for row in await session.execute(query)]
