"""Timeliness: each step against its deadline in working days, per item, officer and department,
the median working days per item kind, and the steps owed a 催办 reminder or escalation.

A running step is ``overdue`` after its due day, ``close`` on its due day or the working day before
(≤ 1 working day left), else ``on_time``; a finished step is ``on_time`` if it finished by its due
day, else ``overdue``. An item is judged by its current step while it runs, by its worst step once
finished. Days are counted on the working-day calendar (``models.core.calendar``).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.names import names_for
from models.approvals.kind import KINDS
from models.approvals.labels import OFFICE_TZ, ROLE_LABELS
from models.approvals.tables import ITEM, ITEM_SIGNER, ITEM_STEP
from models.core.calendar import load_calendar
from models.core.workdays import WorkCalendar
from models.staffing.scope import Scope
from models.staffing.tables import UNIT

CLOSE_DAYS = 1
DEFAULT_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class StatLine:
    """Timeliness of the steps one officer (``key`` = login) or department (``key`` = role) signed."""

    key: str
    name: str                   # display name, or the role's label (科室初审, 组织部 …)
    steps: int
    on_time: int
    close: int
    overdue: int
    median_days: float | None   # median working days from a step's start to its finish


@dataclass(frozen=True)
class KindMedian:
    kind: str
    label: str
    items: int                  # approved items counted
    median_days: float | None   # median working days from submission to approval


@dataclass(frozen=True)
class DueStep:
    """A running step that is close to or past its deadline (for 催办 and escalation)."""

    item_id: int
    step_id: int
    step_no: int
    name: str
    role: str
    kind: str
    title: str
    unit_id: int
    applicant: str
    due_on: date
    state: str                  # close / overdue
    overdue_days: int           # working days past the due day (0 when close)
    pending: tuple[str, ...]    # logins still to sign (empty: 无人可审批)


def local_day(moment: datetime | None) -> date | None:
    return moment.astimezone(ZoneInfo(OFFICE_TZ)).date() if moment else None


def judge(calendar: WorkCalendar, *, due_on: date | None, finished_on: date | None, today: date) -> str | None:
    """on_time / close / overdue for one step (None without a deadline)."""
    if due_on is None:
        return None
    if finished_on is not None:
        return "on_time" if finished_on <= due_on else "overdue"
    if today > due_on:
        return "overdue"
    return "close" if calendar.workdays_between(today, due_on)[0] <= CLOSE_DAYS else "on_time"


def _days(calendar: WorkCalendar, start: datetime | None, end: datetime | None) -> int | None:
    first, last = local_day(start), local_day(end)
    return calendar.workdays_between(first, last)[0] if first and last else None


def _median(values: Iterable[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(statistics.median(known)) if known else None


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _scoped(query: Select[Any], scope: Scope, since: date | None, today: date) -> Select[Any]:
    start = since or today - DEFAULT_WINDOW
    return (query.join(ITEM, ITEM.c.id == ITEM_STEP.c.item_id).join(UNIT, UNIT.c.id == ITEM.c.unit_id)
            .where(scope.condition(), ITEM_STEP.c.started_at >= _moment(start)))


def _line(key: str, name: str, judged: list[tuple[str | None, int | None]]) -> StatLine:
    states = [state for state, _days in judged]
    return StatLine(key, name, len(judged), states.count("on_time"), states.count("close"), states.count("overdue"),
                    _median(days for _state, days in judged))


async def officer_timeliness(session: AsyncSession, *, scope: Scope, today: date,
                             since: date | None = None) -> list[StatLine]:
    """Per signer: the steps they decided (their decision against the step's deadline) and the ones
    still waiting for them; a 或签 signer whom another signer spared is not counted."""
    calendar = await load_calendar(session)
    query = _scoped(select(ITEM_SIGNER.c.login, ITEM_SIGNER.c.decided_at, ITEM_STEP.c.due_on, ITEM_STEP.c.status,
                           ITEM_STEP.c.started_at).join(ITEM_STEP, ITEM_STEP.c.id == ITEM_SIGNER.c.step_id),
                    scope, since, today)
    lines: dict[str, list[tuple[str | None, int | None]]] = defaultdict(list)
    for r in await session.execute(query):
        if r.decided_at is None and r.status != "active":
            continue
        state = judge(calendar, due_on=r.due_on, finished_on=local_day(r.decided_at), today=today)
        lines[r.login].append((state, _days(calendar, r.started_at, r.decided_at)))
    names = await names_for(session, logins=list(lines))
    return sorted((_line(login, names[login], judged) for login, judged in lines.items()), key=lambda s: s.name)


async def department_timeliness(session: AsyncSession, *, scope: Scope, today: date,
                                since: date | None = None) -> list[StatLine]:
    """Per role (科室初审, 分管领导终审, 组织部, 人社局, 财政局): every step entered, done or running."""
    calendar = await load_calendar(session)
    query = _scoped(select(ITEM_STEP.c.role, ITEM_STEP.c.status, ITEM_STEP.c.due_on, ITEM_STEP.c.started_at,
                           ITEM_STEP.c.finished_at), scope, since, today)
    lines: dict[str, list[tuple[str | None, int | None]]] = defaultdict(list)
    for r in await session.execute(query.where(ITEM_STEP.c.status.in_(("active", "done", "returned", "rejected")))):
        state = judge(calendar, due_on=r.due_on, finished_on=local_day(r.finished_at), today=today)
        lines[r.role].append((state, _days(calendar, r.started_at, r.finished_at)))
    order = list(ROLE_LABELS)
    return [_line(role, ROLE_LABELS.get(role, role), lines[role])
            for role in sorted(lines, key=lambda r: order.index(r) if r in order else len(order))]


async def median_days(session: AsyncSession, *, scope: Scope, since: date | None = None,
                      today: date | None = None) -> list[KindMedian]:
    """Median working days from submission to approval per kind, over items approved since ``since``."""
    calendar, start = await load_calendar(session), since or (today or date.today()) - DEFAULT_WINDOW
    query = (select(ITEM.c.kind, ITEM.c.submitted_at, ITEM.c.decided_at).join(UNIT, UNIT.c.id == ITEM.c.unit_id)
             .where(scope.condition(), ITEM.c.status == "approved",
                    ITEM.c.decided_at >= _moment(start)))
    spans: dict[str, list[int | None]] = defaultdict(list)
    for r in await session.execute(query):
        spans[r.kind].append(_days(calendar, r.submitted_at, r.decided_at))
    return [KindMedian(code, kind.label, len(spans[code]), _median(spans[code])) for code, kind in KINDS.items()]


async def overdue_steps(session: AsyncSession, *, today: date) -> list[DueStep]:
    """Every running step of a pending item that is close to (≤ 1 working day) or past its due day,
    most overdue first."""
    calendar = await load_calendar(session)
    horizon, _estimated = calendar.add_workdays(today, CLOSE_DAYS)
    query = (select(ITEM_STEP, ITEM.c.kind, ITEM.c.title, ITEM.c.unit_id, ITEM.c.applicant)
             .join(ITEM, ITEM.c.id == ITEM_STEP.c.item_id)
             .where(ITEM_STEP.c.status == "active", ITEM.c.status == "pending", ITEM_STEP.c.due_on <= horizon)
             .order_by(ITEM_STEP.c.due_on, ITEM_STEP.c.id))
    rows = (await session.execute(query)).all()
    waiting = await _pending(session, [r.id for r in rows])
    return [_due(calendar, r, today, waiting.get(r.id, ())) for r in rows]


async def _pending(session: AsyncSession, step_ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = defaultdict(list)
    query = (select(ITEM_SIGNER.c.step_id, ITEM_SIGNER.c.login)
             .where(ITEM_SIGNER.c.step_id.in_(step_ids), ITEM_SIGNER.c.decision.is_(None)).order_by(ITEM_SIGNER.c.id))
    for step_id, login in await session.execute(query) if step_ids else []:
        found[step_id].append(login)
    return {step_id: tuple(logins) for step_id, logins in found.items()}


def _due(calendar: WorkCalendar, r: Any, today: date, pending: tuple[str, ...]) -> DueStep:
    late = r.due_on < today
    return DueStep(r.item_id, r.id, r.step_no, r.name, r.role, r.kind, r.title, r.unit_id, r.applicant, r.due_on,
                   "overdue" if late else "close", calendar.workdays_between(r.due_on, today)[0] if late else 0,
                   pending)
