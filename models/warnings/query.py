"""Reading warnings: filtered listings for the inbox and the CLI, one warning with its timeline."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.names import actor_name
from models.accounts.tables import ACCOUNT
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
                "dispute_accepted": "情况说明通过", "dispute_rejected": "情况说明退回",
                "dispute_withdrawn": "情况说明撤回",
                "snooze_lifted": "取消暂缓", "notified": "已通知",
                "reminded": "已提醒", "escalated": "已升级", "read": "已读（从消息打开）",
                "corrected": "已更正记录", "change_requested": "提交更正，待复核",
                "rectified": "整改销号"}


@dataclass(frozen=True)
class WarningFilter:
    rule: str | None = None
    severity: str | None = None
    unit_id: int | None = None
    unit_code: str | None = None
    status: str | None = None  # None: every live status; "all": everything
    overdue: bool = False
    read: bool = False  # 已读未办: opened from a chat message by someone, still live


@dataclass(frozen=True)
class WarningRow:
    """One warning as views, actions and the CLI read it: the stored columns plus what people see."""

    id: int
    rule_code: str
    rule_version: int
    severity: str
    unit_id: int
    unit_code: str
    unit_name: str
    person_id: int | None
    subject: str
    evidence: dict[str, Any]
    status: str
    version: int
    due_date: date | None
    due_estimated: bool
    detected_on: date
    escalation_level: int
    reopen_count: int
    snoozed_until: date | None
    snooze_reason: str | None
    acknowledged_by: str | None
    resolved_by: str | None
    title: str
    summary: str
    status_label: str
    overdue: bool
    who: str | None
    masked_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_SHOWN = ("title", "summary", "status_label", "overdue", "who", "masked_id")
_STORED = tuple(f.name for f in fields(WarningRow) if f.name not in _SHOWN)


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
                        limit: int | None = 50, offset: int = 0) -> list[WarningRow]:
    """Most urgent first: severity, then overdue, then due date."""
    query = _filtered(scope, filters, today).order_by(W.c.severity, W.c.due_date.is_(None), W.c.due_date, W.c.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [to_row(row._mapping, today) for row in await session.execute(query)]


async def count_warnings(session: AsyncSession, *, scope: Scope, filters: WarningFilter, today: date) -> int:
    query = select(func.count()).select_from(_filtered(scope, filters, today).subquery())
    return int(await session.scalar(query) or 0)


def to_row(mapping: Any, today: date) -> WarningRow:
    """The typed row, with what every view shows: rule title, summary, status label, overdue flag."""
    rule = CATALOGUE.get(mapping["rule_code"])
    evidence = mapping["evidence"] or {}
    status, due = mapping["status"], mapping["due_date"]
    return WarningRow(**{name: mapping[name] for name in _STORED},
                      title=rule.title if rule else mapping["rule_code"], summary=_summary(rule, evidence),
                      status_label=STATUS_LABELS.get(status, status),
                      overdue=bool(status in LIVE and due and due < today),
                      who=evidence.get("name"), masked_id=evidence.get("id"))


def _summary(rule: Any, evidence: dict[str, Any]) -> str:
    try:
        return str(rule.summary(evidence)) if rule else ""
    except (KeyError, TypeError):  # evidence written by an older rule version
        return ""


async def get_warning(session: AsyncSession, *, scope: Scope, warning_id: int, today: date) -> WarningRow | None:
    query = _filtered(scope, WarningFilter(status="all"), today).where(W.c.id == warning_id)
    row = (await session.execute(query)).first()
    return to_row(row._mapping, today) if row else None


async def warnings_by_ids(session: AsyncSession, *, scope: Scope, ids: list[int], today: date) -> list[WarningRow]:
    """The warnings among ``ids`` that ``scope`` sees, whatever their state, in the order of ``ids``."""
    if not ids:
        return []
    query = _filtered(scope, WarningFilter(status="all"), today).where(W.c.id.in_(ids))
    found = {row.id: to_row(row._mapping, today) for row in await session.execute(query)}
    return [found[i] for i in ids if i in found]


async def warning_unit(session: AsyncSession, *, warning_id: int) -> int | None:
    """The unit of a warning, whoever asks (to tell "not yours" from "does not exist")."""
    return await session.scalar(select(W.c.unit_id).where(W.c.id == warning_id))


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str
    label: str
    actor: str
    actor_name: str  # the person's name, or what the system actor is called; never a login
    note: str | None
    detail: dict[str, Any] | None


@dataclass(frozen=True)
class Reader:
    actor: str
    at: datetime
    display_name: str | None


async def timeline(session: AsyncSession, *, warning_id: int) -> list[TimelineEvent]:
    query = (select(EVENT, ACCOUNT.c.display_name).outerjoin(ACCOUNT, ACCOUNT.c.login == EVENT.c.actor)
             .where(EVENT.c.warning_id == warning_id).order_by(EVENT.c.id))
    return [TimelineEvent(r.at, r.kind, EVENT_LABELS.get(r.kind, r.kind), r.actor,
                          actor_name(r.actor, r.display_name), r.note, r.detail) for r in await session.execute(query)]


async def counts_by_severity(session: AsyncSession, *, scope: Scope, today: date) -> dict[str, int]:
    """Live warnings per severity, plus ``overdue`` and ``disputed``: one pass over the scope's warnings
    (a province-wide reader's scope holds them all)."""
    def tally(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
    query = (select(W.c.severity, func.count(), tally(overdue_condition(today)), tally(W.c.status == "disputed"))
             .join(UNIT, UNIT.c.id == W.c.unit_id).where(scope.condition(), W.c.status.in_(LIVE))
             .group_by(W.c.severity))
    rows = (await session.execute(query)).all()
    counts = {severity: int(n) for severity, n, _overdue, _disputed in rows}
    counts["overdue"] = sum(int(overdue) for _s, _n, overdue, _d in rows)
    counts["disputed"] = sum(int(disputed) for _s, _n, _o, disputed in rows)
    return counts


async def record_read(session: AsyncSession, *, warning_id: int, login: str) -> bool:
    """One "read" event per user and warning (opened from a chat link); False if already recorded."""
    seen = await session.scalar(select(EVENT.c.id).where(EVENT.c.warning_id == warning_id, EVENT.c.kind == "read",
                                                         EVENT.c.actor == login).limit(1))
    if seen is not None:
        return False
    session.add(WarningEvent(warning_id=warning_id, kind="read", actor=login))
    return True


async def readers(session: AsyncSession, *, warning_id: int) -> list[Reader]:
    """Who opened the warning from a chat message, first reader first."""
    query = (select(EVENT.c.actor, EVENT.c.at, ACCOUNT.c.display_name)
             .outerjoin(ACCOUNT, ACCOUNT.c.login == EVENT.c.actor)
             .where(EVENT.c.warning_id == warning_id, EVENT.c.kind == "read").order_by(EVENT.c.id))
    return [Reader(**row._mapping) for row in await session.execute(query)]


async def disputed_by(session: AsyncSession, *, warning_id: int) -> str | None:
    """The login of whoever submitted the warning's latest 情况说明."""
    query = (select(EVENT.c.actor).where(EVENT.c.warning_id == warning_id, EVENT.c.kind == "disputed")
             .order_by(EVENT.c.id.desc()).limit(1))
    return await session.scalar(query)
