"""Reading items: the three boxes (待我审批 / 我提交的 / 已办) and one item's detail.

Every query filters by the reader's :class:`Scope` (an item of a unit outside it reads as missing)
and returns frozen dataclasses with display names and Chinese labels ready for pages and cards.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.names import names_for
from models.accounts.tables import ACCOUNT
from models.approvals.detail import attachments_of, events_of, moves_for, steps_of
from models.approvals.hold import may_lift
from models.approvals.kind import KINDS
from models.approvals.labels import STATUS_LABELS
from models.approvals.rows import AttachmentMeta, EventView, ItemDetail, ItemRow, SignerView, StepView
from models.approvals.steps import step_at
from models.approvals.tables import ITEM, ITEM_SIGNER, ITEM_STEP
from models.approvals.timeliness import judge
from models.core.calendar import load_calendar
from models.core.decision import Actor
from models.staffing.scope import Scope
from models.staffing.tables import UNIT

__all__ = ["BOX_LABELS", "AttachmentMeta", "Box", "EventView", "ItemDetail", "ItemRow", "SignerView", "StepView",
           "box_counts", "item_detail", "item_row", "list_items", "my_items"]
Box = Literal["todo", "submitted", "done"]
BOX_LABELS = {"todo": "待我审批", "submitted": "我提交的", "done": "已办"}


_ACTIVE = ITEM_STEP.alias("active_step")


def _listing(scope: Scope) -> Select[Any]:
    """Items in scope with their unit and running step (if any)."""
    nobody = ~exists().where(ITEM_SIGNER.c.step_id == _ACTIVE.c.id)
    return (select(ITEM, UNIT.c.name.label("unit_name"), _ACTIVE.c.name.label("step_name"),
                   _ACTIVE.c.mode.label("step_mode"), _ACTIVE.c.due_on, _ACTIVE.c.id.label("active_id"),
                   nobody.label("nobody"))
            .join(UNIT, UNIT.c.id == ITEM.c.unit_id)
            .outerjoin(_ACTIVE, and_(_ACTIVE.c.item_id == ITEM.c.id, _ACTIVE.c.status == "active"))
            .where(scope.condition()))


async def _lifts(session: AsyncSession, login: str) -> bool:
    """Whether ``login`` may lift holds: a held item (暂缓审批) then waits for them like a step does,
    or nobody would find it ("one inbox holds everything an officer decides")."""
    role = await session.scalar(select(ACCOUNT.c.role).where(ACCOUNT.c.login == login))
    return may_lift(Actor(login, role or ""))


def _in_box(query: Select[Any], login: str, box: Box, lifts: bool = False) -> Select[Any]:
    if box == "todo":
        waiting = select(ITEM_SIGNER.c.step_id).where(ITEM_SIGNER.c.login == login, ITEM_SIGNER.c.decision.is_(None))
        mine = and_(ITEM.c.status == "pending", _ACTIVE.c.id.in_(waiting))
        return query.where(or_(mine, ITEM.c.status == "held") if lifts else mine)
    if box == "submitted":
        return query.where(ITEM.c.applicant == login)
    signed = (select(ITEM_STEP.c.item_id).join(ITEM_SIGNER, ITEM_SIGNER.c.step_id == ITEM_STEP.c.id)
              .where(ITEM_SIGNER.c.login == login, ITEM_SIGNER.c.decision.is_not(None)))
    return query.where(ITEM.c.id.in_(signed))


async def my_items(session: AsyncSession, *, login: str, scope: Scope, box: Box = "todo", today: date,
                   limit: int = 50, offset: int = 0) -> list[ItemRow]:
    """todo: items whose current step waits for ``login``; submitted: filed by ``login``;
    done: items ``login`` signed (any decision). todo: nearest deadline first, held items last; others
    newest first."""
    query = _in_box(_listing(scope), login, box, box == "todo" and await _lifts(session, login))
    order = (_ACTIVE.c.due_on.is_(None), _ACTIVE.c.due_on, ITEM.c.id) if box == "todo" else (ITEM.c.id.desc(),)
    rows = (await session.execute(query.order_by(*order).limit(limit).offset(offset))).all()
    return await _rows(session, rows, today)


async def _rows(session: AsyncSession, rows: list[Any], today: date) -> list[ItemRow]:
    calendar = await load_calendar(session)
    names = await names_for(session, logins={r.applicant for r in rows})
    return [ItemRow(r.id, r.kind, KINDS[r.kind].label if r.kind in KINDS else r.kind, r.unit_id, r.unit_name,
                    r.title, r.status, STATUS_LABELS.get(r.status, r.status), r.step_no, r.step_name, r.step_mode,
                    r.applicant, names[r.applicant], r.submitted_at, r.decided_at, r.due_on,
                    judge(calendar, due_on=r.due_on, finished_on=None, today=today) if r.active_id else None,
                    bool(r.active_id and r.nobody), r.version) for r in rows]


async def list_items(session: AsyncSession, *, scope: Scope, today: date, status: str | None = None,
                     kind: str | None = None, limit: int = 50, offset: int = 0) -> list[ItemRow]:
    """Items in scope, newest first (scripts and the admin's overview)."""
    query = _listing(scope)
    if status:
        query = query.where(ITEM.c.status == status)
    if kind:
        query = query.where(ITEM.c.kind == kind)
    rows = (await session.execute(query.order_by(ITEM.c.id.desc()).limit(limit).offset(offset))).all()
    return await _rows(session, rows, today)


async def box_counts(session: AsyncSession, *, login: str, scope: Scope) -> dict[str, int]:
    """How many items each box holds (for the tabs)."""
    counts: dict[str, int] = {}
    lifts = await _lifts(session, login)
    for box in BOX_LABELS:
        query = _in_box(_listing(scope), login, box, lifts).with_only_columns(func.count(ITEM.c.id))  # type: ignore[arg-type]
        counts[box] = int(await session.scalar(query) or 0)
    return counts


async def item_row(session: AsyncSession, item_id: int, *, scope: Scope, today: date) -> ItemRow | None:
    """One item's line, or None when missing or out of scope."""
    rows = (await session.execute(_listing(scope).where(ITEM.c.id == item_id))).all()
    return (await _rows(session, rows, today))[0] if rows else None


async def item_detail(session: AsyncSession, item_id: int, *, scope: Scope, today: date,
                      login: str | None = None, role: str | None = None) -> ItemDetail | None:
    """One item with its steps, signers, timeline and attachments; None when missing or out of scope.
    ``login`` / ``role`` fill ``moves`` with what that reader may do now."""
    found = (await session.execute(_listing(scope).where(ITEM.c.id == item_id))).first()
    if found is None:
        return None
    row = (await _rows(session, [found], today))[0]
    steps = await steps_of(session, item_id, await load_calendar(session), today)
    moves = await moves_for(session, found, steps, Actor(login, role or "")) if login else frozenset()
    return ItemDetail(row, dict(found.payload), dict(found.figures), found.doc_no, found.hold_reason,
                      tuple(step_at(found.steps, n) for n in range(len(found.steps))), tuple(steps),
                      tuple(await events_of(session, item_id)), tuple(await attachments_of(session, item_id)), moves)
