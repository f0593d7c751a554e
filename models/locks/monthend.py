"""The month-end job: lock every unit with active stewards that made fewer counting self-checks in
the month than required.

Idempotent by the unique key (unit, month): rows are inserted with ON CONFLICT DO NOTHING in unit
order, so a second run (or a concurrent one: PostgreSQL makes it wait on the key, then skip) adds
nothing, and only the locks this run added are handed to ``effect`` (the notices), so nothing is
sent twice either. A lock lifted in the month stays lifted when the job runs again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.tables import ACCOUNT, ACCOUNT_SCOPE
from models.core import audit
from models.core.bulk import is_postgres
from models.core.db import utcnow
from models.core.enums import Role
from models.locks.tables import UNIT_LOCK
from models.locks.words import lock_reason, month_bounds, month_label
from models.selfcheck.counting import checks_by_unit
from models.staffing.tables import UNIT

CHUNK = 500  # rows per INSERT: well under SQLite's bound-parameter limit


@dataclass(frozen=True)
class NewLock:
    unit_id: int
    month: str
    reason: str


@dataclass(frozen=True)
class LockRun:
    month: str
    watched: int  # units with active stewards
    short: int  # of those, units below the required count
    locked: list[NewLock]  # locks this run added (the rest were there already)

    @property
    def already(self) -> int:
        return self.short - len(self.locked)


LockEffect = Callable[[AsyncSession, list[NewLock]], Awaitable[Any]]


async def watched_units(session: AsyncSession) -> list[int]:
    """Active units that have at least one steward account not disabled by an admin, in id order."""
    query = (select(UNIT.c.id).join(ACCOUNT_SCOPE, ACCOUNT_SCOPE.c.unit_id == UNIT.c.id)
             .join(ACCOUNT, ACCOUNT.c.id == ACCOUNT_SCOPE.c.account_id)
             .where(UNIT.c.status == "active", ACCOUNT.c.role == Role.STEWARD, ACCOUNT.c.locked.is_(False))
             .distinct().order_by(UNIT.c.id))
    return list((await session.scalars(query)).all())


def month_closed(month: str, as_of: date) -> None:
    """Refuse to judge a month before it has ended in the office zone."""
    if as_of < month_bounds(month)[1]:
        raise ValueError(f"{month_label(month)}尚未结束（截至 {as_of:%Y-%m-%d}），不能按月末规则锁定")


async def lock_month(session: AsyncSession, *, month: str, as_of: date, actor: str, required: int,
                     effect: LockEffect | None = None) -> LockRun:
    """Lock the units short of ``required`` counting checks in ``month`` (judged on ``as_of``)."""
    month_closed(month, as_of)
    units = await watched_units(session)
    counts = await checks_by_unit(session, month=month) if required > 0 else {}  # all units: no huge IN list
    short = [(unit, counts.get(unit, 0)) for unit in units if counts.get(unit, 0) < required]
    added = await _insert(session, [_row(unit, month, checks, required, actor) for unit, checks in short])
    locked = [NewLock(unit, month, lock_reason(month, checks, required)) for unit, checks in short if unit in added]
    if locked:
        await audit.record(session, actor=actor, action="lock.month_end", object_type="month", object_id=month,
                           detail={"locked": len(locked), "required": required, "as_of": as_of.isoformat()})
        if effect is not None:
            await effect(session, locked)
    return LockRun(month, len(units), len(short), locked)


def _row(unit_id: int, month: str, checks: int, required: int, actor: str) -> dict[str, Any]:
    return {"unit_id": unit_id, "month": month, "reason": lock_reason(month, checks, required), "checks": checks,
            "required": required, "locked_at": utcnow(), "locked_by": actor, "version": 1}


async def _insert(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> set[int]:
    """Insert the rows whose (unit, month) is new; the unit ids actually inserted."""
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    added: set[int] = set()
    for start in range(0, len(rows), CHUNK):
        stmt = (dialect_insert(UNIT_LOCK).values(list(rows[start:start + CHUNK]))
                .on_conflict_do_nothing(index_elements=["unit_id", "month"]).returning(UNIT_LOCK.c.unit_id))
        added.update((await session.scalars(stmt)).all())
    return added
