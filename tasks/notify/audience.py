"""Who hears about a unit: the targets of a purpose that cover it (own unit, subtree, or everything)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.notify.marks import covers
from models.notify.tables import TARGET as T
from models.staffing.tables import UNIT


async def covering_targets(session: AsyncSession, purpose: str, unit_ids: list[int]) -> list[dict[str, Any]]:
    """Target rows (+ ``covered_unit_id``) of every enabled target of ``purpose`` covering a unit."""
    target_unit = UNIT.alias("tu")
    query = (select(UNIT.c.id.label("covered_unit_id"), T)
             .select_from(UNIT.join(T, T.c.enabled.is_(True)).outerjoin(target_unit, target_unit.c.id == T.c.unit_id))
             .where(UNIT.c.id.in_(unit_ids), T.c.purposes.contains(f",{purpose},"), covers(target_unit)))
    return [dict(row._mapping) for row in await session.execute(query)]


async def targets_of(session: AsyncSession, purpose: str) -> list[dict[str, Any]]:
    """Every enabled target of ``purpose`` with its bound unit's path and depth."""
    target_unit = UNIT.alias("tu")
    query = (select(T, target_unit.c.path.label("target_path"), target_unit.c.depth.label("target_depth"))
             .outerjoin(target_unit, target_unit.c.id == T.c.unit_id)
             .where(T.c.enabled.is_(True), T.c.purposes.contains(f",{purpose},")))
    return [dict(row._mapping) for row in await session.execute(query)]


def group_key(target: dict[str, Any], unit_id: int) -> str:
    return f"u{unit_id}" if target["group_by"] == "unit" else "all"
