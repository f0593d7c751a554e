"""Who hears about a unit: the enabled targets of a purpose that cover it (own unit, subtree or
everything), the targets placed in the tree for escalation, the other targets a failed send
alerts or falls back to, and the stewards (and their units) that personal demo targets go to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts.tables import ACCOUNT, ACCOUNT_SCOPE
from models.notify.marks import covers
from models.notify.tables import TARGET as T
from models.notify.tables import Target
from models.staffing.tables import UNIT


@dataclass(frozen=True)
class TargetRef:
    """What grouping and addressing need of a target (never its channel config)."""

    id: int
    kind: str
    unit_id: int | None
    subtree: bool
    group_by: str
    account_id: int | None  # a personal target: its cards' links are that person's


@dataclass(frozen=True)
class Covering(TargetRef):
    """A target covering ``covered_unit_id``."""

    covered_unit_id: int


@dataclass(frozen=True)
class Placed(TargetRef):
    """A target with its bound unit's path and depth (``None``: bound to no unit)."""

    target_path: str | None
    target_depth: int | None


def _ref(row: Row[Any]) -> dict[str, Any]:
    m = row._mapping
    return {"id": m["id"], "kind": m["kind"], "unit_id": m["unit_id"], "subtree": m["subtree"],
            "group_by": m["group_by"], "account_id": m["account_id"]}


async def covering_targets(session: AsyncSession, *, purpose: str, unit_ids: list[int]) -> list[Covering]:
    """Every enabled target of ``purpose`` covering one of ``unit_ids``, once per covered unit."""
    target_unit = UNIT.alias("tu")
    query = (select(UNIT.c.id.label("covered_unit_id"), T)
             .select_from(UNIT.join(T, T.c.enabled.is_(True)).outerjoin(target_unit, target_unit.c.id == T.c.unit_id))
             .where(UNIT.c.id.in_(unit_ids), T.c.purposes.contains(f",{purpose},"), covers(target_unit)))
    return [Covering(**_ref(row), covered_unit_id=row.covered_unit_id) for row in await session.execute(query)]


async def targets_of(session: AsyncSession, *, purpose: str) -> list[Placed]:
    """Every enabled target of ``purpose`` with its bound unit's path and depth."""
    target_unit = UNIT.alias("tu")
    query = (select(T, target_unit.c.path.label("target_path"), target_unit.c.depth.label("target_depth"))
             .outerjoin(target_unit, target_unit.c.id == T.c.unit_id)
             .where(T.c.enabled.is_(True), T.c.purposes.contains(f",{purpose},")))
    return [Placed(**_ref(row), target_path=row.target_path, target_depth=row.target_depth)
            for row in await session.execute(query)]


async def other_targets(session: AsyncSession, *, target: Target, purpose: str,
                        kind: str | None = None) -> list[Target]:
    """Enabled targets of ``purpose`` other than ``target``; with ``kind``, only those bound to its unit."""
    query = select(Target).where(col(Target.enabled).is_(True), col(Target.id) != target.id,
                                 col(Target.purposes).contains(f",{purpose},"))
    if kind:
        query = query.where(col(Target.kind) == kind, col(Target.unit_id) == target.unit_id)
    return list((await session.scalars(query)).all())


@dataclass(frozen=True)
class StewardUnit:
    code: str
    name: str
    account_id: int


async def steward_units(session: AsyncSession) -> list[StewardUnit]:
    """Each steward account with a unit it sees, by login."""
    query = (select(UNIT.c.code, UNIT.c.name, ACCOUNT.c.id).join(ACCOUNT_SCOPE, ACCOUNT_SCOPE.c.unit_id == UNIT.c.id)
             .join(ACCOUNT, ACCOUNT.c.id == ACCOUNT_SCOPE.c.account_id).where(ACCOUNT.c.role == "steward")
             .order_by(ACCOUNT.c.login))
    return [StewardUnit(code, name, account_id) for code, name, account_id in await session.execute(query)]


async def personal_targets(session: AsyncSession, *, login: str) -> list[TargetRef]:
    """The enabled targets that reach the account ``login`` personally (any purpose)."""
    query = (select(T).join(ACCOUNT, ACCOUNT.c.id == T.c.account_id)
             .where(T.c.enabled.is_(True), ACCOUNT.c.login == login))
    return [TargetRef(**_ref(row)) for row in await session.execute(query)]
