"""Loading the warnings a message is about, as :class:`bot.digest.Item` rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.digest import Item
from models.notify.marks import covers
from models.notify.tables import TARGET as T
from models.staffing.tables import UNIT
from models.warnings.rules.catalogue import CATALOGUE
from models.warnings.tables import WARNING as W

LISTED = ("open", "acknowledged", "disputed")  # snoozed warnings are muted on purpose


def _base() -> Select[Any]:
    return (select(W.c.id, W.c.severity, W.c.rule_code, W.c.evidence, W.c.due_date, W.c.unit_id,
                   UNIT.c.name.label("unit_name"))
            .join(UNIT, UNIT.c.id == W.c.unit_id).where(W.c.status.in_(LISTED)))


def to_item(row: Any, today: date) -> Item:
    rule = CATALOGUE.get(row.rule_code)
    evidence = row.evidence or {}
    try:
        summary = rule.summary(evidence) if rule else ""
    except (KeyError, TypeError):
        summary = ""
    return Item(row.id, row.severity, rule.title if rule else row.rule_code, row.unit_name, evidence.get("name"),
                summary, row.due_date, bool(row.due_date and row.due_date < today))


async def items_by_unit(session: AsyncSession, unit_ids: list[int], today: date) -> dict[int, list[Item]]:
    result: dict[int, list[Item]] = {uid: [] for uid in unit_ids}
    for start in range(0, len(unit_ids), 2000):
        query = _base().where(W.c.unit_id.in_(unit_ids[start:start + 2000])).order_by(W.c.id)
        for row in await session.execute(query):
            result[row.unit_id].append(to_item(row, today))
    return result


def _scope(target_id: int) -> ColumnElement[bool]:
    target_unit = UNIT.alias("tu")
    own = select(T.c.id).outerjoin(target_unit, target_unit.c.id == T.c.unit_id).where(
        T.c.id == target_id, covers(target_unit))
    return own.exists()


async def items_in_scope(session: AsyncSession, target_id: int, today: date, *, severe_since: datetime | None = None,
                         only_severe: bool = False) -> list[Item]:
    query = _base().where(_scope(target_id)).order_by(W.c.id)
    if only_severe:
        query = query.where(W.c.severity == "S1", W.c.status == "open")
        if severe_since is not None:
            fresh = or_(W.c.detected_at > severe_since, and_(W.c.reopen_count > 0, W.c.updated_at > severe_since))
            query = query.where(fresh)
    return [to_item(row, today) for row in await session.execute(query)]
