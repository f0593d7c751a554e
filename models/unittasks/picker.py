"""The units a publisher can pick from: those in scope, in tree order, with whether they have
units under them (only those can stand for a subtree)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staffing.scope import Scope
from models.staffing.tables import UNIT

PICK_LIMIT = 500


@dataclass(frozen=True)
class PickUnit:
    id: int
    name: str
    depth: int
    parent: bool  # has units under it


async def pickable_units(session: AsyncSession, *, scope: Scope, limit: int = PICK_LIMIT) -> list[PickUnit]:
    child = UNIT.alias("child")
    has_children = select(child.c.id).where(child.c.parent_id == UNIT.c.id).exists()
    query = (select(UNIT.c.id, UNIT.c.name, UNIT.c.depth, has_children.label("parent"))
             .where(scope.condition()).order_by(UNIT.c.path).limit(limit))
    rows = list(await session.execute(query))
    top = min((r.depth for r in rows), default=0)
    return [PickUnit(r.id, r.name, r.depth - top, bool(r.parent)) for r in rows]
