"""The warnings a message is about, as :class:`bot.digest.Item` lines (rows from :mod:`models.notify.items`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.digest import Item
from models.notify import items as rows
from models.notify.items import ListedWarning
from models.warnings.rules.catalogue import CATALOGUE


def to_item(row: ListedWarning, today: date) -> Item:
    rule = CATALOGUE.get(row.rule_code)
    evidence = row.evidence or {}
    try:
        summary = rule.summary(evidence) if rule else ""
    except (KeyError, TypeError):
        summary = ""
    return Item(row.id, row.severity, rule.title if rule else row.rule_code, row.unit_name, evidence.get("name"),
                summary, row.due_date, bool(row.due_date and row.due_date < today))


async def items_by_unit(session: AsyncSession, unit_ids: list[int], today: date) -> dict[int, list[Item]]:
    found = await rows.by_unit(session, unit_ids=unit_ids)
    return {uid: [to_item(row, today) for row in listed] for uid, listed in found.items()}


async def items_in_scope(session: AsyncSession, target_id: int, today: date, *, severe_since: datetime | None = None,
                         only_severe: bool = False) -> list[Item]:
    found = await rows.in_scope(session, target_id=target_id, only_severe=only_severe, severe_since=severe_since)
    return [to_item(row, today) for row in found]
