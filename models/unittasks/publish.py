"""Writing, publishing and closing a task.

The publisher chooses the units as a subtree (a parent unit and everything under it, with or
without the parent itself) or as a list; either way only units inside the publisher's scope are
taken, and a unit outside it is refused by name. The target rows are written when the task is
published, in the same transaction as the decision and its notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, require
from models.core import audit
from models.core.db import saved_id, utcnow
from models.core.decision import Actor, Decision, DecisionError, Effect, Lifecycle, Move, decide
from models.staffing.scope import Scope
from models.staffing.tables import UNIT
from models.unittasks.query import TaskView
from models.unittasks.tables import UNIT_TASK, UNIT_TASK_EVENT, UNIT_TASK_TARGET, UnitTask

TITLE_MAX, BODY_MAX, MAX_UNITS = 200, 5000, 10_000
LONGEST = timedelta(days=366)  # a deadline further out is a typing mistake

TASK_LIFECYCLE = Lifecycle(
    table=UNIT_TASK, timeline=UNIT_TASK_EVENT, key="task_id", object_type="unit_task",
    stale="该任务已被他人处理，请刷新后查看", wrong_state="该任务当前状态不能执行此操作，可能已经处理过",
    moves={"publish": Move(("draft",), "published", "published"), "close": Move(("published",), "closed", "closed")})


class TaskRefused(DecisionError):
    """The task cannot be written or published as asked; ``str()`` says why, in Chinese."""


@dataclass(frozen=True)
class Audience:
    mode: Literal["subtree", "units"]
    unit_id: int | None = None          # subtree: the parent unit
    include_root: bool = True           # subtree: the parent itself too
    unit_ids: tuple[int, ...] = field(default_factory=tuple)  # units: the list

    def as_data(self) -> dict[str, Any]:
        if self.mode == "subtree":
            return {"mode": "subtree", "unit_id": self.unit_id, "include_root": self.include_root}
        return {"mode": "units", "unit_ids": list(self.unit_ids)}

    @classmethod
    def of(cls, data: dict[str, Any]) -> Audience:
        if data.get("mode") == "subtree":
            return cls("subtree", unit_id=data.get("unit_id"), include_root=bool(data.get("include_root", True)))
        return cls("units", unit_ids=tuple(data.get("unit_ids") or ()))


@dataclass(frozen=True)
class Draft:
    title: str
    body: str
    deadline: date
    audience: Audience


def checked(draft: Draft, today: date) -> Draft:
    """The draft with its text trimmed, or :class:`TaskRefused` with what to fix."""
    title, body = draft.title.strip(), draft.body.strip()
    if len(title) < 2 or len(title) > TITLE_MAX:
        raise TaskRefused(f"请填写任务标题（2–{TITLE_MAX}字）")
    if len(body) > BODY_MAX:
        raise TaskRefused(f"任务内容不能超过{BODY_MAX}字")
    if draft.deadline < today or draft.deadline > today + LONGEST:
        raise TaskRefused("截止日期须在今天到一年之内")
    return Draft(title, body, draft.deadline, draft.audience)


async def audience_units(session: AsyncSession, *, audience: Audience, scope: Scope) -> list[int]:
    """The ids of the units ``audience`` names inside ``scope``, or :class:`TaskRefused`."""
    pick = _subtree if audience.mode == "subtree" else _listed
    found = await pick(session, audience, scope)
    if not found:
        raise TaskRefused("请选择接收任务的单位")
    if len(found) > MAX_UNITS:
        raise TaskRefused(f"一次最多发给{MAX_UNITS}个单位，请缩小范围")
    return found


async def _subtree(session: AsyncSession, audience: Audience, scope: Scope) -> list[int]:
    root = (await session.execute(select(UNIT.c.id, UNIT.c.path).where(UNIT.c.id == audience.unit_id,
                                                                           scope.condition()))).first()
    if root is None:
        raise TaskRefused("请选择您管辖范围内的上级单位")
    query = select(UNIT.c.id).where(UNIT.c.path.startswith(root.path, autoescape=True), scope.condition())
    if not audience.include_root:
        query = query.where(UNIT.c.id != root.id)
    return list((await session.scalars(query.order_by(UNIT.c.path))).all())


async def _listed(session: AsyncSession, audience: Audience, scope: Scope) -> list[int]:
    wanted = sorted(set(audience.unit_ids))
    found = list((await session.scalars(select(UNIT.c.id).where(UNIT.c.id.in_(wanted), scope.condition())
                                        .order_by(UNIT.c.path))).all()) if wanted else []
    if len(found) != len(wanted):
        raise TaskRefused("所选单位中有不在您管辖范围内的单位，请重新选择")
    return found


async def create_task(session: AsyncSession, draft: Draft, actor: Actor, *, scope: Scope, today: date) -> int:
    """Write ``draft`` as a draft task (its units are checked now and again at publication)."""
    require(actor.role, Action.PUBLISH_TASK)
    draft = checked(draft, today)
    units = await audience_units(session, audience=draft.audience, scope=scope)
    row = UnitTask(title=draft.title, body=draft.body, deadline=draft.deadline, publisher=actor.login,
                   audience=draft.audience.as_data())
    session.add(row)
    await session.flush()
    task_id = saved_id(row)
    await session.execute(insert(UNIT_TASK_EVENT).values(task_id=task_id, at=utcnow(), kind="created",
                                                         actor=actor.login))
    await audit.record(session, actor=actor.login, action="unit_task.created", object_type="unit_task",
                       object_id=task_id, detail={"title": draft.title, "units": len(units)}, ip=actor.ip)
    return task_id


def _own(task: TaskView, actor: Actor) -> None:
    """Publishing and closing belong to the publisher (or an admin), not to every officer who sees a part."""
    require(actor.role, Action.PUBLISH_TASK)
    if actor.login != task.publisher and actor.role != "admin":
        raise TaskRefused("只有任务发布人可以发布或结束该任务")


async def publish_task(session: AsyncSession, task: TaskView, actor: Actor, *, scope: Scope, today: date,
                       effects: Sequence[Effect] = ()) -> int:
    """Publish a draft: one target per unit, then ``effects`` (the notices); returns the number of units."""
    _own(task, actor)
    if task.status == "draft" and task.deadline < today:
        raise TaskRefused("截止日期已过，请新建任务")
    units = await audience_units(session, audience=Audience.of(task.audience), scope=scope) \
        if task.status == "draft" else []

    async def write_targets(s: AsyncSession) -> None:
        await s.execute(insert(UNIT_TASK_TARGET), [_new_target(task.id, unit_id) for unit_id in units])

    await decide(session, TASK_LIFECYCLE, Decision(
        "publish", task.id, task.version, task.status, actor, values={"published_at": utcnow()},
        detail={"units": len(units)}, effects=[write_targets, *effects]))
    return len(units)


def _new_target(task_id: int, unit_id: int) -> dict[str, Any]:
    return {"task_id": task_id, "unit_id": unit_id, "status": "published", "returned_count": 0, "version": 1,
            "updated_at": utcnow()}


async def close_task(session: AsyncSession, task: TaskView, actor: Actor, *, note: str = "") -> None:
    """End a task: units no longer act on it and reminders stop; evaluations may still be given."""
    _own(task, actor)
    await decide(session, TASK_LIFECYCLE, Decision("close", task.id, task.version, task.status, actor,
                                                   note=note.strip()[:500] or None, values={"closed_at": utcnow()}))
