"""Units as an officer scans them: the ones with the most overdue, severe and open problems first,
each with its warning counts and its establishment totals (实有 counted as rule C1 counts it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, case, cast, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models.staffing.scope import Scope
from models.staffing.tables import PERSON, QUOTA, UNIT
from models.staffing.units import occupies_establishment
from models.warnings.query import LIVE, overdue_condition
from models.warnings.tables import WARNING as W


@dataclass(frozen=True)
class UnitAttention:
    id: int
    code: str
    name: str
    kind: str
    depth: int
    approved: int
    actual: int
    open: int
    overdue: int
    severe: int
    disputed: int

    @property
    def over_quota(self) -> bool:
        return self.actual > self.approved


def _count(condition: Any) -> Any:
    return func.sum(cast(case((condition, 1), else_=0), Integer))


def _totals(scope: Scope, today: date) -> tuple[Any, Any, Any]:
    """Per-unit sums, each limited to the scope's units: PostgreSQL does not push the outer join's
    condition into a grouped subquery, so unlimited they counted all million persons for every page
    (a city's home page: 333 ms)."""
    def mine(column: Any) -> Any:
        return true() if scope.everything else column.in_(select(UNIT.c.id).where(scope.condition()))
    approved = (select(QUOTA.c.unit_id, func.sum(QUOTA.c.approved).label("n")).where(mine(QUOTA.c.unit_id))
                .group_by(QUOTA.c.unit_id).subquery())
    actual = (select(PERSON.c.unit_id, func.count().label("n")).where(occupies_establishment(), mine(PERSON.c.unit_id))
              .group_by(PERSON.c.unit_id).subquery())
    problems = (select(W.c.unit_id, func.count().label("open"), _count(overdue_condition(today)).label("overdue"),
                       _count(W.c.severity == "S1").label("severe"), _count(W.c.status == "disputed").label("disputed"))
                .where(W.c.status.in_(LIVE), mine(W.c.unit_id)).group_by(W.c.unit_id).subquery())
    return approved, actual, problems


def _listing(scope: Scope, today: date) -> Select[Any]:
    approved, actual, problems = _totals(scope, today)
    numbers = {"approved": approved.c.n, "actual": actual.c.n, "open": problems.c.open,
               "overdue": problems.c.overdue, "severe": problems.c.severe, "disputed": problems.c.disputed}
    return (select(UNIT.c.id, UNIT.c.code, UNIT.c.name, UNIT.c.kind, UNIT.c.depth,
                   *(func.coalesce(column, 0).label(name) for name, column in numbers.items()))
            .outerjoin(approved, approved.c.unit_id == UNIT.c.id).outerjoin(actual, actual.c.unit_id == UNIT.c.id)
            .outerjoin(problems, problems.c.unit_id == UNIT.c.id).where(scope.condition())
            .order_by(func.coalesce(problems.c.overdue, 0).desc(), func.coalesce(problems.c.severe, 0).desc(),
                      func.coalesce(problems.c.open, 0).desc(), UNIT.c.path))


async def units_by_attention(session: AsyncSession, *, scope: Scope, today: date, query: str = "",
                             parent_id: int | None = None, limit: int = 50, offset: int = 0) -> list[UnitAttention]:
    """Units in scope (optionally matching ``query``, or the children of ``parent_id``), worst first."""
    stmt = _listing(scope, today).limit(limit).offset(offset)
    if query:
        stmt = stmt.where(or_(UNIT.c.name.contains(query, autoescape=True),
                              UNIT.c.code.startswith(query, autoescape=True)))
    if parent_id is not None:
        stmt = stmt.where(UNIT.c.parent_id == parent_id)
    return [UnitAttention(**row._mapping) for row in await session.execute(stmt)]
