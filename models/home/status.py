"""The home page's status lines: locks in scope and the self-checks a steward's units still owe."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.locks.tables import UNIT_LOCK as L
from models.selfcheck.counting import checks_by_unit
from models.staffing.scope import Scope
from models.staffing.tables import UNIT


@dataclass(frozen=True)
class CheckDue:
    unit_id: int
    unit_name: str
    done: int
    required: int

    @property
    def owed(self) -> int:
        return max(self.required - self.done, 0)


async def locked_in_scope(session: AsyncSession, *, scope: Scope) -> int:
    """Units in scope with an unlifted lock (each unit once)."""
    n = await session.scalar(select(func.count(func.distinct(L.c.unit_id))).join(UNIT, UNIT.c.id == L.c.unit_id)
                             .where(L.c.lifted_at.is_(None), scope.condition()))
    return int(n or 0)


async def checks_due(session: AsyncSession, *, unit_ids: Collection[int], month: str,
                     required: int) -> list[CheckDue]:
    """The listed units still short of ``required`` counting self-checks in ``month``."""
    if not unit_ids or required <= 0:
        return []
    done = await checks_by_unit(session, month=month, unit_ids=unit_ids)
    names = dict((await session.execute(select(UNIT.c.id, UNIT.c.name).where(UNIT.c.id.in_(list(unit_ids))))).all())
    return [CheckDue(u, str(names.get(u, "")), done.get(u, 0), required) for u in sorted(unit_ids)
            if done.get(u, 0) < required]
