"""The regions flows can be set for, as people know them: each region code the units carry, named
by its highest unit (安吉县 is known by its 县委 or 县政府 more than by 330523)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.tables import FLOW
from models.staffing.tables import UNIT


@dataclass(frozen=True)
class Region:
    code: str
    name: str      # the region's highest unit, e.g. 中共安吉县委员会
    units: int


async def region_choices(session: AsyncSession) -> list[Region]:
    """Every region code in use, with its shallowest unit's name and how many units it holds."""
    top = (select(UNIT.c.region_code, func.min(UNIT.c.depth).label("depth"), func.count().label("units"))
           .where(UNIT.c.region_code.is_not(None)).group_by(UNIT.c.region_code).subquery())
    query = (select(top.c.region_code, top.c.units, func.min(UNIT.c.name).label("name"))
             .join(UNIT, (UNIT.c.region_code == top.c.region_code) & (UNIT.c.depth == top.c.depth))
             .group_by(top.c.region_code, top.c.units).order_by(top.c.region_code))
    return [Region(r.region_code, r.name, r.units) for r in await session.execute(query)]


async def flow_version(session: AsyncSession, *, kind: str, region_code: str) -> int:
    """The saved version of one kind's flow for one region (0: never edited), locked on PostgreSQL
    until the transaction ends, so the editor can refuse a form drawn from an older version."""
    query = select(FLOW.c.version).where(FLOW.c.kind == kind, FLOW.c.region_code == region_code).with_for_update()
    return int(await session.scalar(query) or 0)
