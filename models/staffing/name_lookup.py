"""Finding persons by name inside a reader's scope (the robot's ``查`` command): masked rows only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staffing.ids import mask_id
from models.staffing.scope import Scope
from models.staffing.tables import PERSON, UNIT


@dataclass(frozen=True)
class PersonHit:
    name: str
    id_masked: str
    unit_name: str
    in_est: bool
    status: str
    post_title: str | None  # tells apart namesakes in one unit


async def persons_named(session: AsyncSession, *, scope: Scope, name: str, limit: int) -> list[PersonHit]:
    """Persons called exactly ``name`` in units the scope covers, by unit code; at most ``limit``."""
    query = (select(PERSON.c.name, PERSON.c.id_masked, PERSON.c.in_est, PERSON.c.status, PERSON.c.post_title,
                    UNIT.c.name.label("unit_name"))
             .join(UNIT, UNIT.c.id == PERSON.c.unit_id)
             .where(PERSON.c.name == name, scope.condition())
             .order_by(UNIT.c.code, PERSON.c.id).limit(limit))
    # mask_id again on the stored mask: whatever an older writer stored, at most 4 characters show.
    return [PersonHit(r.name, mask_id(r.id_masked), r.unit_name, bool(r.in_est), r.status, r.post_title)
            for r in await session.execute(query)]
