"""Reading tasks within a reader's scope: a task, one unit's part of it, the office's list with the
completion rate, a unit's list with what to do next, the per-unit board and the timeline.

A task is visible to its publisher and to everyone whose scope holds one of its units; a unit's
part (a target) only where the unit lies in the scope. Everything else answers None (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models.staffing.scope import Scope
from models.staffing.tables import UNIT
from models.unittasks.tables import UNIT_TASK as K
from models.unittasks.tables import UNIT_TASK_EVENT as E
from models.unittasks.tables import UNIT_TASK_FILE as F
from models.unittasks.tables import UNIT_TASK_TARGET as T
from models.unittasks.vocab import COMPLETED, EVENTS, NEXT_STEP, OPEN, TARGET_STATUS, TASK_STATUS, grade_label


@dataclass(frozen=True)
class TaskView:
    id: int
    title: str
    body: str
    deadline: date
    publisher: str
    audience: dict[str, Any]
    status: str
    created_at: datetime
    published_at: datetime | None
    closed_at: datetime | None
    version: int

    @property
    def status_label(self) -> str:
        return TASK_STATUS.get(self.status, "")


@dataclass(frozen=True)
class Progress:
    """A task's targets in the reader's scope, counted by state."""

    total: int = 0
    completed: int = 0
    overdue: int = 0
    by_status: tuple[tuple[str, int], ...] = ()

    @property
    def rate(self) -> str:
        return f"{100 * self.completed / self.total:.0f}%" if self.total else "—"

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


@dataclass(frozen=True)
class TaskSummary:
    task: TaskView
    progress: Progress


@dataclass(frozen=True)
class TargetView:
    """One unit's part of a task, with the task's own facts."""

    id: int
    task_id: int
    title: str
    body: str
    deadline: date
    task_status: str
    publisher: str
    unit_id: int
    unit_name: str
    status: str
    received_at: datetime | None
    received_by: str | None
    done_at: datetime | None
    fed_back_at: datetime | None
    fed_back_by: str | None
    feedback: str | None
    returned_count: int
    return_note: str | None
    grade: str | None
    points: int | None
    evaluation: str | None
    evaluated_by: str | None
    evaluated_at: datetime | None
    version: int

    @property
    def status_label(self) -> str:
        return TARGET_STATUS.get(self.status, "")

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)

    @property
    def next_step(self) -> str:
        if self.task_status == "closed" and self.status in OPEN:
            return "任务已结束"
        return NEXT_STEP.get(self.status, "")

    def overdue(self, today: date) -> bool:
        return self.task_status == "published" and self.status in OPEN and self.deadline < today


_TASK_FIELDS = tuple(TaskView.__dataclass_fields__)
_TARGET_COLUMNS = (T.c.id, T.c.task_id, K.c.title, K.c.body, K.c.deadline, K.c.status.label("task_status"),
                   K.c.publisher, T.c.unit_id, UNIT.c.name.label("unit_name"), T.c.status, T.c.received_at,
                   T.c.received_by, T.c.done_at, T.c.fed_back_at, T.c.fed_back_by, T.c.feedback,
                   T.c.returned_count, T.c.return_note, T.c.grade, T.c.points, T.c.evaluation, T.c.evaluated_by,
                   T.c.evaluated_at, T.c.version)


def _task(row: Any) -> TaskView:
    return TaskView(**{name: row._mapping[name] for name in _TASK_FIELDS})


def _target(row: Any) -> TargetView:
    return TargetView(**dict(row._mapping))


def visible(scope: Scope, login: str) -> ColumnElement[bool]:
    """The task's publisher, or a reader whose scope holds one of its units (admins and auditors: all)."""
    if scope.everything:
        return true()
    in_scope = select(T.c.id).join(UNIT, UNIT.c.id == T.c.unit_id).where(T.c.task_id == K.c.id, scope.condition())
    return or_(K.c.publisher == login, in_scope.exists())


async def task_in_scope(session: AsyncSession, *, scope: Scope, login: str, task_id: int) -> TaskView | None:
    row = (await session.execute(select(K).where(K.c.id == task_id, visible(scope, login)))).first()
    return _task(row) if row else None


def targets(scope: Scope) -> Select[Any]:
    """Targets joined to their task and unit, inside ``scope``."""
    return (select(*_TARGET_COLUMNS).join(K, K.c.id == T.c.task_id).join(UNIT, UNIT.c.id == T.c.unit_id)
            .where(scope.condition()))


async def target_in_scope(session: AsyncSession, *, scope: Scope, target_id: int) -> TargetView | None:
    row = (await session.execute(targets(scope).where(T.c.id == target_id))).first()
    return _target(row) if row else None


async def board(session: AsyncSession, *, scope: Scope, task_id: int) -> list[TargetView]:
    """Every unit's part of the task inside ``scope``, in tree order."""
    rows = await session.execute(targets(scope).where(T.c.task_id == task_id).order_by(UNIT.c.path))
    return [_target(row) for row in rows]


async def unit_targets(session: AsyncSession, *, scope: Scope, limit: int = 50, offset: int = 0) -> list[TargetView]:
    """The units' parts of published and closed tasks: open ones first, nearest deadline first."""
    waiting = case((T.c.status.in_(OPEN), 0), else_=1)
    query = targets(scope).order_by(waiting, K.c.deadline, T.c.id.desc()).limit(limit).offset(offset)
    return [_target(row) for row in await session.execute(query)]


async def office_tasks(session: AsyncSession, *, scope: Scope, login: str, today: date, limit: int = 50,
                       offset: int = 0) -> list[TaskSummary]:
    """Tasks the reader sees, newest first, each with its progress inside the scope."""
    query = select(K).where(visible(scope, login)).order_by(K.c.id.desc()).limit(limit).offset(offset)
    tasks = [_task(row) for row in await session.execute(query)]
    counted = await progress(session, scope=scope, task_ids=[t.id for t in tasks], today=today)
    return [TaskSummary(t, counted.get(t.id, Progress())) for t in tasks]


async def progress(session: AsyncSession, *, scope: Scope, task_ids: list[int], today: date) -> dict[int, Progress]:
    """{task id: its targets in ``scope`` counted by state, completed and overdue}."""
    if not task_ids:
        return {}
    late = (K.c.status == "published") & T.c.status.in_(OPEN) & (K.c.deadline < today)
    query = (select(T.c.task_id, T.c.status, func.count().label("n"), func.sum(case((late, 1), else_=0)).label("late"))
             .join(K, K.c.id == T.c.task_id).join(UNIT, UNIT.c.id == T.c.unit_id)
             .where(T.c.task_id.in_(task_ids), scope.condition()).group_by(T.c.task_id, T.c.status))
    found: dict[int, dict[str, tuple[int, int]]] = {}
    for row in await session.execute(query):
        found.setdefault(row.task_id, {})[row.status] = (int(row.n), int(row.late or 0))
    return {task_id: _progress(counts) for task_id, counts in found.items()}


def _progress(counts: dict[str, tuple[int, int]]) -> Progress:
    by_status = tuple((status, counts[status][0]) for status in TARGET_STATUS if status in counts)
    return Progress(total=sum(n for n, _ in counts.values()),
                    completed=sum(counts[s][0] for s in COMPLETED if s in counts),
                    overdue=sum(late for _, late in counts.values()), by_status=by_status)


async def timeline(session: AsyncSession, *, task_id: int, target_id: int | None = None) -> list[dict[str, Any]]:
    """The task's own events and, with ``target_id``, that unit's moves: oldest first."""
    which = E.c.task_id == task_id if target_id is None else or_(E.c.task_id == task_id, E.c.target_id == target_id)
    rows = await session.execute(select(E.c.at, E.c.kind, E.c.actor, E.c.note, E.c.detail).where(which)
                                 .order_by(E.c.at, E.c.id))
    return [{"at": r.at, "label": EVENTS.get(r.kind, "处理"), "actor": r.actor, "note": r.note,
             "grade": grade_label((r.detail or {}).get("grade"))} for r in rows]


@dataclass(frozen=True)
class FileInfo:
    id: int
    filename: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


async def files_of(session: AsyncSession, *, target_id: int) -> list[FileInfo]:
    query = (select(F.c.id, F.c.filename, F.c.size, F.c.uploaded_by, F.c.uploaded_at)
             .where(F.c.target_id == target_id).order_by(F.c.id))
    return [FileInfo(**dict(row._mapping)) for row in await session.execute(query)]


async def file_content(session: AsyncSession, *, target_id: int, file_id: int) -> tuple[str, str, bytes] | None:
    """(file name, content type, bytes) of a file of ``target_id`` (the caller checked the target's scope)."""
    query = select(F.c.filename, F.c.content_type, F.c.content).where(F.c.id == file_id, F.c.target_id == target_id)
    row = (await session.execute(query)).first()
    return (row.filename, row.content_type, row.content) if row else None
