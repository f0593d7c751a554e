"""The warnings a message is about: listed warnings (open, acknowledged, disputed) with their unit's
name, per unit or within a target's scope, as frozen :class:`ListedWarning` rows.

``tasks.notify`` turns these rows into message lines; nothing here knows about channels or messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.notify.marks import covers
from models.notify.tables import TARGET as T
from models.staffing.tables import UNIT
from models.warnings.tables import WARNING as W

LISTED = ("open", "acknowledged", "disputed")  # snoozed warnings are muted on purpose
CHUNK = 2000  # unit ids per IN list


@dataclass(frozen=True)
class ListedWarning:
    """One listed warning, with what a message line says about it."""

    id: int
    severity: str
    rule_code: str
    evidence: dict[str, Any]
    due_date: date | None
    unit_id: int
    unit_name: str
    status: str


def listed() -> Select[Any]:
    """Listed warnings joined to their unit: the columns of :class:`ListedWarning`."""
    return (select(W.c.id, W.c.severity, W.c.rule_code, W.c.evidence, W.c.due_date, W.c.unit_id,
                   UNIT.c.name.label("unit_name"), W.c.status)
            .join(UNIT, UNIT.c.id == W.c.unit_id).where(W.c.status.in_(LISTED)))


def listed_warning(row: Row[Any]) -> ListedWarning:
    return ListedWarning(id=row.id, severity=row.severity, rule_code=row.rule_code, evidence=row.evidence,
                         due_date=row.due_date, unit_id=row.unit_id, unit_name=row.unit_name, status=row.status)


async def by_unit(session: AsyncSession, *, unit_ids: list[int]) -> dict[int, list[ListedWarning]]:
    """{unit id: its listed warnings by id}, with an empty list for a unit that has none."""
    result: dict[int, list[ListedWarning]] = {uid: [] for uid in unit_ids}
    for start in range(0, len(unit_ids), CHUNK):
        query = listed().where(W.c.unit_id.in_(unit_ids[start:start + CHUNK])).order_by(W.c.id)
        for row in await session.execute(query):
            result[row.unit_id].append(listed_warning(row))
    return result


def _scope(target_id: int) -> ColumnElement[bool]:
    target_unit = UNIT.alias("tu")
    own = select(T.c.id).outerjoin(target_unit, target_unit.c.id == T.c.unit_id).where(
        T.c.id == target_id, covers(target_unit))
    return own.exists()


async def in_scope(session: AsyncSession, *, target_id: int, only_severe: bool = False,
                   severe_since: datetime | None = None) -> list[ListedWarning]:
    """Listed warnings the target covers; ``only_severe``: open S1 ones, new or reopened since ``severe_since``."""
    query = listed().where(_scope(target_id)).order_by(W.c.id)
    if only_severe:
        query = query.where(W.c.severity == "S1", W.c.status == "open")
        if severe_since is not None:
            fresh = or_(W.c.detected_at > severe_since, and_(W.c.reopen_count > 0, W.c.updated_at > severe_since))
            query = query.where(fresh)
    return [listed_warning(row) for row in await session.execute(query)]
