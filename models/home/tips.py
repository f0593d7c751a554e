"""Tips generated from the data for the home page, each a sentence and the page where it is fixed.

- 应退休未退休: live warnings of rule B3 in scope → the warning list filtered to B3.
- 任职未录入文号 ("a post change not yet recorded"): the data model records an appointment as the
  person's ``appoint_date`` and ``appoint_doc``; a leader (``leader_kind`` set) appointed more than
  ``appoint_doc_days`` days ago whose 任免文号 is still empty → the longest-waiting person's page.
- 自查即将到期: a unit the reader looks after alone (a steward's units) with fewer counting checks
  this month than required, 3 working days or fewer before the month's last working day.
- 事项临近期限: 事项 waiting for the reader's signature that are 临近 or 超期 → the item boxes.
- 任务即将到期: tasks to units in scope still owing feedback with a deadline within 3 days → /tasks.
Every count is one indexed query bounded by the reader's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.query import my_items
from models.core.calendar import load_calendar
from models.staffing.scope import Scope
from models.staffing.tables import PERSON, UNIT
from models.unittasks.tables import UNIT_TASK as K
from models.unittasks.tables import UNIT_TASK_TARGET as T
from models.unittasks.vocab import OPEN
from models.warnings.query import LIVE
from models.warnings.tables import WARNING as W

SOON_DAYS = 3


@dataclass(frozen=True)
class Tip:
    text: str
    link: str
    urgent: bool = False


async def retire_tip(session: AsyncSession, *, scope: Scope) -> Tip | None:
    n = await session.scalar(select(func.count()).select_from(W).join(UNIT, UNIT.c.id == W.c.unit_id).where(
        W.c.rule_code == "B3_OVERDUE_RETIRE", W.c.status.in_(LIVE), scope.condition()))
    text = f"有 {n} 人已到退休年龄仍未办理退休（应退休未退休）"
    return Tip(text, "/warnings?rule=B3_OVERDUE_RETIRE", True) if n else None


async def appoint_doc_tip(session: AsyncSession, *, scope: Scope, today: date, days: int) -> Tip | None:
    # The literal conditions are those of the partial index ix_person_appoint_doc_missing (0016),
    # written as literals so the planner can match them whatever the bound parameters.
    waiting = (select(PERSON.c.id, PERSON.c.name).join(UNIT, UNIT.c.id == PERSON.c.unit_id).where(
        scope.condition(), text("person.status = 'active'"), text("person.leader_kind <> 'none'"),
        text("COALESCE(person.appoint_doc, '') = ''"), PERSON.c.appoint_date < today - timedelta(days=days)))
    n = await session.scalar(select(func.count()).select_from(waiting.subquery()))
    if not n:
        return None
    first = (await session.execute(waiting.order_by(PERSON.c.appoint_date, PERSON.c.id).limit(1))).one()
    who = f"{first.name}等 {n} 人" if n > 1 else first.name
    return Tip(f"{who}任职已超过 {days} 天，尚未录入任免文号", f"/persons/{first.id}")


async def items_due_tip(session: AsyncSession, *, login: str, scope: Scope, today: date) -> Tip | None:
    rows = await my_items(session, login=login, scope=scope, box="todo", today=today, limit=50)
    late = [r for r in rows if r.timeliness in ("close", "overdue")]
    if not late:
        return None
    overdue = sum(r.timeliness == "overdue" for r in late)
    extra = f"，其中 {overdue} 个已超期" if overdue else ""
    return Tip(f"有 {len(late)} 个事项临近办理期限{extra}", "/items", bool(overdue))


async def tasks_due_tip(session: AsyncSession, *, scope: Scope, today: date) -> Tip | None:
    n = await session.scalar(select(func.count()).select_from(T).join(K, K.c.id == T.c.task_id)
                             .join(UNIT, UNIT.c.id == T.c.unit_id).where(
        scope.condition(), K.c.status == "published", T.c.status.in_(OPEN),
        K.c.deadline <= today + timedelta(days=SOON_DAYS)))
    return Tip(f"有 {n} 项任务 {SOON_DAYS} 天内到期或已过期，尚未反馈", "/tasks", True) if n else None


async def workdays_to_month_end(session: AsyncSession, *, today: date) -> int:
    """Working days from ``today`` to the month's last working day (0: today is that day)."""
    calendar = await load_calendar(session)
    first_next = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    days = [today + timedelta(days=i) for i in range((first_next - today).days)]
    return max(sum(calendar.is_workday(d)[0] for d in days) - 1, 0)
