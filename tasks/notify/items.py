"""The warnings a message is about, as :class:`bot.digest.Item` lines (rows from :mod:`models.notify.items`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.digest import Item
from models.notify import items as rows
from models.notify.items import ListedWarning
from models.warnings.rules.catalogue import CATALOGUE

# Chat lines sit beside a surname and a unit in groups of many people: a birth date, or a date that
# is a birth date plus a fixed age (the retirement date), would identify the person. These rules
# say what they mean without it; the portal, behind login, shows the dates.
GROUP_SAFE: dict[str, Callable[[dict[str, Any]], str]] = {
    "A11_ENTRY_AGE": lambda e: f"入编时年龄不符合规定（入编{e['entry']}）",
    "B2_RETIRE_SOON": lambda e: "即将达到法定退休年龄，请提前做好退休和用编计划",
    "B3_OVERDUE_RETIRE": lambda e: "已达到法定退休年龄，仍在编在职",
    "B5_RETIRED_IN_EST": lambda e: "已退休，编制未核销",
    # D4 (payroll): a masked name beside "paid twice" or "paid after leaving" is already an accusation
    # in a group, so the line names no other unit, no exit date (a retirement date is a birth date
    # plus an age), no 工资类别 and no amount; the portal shows them behind login.
    "D4_PAID_NO_EST": lambda e: "列入工资统发名单，本单位无其在编记录",
    "D4_EST_UNPAID": lambda e: "在编在职，未列入最新的工资统发名单",
    "D4_PAID_TWICE": lambda e: "同时在多个单位发薪",
    "D4_PAID_AFTER_EXIT": lambda e: "已离岗，仍列入工资统发名单",
}


def chat_summary(rule_code: str, evidence: dict[str, Any]) -> str:
    """The one-line summary a chat message may carry (no birth-derived dates)."""
    rule = CATALOGUE.get(rule_code)
    summarise = GROUP_SAFE.get(rule_code) or (rule.summary if rule else None)
    try:
        return summarise(evidence) if summarise else ""
    except (KeyError, TypeError):  # evidence written by an older rule version
        return ""


def to_item(row: ListedWarning, today: date, base_url: str = "") -> Item:
    rule = CATALOGUE.get(row.rule_code)
    evidence = row.evidence or {}
    link = f"{base_url}/warnings/{row.id}?via=chat" if base_url else None
    return Item(row.id, row.severity, rule.title if rule else "其他预警", row.unit_name, evidence.get("name"),
                chat_summary(row.rule_code, evidence), row.due_date, bool(row.due_date and row.due_date < today),
                link=link, status=row.status)


async def items_by_unit(session: AsyncSession, unit_ids: list[int], today: date,
                        base_url: str = "") -> dict[int, list[Item]]:
    found = await rows.by_unit(session, unit_ids=unit_ids)
    return {uid: [to_item(row, today, base_url) for row in listed] for uid, listed in found.items()}


async def items_in_scope(session: AsyncSession, target_id: int, today: date, *, severe_since: datetime | None = None,
                         only_severe: bool = False, base_url: str = "") -> list[Item]:
    found = await rows.in_scope(session, target_id=target_id, only_severe=only_severe, severe_since=severe_since)
    return [to_item(row, today, base_url) for row in found]
