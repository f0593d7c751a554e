"""What a warning's detail page shows besides the warning: the records behind it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staffing.tables import PERSON, UNIT
from models.warnings.rules.sql import active

OCCUPANT_LIMIT = 200


async def occupants(session: AsyncSession, *, unit_id: int, est_type: str) -> list[dict[str, Any]]:
    """The active persons holding ``est_type`` establishment in the unit (C1/C3 evidence)."""
    query = (select(PERSON.c.id, PERSON.c.name, PERSON.c.id_masked, PERSON.c.entry_date, PERSON.c.post_title)
             .where(PERSON.c.unit_id == unit_id, PERSON.c.est_type == est_type, active())
             .order_by(PERSON.c.entry_date.desc(), PERSON.c.id).limit(OCCUPANT_LIMIT))
    return [dict(r._mapping) for r in await session.execute(query)]


async def post_holders(session: AsyncSession, *, unit_id: int, leader_kind: str) -> list[dict[str, Any]]:
    post_unit = PERSON.c.post_unit_id.is_(None) & (PERSON.c.unit_id == unit_id) | (PERSON.c.post_unit_id == unit_id)
    query = (select(PERSON.c.id, PERSON.c.name, PERSON.c.id_masked, PERSON.c.post_title, PERSON.c.appoint_date)
             .where(post_unit, PERSON.c.status == "active", PERSON.c.leader_kind == leader_kind)
             .order_by(PERSON.c.appoint_date, PERSON.c.id))
    return [dict(r._mapping) for r in await session.execute(query)]


async def same_person_records(session: AsyncSession, *, person_id: int) -> list[dict[str, Any]]:
    """Every record sharing this record's ID number (一人多编 evidence), with its unit."""
    same = select(PERSON.c.id_hash).where(PERSON.c.id == person_id).scalar_subquery()
    query = (select(PERSON.c.id, PERSON.c.name, PERSON.c.status, PERSON.c.in_est, PERSON.c.entry_date,
                    UNIT.c.name.label("unit_name"), UNIT.c.code.label("unit_code"))
             .join(UNIT, UNIT.c.id == PERSON.c.unit_id).where(PERSON.c.id_hash == same).order_by(PERSON.c.id))
    return [dict(r._mapping) for r in await session.execute(query)]
