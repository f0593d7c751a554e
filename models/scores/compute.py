"""The deductions of a period, for every active unit at once: one set-based query per kind, never a
query per unit (see ``models/scores/weights.py`` for what each kind means)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.tables import ITEM
from models.scores.period import Period
from models.scores.weights import Weights
from models.selfcheck.counting import checks_by_unit
from models.staffing.tables import PERSON, PERSON_EVENT, UNIT
from models.unittasks.tables import UNIT_TASK as K
from models.unittasks.tables import UNIT_TASK_TARGET as T
from models.warnings.rules.catalogue import CATALOGUE
from models.warnings.tables import WARNING as W
from models.warnings.tables import WARNING_EVENT as WE

LIVE = ("open", "acknowledged", "snoozed", "disputed")
ACTIVE = UNIT.c.status == "active"


@dataclass(frozen=True)
class Found:
    """One deduction before it is stored: the unit, the kind, the object it traces to, a note."""

    unit_id: int
    kind: str
    ref_type: str
    ref_id: int
    note: str


async def deductions(session: AsyncSession, period: Period, weights: Weights) -> list[Found]:
    """Every deduction of the period, over all active units."""
    found: list[Found] = []
    found += await open_warnings(session, period)
    found += await late_updates(session, period)
    found += await read_not_done(session, period)
    found += await returned_items(session, period, weights)
    found += await late_tasks(session, period)
    found += missed_checks(await active_units(session), await checks_by_unit(session, month=period.month), weights)
    return found


def _title(rule_code: str) -> str:
    rule = CATALOGUE.get(rule_code)
    return rule.title if rule else rule_code


def _open_at_cutoff(period: Period) -> Any:
    return and_(W.c.detected_at < period.cutoff, or_(W.c.status.in_(LIVE), W.c.resolved_at >= period.cutoff))


async def open_warnings(session: AsyncSession, period: Period) -> list[Found]:
    query = (select(W.c.id, W.c.unit_id, W.c.severity, W.c.rule_code, W.c.due_date).join(UNIT, UNIT.c.id == W.c.unit_id)
             .where(ACTIVE, _open_at_cutoff(period)))
    found: list[Found] = []
    for r in await session.execute(query):
        if r.severity in ("S1", "S2"):
            found.append(Found(r.unit_id, r.severity.lower(), "warning", r.id, f"月末未处理：{_title(r.rule_code)}"))
        if r.due_date is not None and r.due_date < period.cutoff_day:
            found.append(Found(r.unit_id, "overdue", "warning", r.id,
                               f"{_title(r.rule_code)}，{r.due_date:%Y年%m月%d日}到期，月末仍未处理"))
    return found


async def late_updates(session: AsyncSession, period: Period) -> list[Found]:
    """Warnings about a person resolved in the period after their deadline day (office zone)."""
    fixing = (select(func.max(PERSON_EVENT.c.id)).where(PERSON_EVENT.c.person_id == W.c.person_id,
                                                       PERSON_EVENT.c.at <= W.c.resolved_at).scalar_subquery())
    query = (select(W.c.id, W.c.unit_id, W.c.rule_code, W.c.due_date, W.c.resolved_at, fixing.label("event_id"))
             .join(UNIT, UNIT.c.id == W.c.unit_id)
             .where(ACTIVE, W.c.person_id.is_not(None), W.c.due_date.is_not(None),
                    W.c.resolved_at >= period.start, W.c.resolved_at < period.cutoff))
    return [Found(r.unit_id, "late", "person_event" if r.event_id else "warning", r.event_id or r.id,
                  f"{_title(r.rule_code)}：{r.due_date:%Y年%m月%d日}到期，"
                  f"{period.local_day(r.resolved_at):%Y年%m月%d日}才更新")
            for r in await session.execute(query) if period.local_day(r.resolved_at) > r.due_date]


async def read_not_done(session: AsyncSession, period: Period) -> list[Found]:
    read = exists().where(WE.c.warning_id == W.c.id, WE.c.kind == "read", WE.c.at < period.cutoff)
    query = (select(W.c.id, W.c.unit_id, W.c.rule_code).join(UNIT, UNIT.c.id == W.c.unit_id)
             .where(ACTIVE, _open_at_cutoff(period), read))
    return [Found(r.unit_id, "read", "warning", r.id, f"已从消息打开，月末仍未处理：{_title(r.rule_code)}")
            for r in await session.execute(query)]


async def returned_items(session: AsyncSession, period: Period, weights: Weights) -> list[Found]:
    """Items returned to the unit (the return is the item's last change) and left unanswered too long."""
    before = period.cutoff - timedelta(days=weights.item_answer_days)
    query = (select(ITEM.c.id, ITEM.c.unit_id, ITEM.c.title, ITEM.c.updated_at).join(UNIT, UNIT.c.id == ITEM.c.unit_id)
             .where(ACTIVE, ITEM.c.status == "returned", ITEM.c.updated_at < before))
    return [Found(r.unit_id, "item", "item", r.id,
                  f"{r.title[:80]}：{period.local_day(r.updated_at):%Y年%m月%d日}退回，超过{weights.item_answer_days}天未补正")
            for r in await session.execute(query)]


async def late_tasks(session: AsyncSession, period: Period) -> list[Found]:
    """Targets of tasks due in the period that were not fed back by the end of the deadline day."""
    query = (select(T.c.task_id, T.c.unit_id, T.c.fed_back_at, K.c.title, K.c.deadline)
             .join(K, K.c.id == T.c.task_id).join(UNIT, UNIT.c.id == T.c.unit_id)
             .where(ACTIVE, K.c.status.in_(("published", "closed")), K.c.deadline >= period.first_day,
                    K.c.deadline < period.cutoff_day))
    return [Found(r.unit_id, "task", "unit_task", r.task_id,
                  f"{r.title[:80]}：{r.deadline:%Y年%m月%d日}截止，未按期反馈")
            for r in await session.execute(query)
            if r.fed_back_at is None or period.local_day(r.fed_back_at) > r.deadline]


@dataclass(frozen=True)
class UnitFacts:
    id: int
    code: str
    region_code: str
    level: str


async def active_units(session: AsyncSession) -> list[UnitFacts]:
    query = select(UNIT.c.id, UNIT.c.code, UNIT.c.region_code, UNIT.c.level).where(ACTIVE).order_by(UNIT.c.id)
    return [UnitFacts(r.id, r.code, r.region_code or "", r.level) for r in await session.execute(query)]


def missed_checks(units: Iterable[UnitFacts], checks: dict[int, int], weights: Weights) -> list[Found]:
    required = weights.selfcheck_required
    return [Found(u.id, "selfcheck", "selfcheck", n, f"本月有效自查{checks.get(u.id, 0)}次，少于要求的{required}次")
            for u in units for n in range(checks.get(u.id, 0) + 1, required + 1)]


async def persons_by_unit(session: AsyncSession) -> dict[int, int]:
    query = (select(PERSON.c.unit_id, func.count()).where(PERSON.c.status == "active")
             .group_by(PERSON.c.unit_id))
    return {int(unit): int(n) for unit, n in await session.execute(query)}
