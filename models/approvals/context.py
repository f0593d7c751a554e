"""One move in progress: the locked item, who moves, and how a move is recorded.

Every move locks the item first (:func:`lock_item`), so moves on one item run one after another;
the state each timeline event may leave from and go to is :data:`TRANSITIONS`, and
:func:`record` writes it through ``models.core.decision.decide`` (conditional UPDATE on id, version
and from-state, one timeline event, one audit row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.names import names_for
from models.approvals.kind import Kind, kind_of
from models.approvals.labels import EVENT_LABELS, STATUS_LABELS
from models.approvals.outcome import DECISION, ItemError, ItemNotFound, Notice, Stale
from models.approvals.tables import ITEM, ITEM_EVENT
from models.core.decision import Actor, Decision, Lifecycle, Move, decide

_ANY = ("pending", "held", "returned", "approved", "rejected", "withdrawn")
# event -> (states it may leave from, state it goes to; None keeps the state)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "approved_step": (("pending",), None), "approved": (("pending",), "approved"),
    "rejected": (("pending",), "rejected"), "returned": (("pending",), "returned"),
    "returned_step": (("pending",), None), "transferred": (("pending",), None),
    "signer_added": (("pending",), None), "commented": (_ANY, None),
    "withdrawn": (("pending", "held", "returned"), "withdrawn"), "resubmitted": (("returned",), "pending"),
    "held": (("returned",), "held"), "lifted": (("held",), "pending"),
}
WRONG_STATE = {"approved": "该事项已批准，不能再操作", "rejected": "该事项已办结（不同意），不能再操作",
               "withdrawn": "该事项已撤回，不能再操作", "returned": "该事项已退回申请人，等待重新提交",
               "held": "该事项暂缓审批中，解除暂缓后才能审批", "pending": "该事项正在审批中，不能执行此操作"}


@dataclass
class Ctx:
    """A move on one locked item."""

    session: AsyncSession
    item: Any                   # the item's row (Core), read under the lock
    actor: Actor
    today: date
    tz: str
    note: str | None = None
    to_login: str | None = None
    to_step: int | None = None
    doc_no: str | None = None
    payload: dict[str, Any] | None = None
    title: str | None = None    # resubmit: the title the changed fields give

    @property
    def kind(self) -> Kind:
        return kind_of(self.item.kind)

    def applicant_notice(self) -> tuple[Notice, ...]:
        """The applicant hears every move that is not their own."""
        return () if self.actor.login == self.item.applicant else (Notice(self.item.applicant, DECISION),)


def dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def lock_item(session: AsyncSession, item_id: int) -> Any:
    """The item's row, locked for this transaction (ItemNotFound when missing).

    PostgreSQL: ``SELECT … FOR UPDATE``. SQLite has no row locks; a no-op UPDATE takes the
    database's write lock first, so the read that follows sees the last committed decision."""
    if dialect(session) == "sqlite":
        await session.execute(update(ITEM).where(ITEM.c.id == item_id).values(version=ITEM.c.version))
    row = (await session.execute(select(ITEM).where(ITEM.c.id == item_id).with_for_update())).first()
    if row is None:
        raise ItemNotFound("事项不存在或不在您的管辖范围内")
    return row


def ensure_state(item: Any, event: str) -> None:
    sources, _target = TRANSITIONS[event]
    if item.status not in sources:
        raise ItemError(WRONG_STATE.get(item.status, "当前状态不能执行此操作"))


async def record(ctx: Ctx, event: str, *, values: dict[str, Any] | None = None,
                 detail: dict[str, Any] | None = None) -> int:
    """Move the item (``TRANSITIONS[event]``) with one timeline event and one audit row; the new version."""
    ensure_state(ctx.item, event)
    target = TRANSITIONS[event][1] or ctx.item.status
    lifecycle = Lifecycle(table=ITEM, timeline=ITEM_EVENT, key="item_id", object_type="item",
                          moves={event: Move((ctx.item.status,), target, event)},
                          stale="该事项已被他人处理，请刷新后查看")
    base = {"step_no": ctx.item.step_no, "figures_before": ctx.item.figures}
    await decide(ctx.session, lifecycle, Decision(
        move=event, row_id=ctx.item.id, version=ctx.item.version, status=ctx.item.status, actor=ctx.actor,
        note=ctx.note, values=values or {}, detail={**base, **(detail or {})}))
    return int(ctx.item.version) + 1


async def stale(session: AsyncSession, item: Any, tz: str, *, mine: str | None = None) -> Stale:
    """Who decided last and when ("已由 张三 于 2026-11-23 10:15 同意"), as the loser's message."""
    query = (select(ITEM_EVENT.c.actor, ITEM_EVENT.c.at, ITEM_EVENT.c.kind)
             .where(ITEM_EVENT.c.item_id == item.id)
             .order_by(ITEM_EVENT.c.id.desc()).limit(1))
    last = (await session.execute(query)).first()
    if last is None:
        return Stale(f"该事项当前状态为{STATUS_LABELS.get(item.status, '未知')}，请刷新后查看")
    when = last.at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    if mine is not None and last.actor == mine:
        return Stale(f"您已于 {when} {EVENT_LABELS.get(last.kind, '处理')}，无需重复操作")
    name = (await names_for(session, logins=[last.actor]))[last.actor]
    return Stale(f"已由 {name} 于 {when} {EVENT_LABELS.get(last.kind, '处理')}，请刷新后查看")
