"""Reading units: listings within a scope, counts, the tree outline, quota-versus-actual figures,
streaming for export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.enums import EstType
from models.staffing.bodies import LEADER_POSTS, holds_post, post_unit
from models.staffing.records import POST_KEYS, UnitRecord
from models.staffing.scope import Scope
from models.staffing.tables import PERSON, QUOTA, UNIT, Unit
from models.staffing.tables import POST_QUOTA as POSTS


async def units_in_scope(session: AsyncSession, *, scope: Scope, query: str = "", limit: int = 200,
                         offset: int = 0) -> list[Any]:
    """Units the scope covers, with approved and actual totals over all types (as in C1), in tree order."""
    approved = (select(QUOTA.c.unit_id, func.sum(QUOTA.c.approved).label("approved"))
                .group_by(QUOTA.c.unit_id).subquery())
    actual = (select(PERSON.c.unit_id, func.count().label("actual")).where(occupies_establishment())
              .group_by(PERSON.c.unit_id).subquery())
    stmt = (select(UNIT.c.id, UNIT.c.code, UNIT.c.name, UNIT.c.kind, UNIT.c.level, UNIT.c.depth,
                   func.coalesce(approved.c.approved, 0).label("approved"),
                   func.coalesce(actual.c.actual, 0).label("actual"))
            .outerjoin(approved, approved.c.unit_id == UNIT.c.id)
            .outerjoin(actual, actual.c.unit_id == UNIT.c.id)
            .where(scope.condition()).order_by(UNIT.c.path).limit(limit).offset(offset))
    if query:
        stmt = stmt.where(or_(UNIT.c.name.contains(query, autoescape=True),
                              UNIT.c.code.startswith(query, autoescape=True)))
    return list((await session.execute(stmt)).all())


async def count_in_scope(session: AsyncSession, *, scope: Scope) -> int:
    return int(await session.scalar(select(func.count()).select_from(UNIT).where(scope.condition())) or 0)


async def unit_in_scope(session: AsyncSession, *, scope: Scope, unit_id: int) -> Unit | None:
    """The unit, or None when it does not exist or the scope does not cover it (same answer: 404)."""
    stmt = select(Unit).where(col(Unit.id) == unit_id, scope.condition())
    return (await session.scalars(stmt)).first()


async def count_units(session: AsyncSession) -> int:
    """How many units there are (all of them, whoever asks)."""
    return int((await session.execute(select(func.count()).select_from(UNIT))).scalar_one())


@dataclass(frozen=True)
class UnitBrief:
    code: str
    name: str
    depth: int


async def units_by_depth(session: AsyncSession) -> list[UnitBrief]:
    """Every unit, shallowest first (roots, then their children …), in path order within a depth."""
    rows = await session.execute(select(UNIT.c.code, UNIT.c.name, UNIT.c.depth).order_by(UNIT.c.depth, UNIT.c.path))
    return [UnitBrief(code, name, depth) for code, name, depth in rows]


def occupies_establishment() -> ColumnElement[bool]:
    """The records that occupy establishment, counted as 实有 (domain §9 C1): 在编 with a type,
    whatever the 人员状态. A retired or departed person whose 编制 is not yet released still holds
    it (rules B5/B6 ask for the release); rule C1 and the unit pages count with this one predicate."""
    return PERSON.c.in_est.is_(True) & PERSON.c.est_type.is_not(None)


async def quota_vs_actual(session: AsyncSession, *, unit_id: int) -> dict[str, tuple[int, int]]:
    """{est_type: (approved, actual)} for every type that has a quota or an occupant."""
    approved: dict[str, int] = dict((await session.execute(
        select(QUOTA.c.est_type, QUOTA.c.approved).where(QUOTA.c.unit_id == unit_id))).all())
    actual: dict[str, int] = dict((await session.execute(
        select(PERSON.c.est_type, func.count()).where(PERSON.c.unit_id == unit_id, occupies_establishment())
        .group_by(PERSON.c.est_type))).all())
    order = [t.value for t in EstType]
    types = sorted(set(approved) | set(actual), key=lambda t: order.index(t) if t in order else 99)
    return {t: (approved.get(t, 0), actual.get(t, 0)) for t in types}


async def posts_vs_holders(session: AsyncSession, *, unit_id: int) -> dict[tuple[str, str], tuple[int, int]]:
    """{(scope, rank): (approved, holders)}; holders are active leaders whose post is in this unit."""
    approved = {(r.scope, r.rank): r.approved for r in await session.execute(
        select(POSTS).where(POSTS.c.unit_id == unit_id))}
    held: dict[str, int] = dict((await session.execute(
        select(PERSON.c.leader_kind, func.count()).where(post_unit() == unit_id, holds_post())
        .group_by(PERSON.c.leader_kind))).all())
    holders = {LEADER_POSTS[k]: n for k, n in held.items()}
    return {key: (approved.get(key, 0), holders.get(key, 0)) for key in POST_KEYS}


async def stream_units(session: AsyncSession) -> AsyncIterator[UnitRecord]:
    parent = UNIT.alias("parent")
    quotas: dict[int, dict[str, int]] = {}
    for q in await session.execute(select(QUOTA)):
        quotas.setdefault(q.unit_id, {})[q.est_type] = q.approved
    posts: dict[int, dict[tuple[str, str], int]] = {}
    for p in await session.execute(select(POSTS)):
        posts.setdefault(p.unit_id, {})[(p.scope, p.rank)] = p.approved
    rows = await session.execute(select(UNIT, parent.c.code.label("parent_code"))
                                 .outerjoin(parent, parent.c.id == UNIT.c.parent_id).order_by(UNIT.c.path))
    for row in rows:
        m = row._mapping
        yield UnitRecord(
            code=m["code"], name=m["name"], level=m["level"], kind=m["kind"], parent_code=m["parent_code"],
            uscc=m["uscc"], region_code=m["region_code"], is_cangong=m["is_cangong"], funding=m["funding"],
            grade=m["grade"], internal_limit=m["internal_limit"], approved_on=m["approved_on"],
            approval_doc=m["approval_doc"], quotas=quotas.get(m["id"], {}), posts=posts.get(m["id"], {}))
