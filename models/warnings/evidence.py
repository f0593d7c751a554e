"""What a warning's detail page shows besides the warning: the records behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staffing.bodies import holds_body_post, kinds_of
from models.staffing.tables import PERSON, UNIT
from models.staffing.units import occupies_establishment

OCCUPANT_LIMIT = 200


@dataclass(frozen=True)
class Holder:
    """A person occupying establishment or holding a leadership post, as evidence lists them."""

    id: int
    name: str
    id_masked: str
    post_title: str | None
    since: date | None  # entry date for establishment, appointment date for posts


@dataclass(frozen=True)
class SameIdRecord:
    """Another record carrying the same ID number (一人多编), with its unit."""

    id: int
    name: str
    status: str
    in_est: bool
    entry_date: date | None
    unit_name: str
    unit_code: str


async def occupants(session: AsyncSession, *, unit_id: int, est_type: str) -> list[Holder]:
    """The persons occupying ``est_type`` establishment in the unit, as C1/C3 count them (retired or
    departed but not released included)."""
    query = (select(PERSON.c.id, PERSON.c.name, PERSON.c.id_masked, PERSON.c.post_title,
                    PERSON.c.entry_date.label("since"))
             .where(PERSON.c.unit_id == unit_id, PERSON.c.est_type == est_type, occupies_establishment())
             .order_by(PERSON.c.entry_date.desc(), PERSON.c.id).limit(OCCUPANT_LIMIT))
    return [Holder(**r._mapping) for r in await session.execute(query)]


async def post_holders(session: AsyncSession, *, unit_id: int, leader_kind: str) -> list[Holder]:
    post_unit = PERSON.c.post_unit_id.is_(None) & (PERSON.c.unit_id == unit_id) | (PERSON.c.post_unit_id == unit_id)
    query = (select(PERSON.c.id, PERSON.c.name, PERSON.c.id_masked, PERSON.c.post_title,
                    PERSON.c.appoint_date.label("since"))
             .where(post_unit, PERSON.c.status == "active", PERSON.c.leader_kind == leader_kind)
             .order_by(PERSON.c.appoint_date, PERSON.c.id))
    return [Holder(**r._mapping) for r in await session.execute(query)]


async def body_holders(session: AsyncSession, *, body_id: int, rank: str) -> list[Holder]:
    """The active holders of one rank of an internal body, as C5_BODY_OVER_POSTS counts them."""
    kinds = [kind for kind, r in kinds_of("internal").items() if r == rank]
    query = (select(PERSON.c.id, PERSON.c.name, PERSON.c.id_masked, PERSON.c.post_title,
                    PERSON.c.appoint_date.label("since"))
             .where(holds_body_post(), PERSON.c.body_id == body_id, PERSON.c.leader_kind.in_(kinds))
             .order_by(PERSON.c.appoint_date, PERSON.c.id))
    return [Holder(**r._mapping) for r in await session.execute(query)]


async def same_person_records(session: AsyncSession, *, person_id: int) -> list[SameIdRecord]:
    """Every record sharing this record's ID number (一人多编 evidence), with its unit."""
    same = select(PERSON.c.id_hash).where(PERSON.c.id == person_id).scalar_subquery()
    query = (select(PERSON.c.id, PERSON.c.name, PERSON.c.status, PERSON.c.in_est, PERSON.c.entry_date,
                    UNIT.c.name.label("unit_name"), UNIT.c.code.label("unit_code"))
             .join(UNIT, UNIT.c.id == PERSON.c.unit_id).where(PERSON.c.id_hash == same).order_by(PERSON.c.id))
    return [SameIdRecord(**r._mapping) for r in await session.execute(query)]
