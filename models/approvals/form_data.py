"""What the new-item forms offer to choose from, in words: the units in scope, a unit's people, its
internal bodies and its approved 用编 with posts left. The engine and the kinds check every choice
again when the item is filed; these only spare people from typing ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kinds.quota import Basis, bases_of
from models.staffing.scope import Scope
from models.staffing.tables import INTERNAL_BODY as BODY
from models.staffing.tables import PERSON, UNIT

MAX_UNITS, MAX_PERSONS = 500, 2000


@dataclass(frozen=True)
class Option:
    id: int
    name: str
    note: str = ""


async def units_for_form(session: AsyncSession, *, scope: Scope) -> list[Option]:
    """The units in scope in tree order (the first ``MAX_UNITS``: a form links from a unit page beyond)."""
    query = select(UNIT.c.id, UNIT.c.name, UNIT.c.code).where(scope.condition(), UNIT.c.status == "active") \
        .order_by(UNIT.c.path).limit(MAX_UNITS)
    return [Option(r.id, r.name) for r in await session.execute(query)]


async def unit_option(session: AsyncSession, *, scope: Scope, unit_id: int) -> Option | None:
    row = (await session.execute(select(UNIT.c.id, UNIT.c.name).where(UNIT.c.id == unit_id, scope.condition()))).first()
    return Option(row.id, row.name) if row else None


async def persons_for_form(session: AsyncSession, *, unit_id: int) -> list[Option]:
    """The unit's people in post (在职), by name, with their current post."""
    query = (select(PERSON.c.id, PERSON.c.name, PERSON.c.post_title).where(PERSON.c.unit_id == unit_id,
                                                                           PERSON.c.status == "active")
             .order_by(PERSON.c.name, PERSON.c.id).limit(MAX_PERSONS))
    return [Option(r.id, r.name, r.post_title or "") for r in await session.execute(query)]


async def person_option(session: AsyncSession, *, scope: Scope, person_id: int) -> tuple[Option, int] | None:
    """(the person, their unit id) when their unit lies in ``scope``."""
    row = (await session.execute(select(PERSON.c.id, PERSON.c.name, PERSON.c.post_title, PERSON.c.unit_id)
                                 .join(UNIT, UNIT.c.id == PERSON.c.unit_id)
                                 .where(PERSON.c.id == person_id, scope.condition()))).first()
    return (Option(row.id, row.name, row.post_title or ""), row.unit_id) if row else None


async def bodies_for_form(session: AsyncSession, *, unit_id: int) -> list[Option]:
    query = (select(BODY.c.id, BODY.c.name).where(BODY.c.unit_id == unit_id, BODY.c.status == "active")
             .order_by(BODY.c.code))
    return [Option(r.id, r.name) for r in await session.execute(query)]


async def bases_for_form(session: AsyncSession, *, unit_id: int) -> list[Basis]:
    """The unit's approved 用编 with posts left (入编 draws on one)."""
    return [b for b in await bases_of(session, unit_id) if b.left > 0]
