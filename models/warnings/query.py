"""Reading warnings: filtered listings for the inbox and the CLI, one warning with its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.tables import Account
from models.staffing.scope import Scope
from models.staffing.tables import UNIT
from models.warnings.rules.catalogue import CATALOGUE
from models.warnings.tables import WARNING as W
from models.warnings.tables import WARNING_EVENT as EVENT
from models.warnings.tables import WarningEvent

LIVE = ("open", "acknowledged", "snoozed", "disputed")
STATUS_LABELS = {"open": "待处理", "acknowledged": "已确认", "snoozed": "暂缓", "disputed": "情况说明待审",
                 "resolved": "已解决", "exception": "例外关闭"}
EVENT_LABELS = {"detected": "发现", "reopened": "重新出现", "resolved": "已解决", "acknowledged": "已确认",
                "snoozed": "暂缓", "unsnoozed": "暂缓到期", "disputed": "提交情况说明",
                "dispute_accepted": "情况说明通过", "dispute_rejected": "情况说明退回", "notified": "已通知",
                "reminded": "已提醒", "escalated": "已升级", "read": "已读（从消息打开）"}


@dataclass(frozen=True)
class WarningFilter:
    rule: str | None = None
    severity: str | None = None
    unit_id: int | None = None
    unit_code: str | None = None
    status: str | None = None  # None: every live status; "all": everything
    overdue: bool = False
    read: bool = False  # 已读未办: opened from a chat message by someone, still live


def overdue_condition(today: date) -> ColumnElement[bool]:
    return and_(W.c.status.in_(LIVE), W.c.due_date.is_not(None), W.c.due_date < today)


def _filtered(scope: Scope, f: WarningFilter, today: date) -> Select[Any]:
    query = (select(W, UNIT.c.code.label("unit_code"), UNIT.c.name.label("unit_name"))
             .join(UNIT, UNIT.c.id == W.c.unit_id).where(scope.condition()))
    if f.status != "all":
        query = query.where(W.c.status.in_(LIVE) if f.status is None else W.c.status == f.status)
    conditions = {"rule_code": f.rule, "severity": f.severity, "unit_id": f.unit_id}
    for column, value in conditions.items():
        if value:
            query = query.where(W.c[column] == value)
    if f.unit_code:
        query = query.where(UNIT.c.code == f.unit_code)
    if f.overdue:
        query = query.where(overdue_condition(today))
    if f.read:
        query = query.where(W.c.status.in_(LIVE), W.c.id.in_(select(EVENT.c.warning_id).where(EVENT.c.kind == "read")))
    return query


async def list_warnings(session: AsyncSession, *, scope: Scope, filters: WarningFilter, today: date,
                        limit: int | None = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Most urgent first: severity, then overdue, then due date."""
    query = _filtered(scope, filters, today).order_by(W.c.severity, W.c.due_date.is_(None), W.c.due_date, W.c.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [decorate(dict(row._mapping), today) for row in await session.execute(query)]


async def count_warnings(session: AsyncSession, *, scope: Scope, filters: WarningFilter, today: date) -> int:
    query = select(func.count()).select_from(_filtered(scope, filters, today).subquery())
    return int(await session.scalar(query) or 0)


def decorate(row: dict[str, Any], today: date) -> dict[str, Any]:
    """Add what every view shows: rule title, summary text, status label, overdue flag."""
    rule = CATALOGUE.get(row["rule_code"])
    evidence = row.get("evidence") or {}
    row["title"] = rule.title if rule else row["rule_code"]
    row["summary"] = _summary(rule, evidence)
    row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    row["overdue"] = bool(row["status"] in LIVE and row["due_date"] and row["due_date"] < today)
    row["who"] = evidence.get("name")
    row["masked_id"] = evidence.get("id")
    return row


def _summary(rule: Any, evidence: dict[str, Any]) -> str:
    try:
        return str(rule.summary(evidence)) if rule else ""
    except (KeyError, TypeError):  # evidence written by an older rule version
        return ""


async def get_warning(session: AsyncSession, *, scope: Scope, warning_id: int, today: date) -> dict[str, Any] | None:
    query = _filtered(scope, WarningFilter(status="all"), today).where(W.c.id == warning_id)
    row = (await session.execute(query)).first()
    return decorate(dict(row._mapping), today) if row else None


async def timeline(session: AsyncSession, *, warning_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(select(EVENT).where(EVENT.c.warning_id == warning_id).order_by(EVENT.c.id))
    return [{**dict(r._mapping), "label": EVENT_LABELS.get(r.kind, r.kind)} for r in rows]


async def counts_by_severity(session: AsyncSession, *, scope: Scope, today: date) -> dict[str, int]:
    query = (select(W.c.severity, func.count()).join(UNIT, UNIT.c.id == W.c.unit_id)
             .where(scope.condition(), W.c.status.in_(LIVE)).group_by(W.c.severity))
    counts = {severity: int(n) for severity, n in await session.execute(query)}
    overdue = select(func.count()).select_from(W.join(UNIT, UNIT.c.id == W.c.unit_id)).where(
        scope.condition(), overdue_condition(today))
    counts["overdue"] = int(await session.scalar(overdue) or 0)
    return counts


async def record_read(session: AsyncSession, *, warning_id: int, login: str) -> bool:
    """One "read" event per user and warning (opened from a chat link); False if already recorded."""
    seen = await session.scalar(select(EVENT.c.id).where(EVENT.c.warning_id == warning_id, EVENT.c.kind == "read",
                                                         EVENT.c.actor == login).limit(1))
    if seen is not None:
        return False
    session.add(WarningEvent(warning_id=warning_id, kind="read", actor=login))
    return True


async def readers(session: AsyncSession, *, warning_id: int) -> list[dict[str, Any]]:
    """Who opened the warning from a chat message, first reader first."""
    account = Account.__table__  # type: ignore[attr-defined]
    query = (select(EVENT.c.actor, EVENT.c.at, account.c.display_name)
             .outerjoin(account, account.c.login == EVENT.c.actor)
             .where(EVENT.c.warning_id == warning_id, EVENT.c.kind == "read").order_by(EVENT.c.id))
    return [dict(row._mapping) for row in await session.execute(query)]
