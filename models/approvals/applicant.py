"""The applicant's moves — 撤回 and 重新提交 after 退回 — and lifting a hold (暂缓审批).

撤回's rule: a held or returned item (it is in the applicant's hands) may always be withdrawn; an
item under review only before the first decision of the current pass (no step approved or returned
since it was last submitted): once an approver has acted, the applicant asks them to 退回 instead.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.context import Ctx, record
from models.approvals.hold import hold_reason, may_lift
from models.approvals.moves import application_of, asked, needs_note, next_detail, nobody_note, outcome, start
from models.approvals.outcome import DECISION, ItemError, Notice, Outcome
from models.approvals.signers import in_scope, scope_of
from models.approvals.steps import active_step, close_step, pending, signers_of
from models.approvals.tables import ITEM_EVENT, Item
from models.core.db import utcnow

STARTS = ("submitted", "resubmitted", "lifted")
DECISIONS = ("approved_step", "returned_step")


def _applicant_only(ctx: Ctx, what: str) -> None:
    if ctx.actor.login != ctx.item.applicant:
        raise ItemError(f"只有申请人可以{what}")


async def decided_since_submission(session: AsyncSession, item_id: int) -> bool:
    last_start = (select(func.max(ITEM_EVENT.c.id)).where(ITEM_EVENT.c.item_id == item_id,
                                                          ITEM_EVENT.c.kind.in_(STARTS))).scalar_subquery()
    query = select(ITEM_EVENT.c.id).where(ITEM_EVENT.c.item_id == item_id, ITEM_EVENT.c.kind.in_(DECISIONS),
                                          ITEM_EVENT.c.id > func.coalesce(last_start, 0)).limit(1)
    return await session.scalar(query) is not None


async def withdraw(ctx: Ctx) -> Outcome:
    _applicant_only(ctx, "撤回")
    if ctx.item.status == "pending" and await decided_since_submission(ctx.session, ctx.item.id):
        raise ItemError("审批人已处理过该事项，不能撤回；如需修改请联系审批人退回")
    step = await active_step(ctx.session, item_id=ctx.item.id)
    waiting: list[str] = []
    if step is not None:
        waiting = pending(await signers_of(ctx.session, step_id=step.id))
        await close_step(ctx.session, step_id=step.id, status="cancelled")
    row = await ctx.session.get(Item, ctx.item.id, populate_existing=True)
    assert row is not None
    await ctx.kind.withdraw(ctx.session, row, ctx.actor)
    version = await record(ctx, "withdrawn", values={"decided_at": utcnow()})
    return outcome(ctx, "withdraw", "withdrawn", version, "已撤回",
                   notices=tuple(Notice(login, DECISION) for login in waiting))


async def resubmit(ctx: Ctx) -> Outcome:
    """After 退回: the changed fields are checked again by the kind, then the flow restarts at step 0
    (or the item is held, when its unit now has overdue S1 rectifications)."""
    _applicant_only(ctx, "重新提交")
    if ctx.item.status != "returned":
        raise ItemError("只有被退回的事项才能重新提交")
    payload: dict[str, Any] = {**ctx.item.payload, **(ctx.payload or {})}
    figures = await ctx.kind.check(ctx.session, application_of(ctx.item, payload), ctx.today)
    reason = await hold_reason(ctx.session, ctx.item.unit_id, ctx.today, kind=ctx.kind)
    values: dict[str, Any] = {"payload": payload, "figures": figures, "step_no": 0, "hold_reason": reason}
    if ctx.title:
        values["title"] = ctx.title[:200]
    if reason:
        version = await record(ctx, "held", values=values, detail={"figures_after": figures, "reason": reason})
        return outcome(ctx, "resubmit", "held", version, f"已重新提交，暂缓审批：{reason}", step_no=0, figures=figures)
    started = await start(ctx, 0)
    version = await record(ctx, "resubmitted", values=values, detail={"figures_after": figures, **next_detail(started)})
    return outcome(ctx, "resubmit", "resubmitted", version, f"已重新提交，进入{started.name}{nobody_note(started)}",
                   step_no=0, notices=asked(started), unstaffed=not started.signers, figures=figures)


async def lift(ctx: Ctx) -> Outcome:
    """An officer whose scope covers the unit releases a held item into step 0, with a note."""
    if not may_lift(ctx.actor):
        raise ItemError("只有编办科室人员可以解除暂缓")
    scope = await scope_of(ctx.session, login=ctx.actor.login, role=ctx.actor.role)
    if not await in_scope(ctx.session, scope=scope, unit_id=ctx.item.unit_id):
        raise ItemError("事项不存在或不在您的管辖范围内")
    needs_note(ctx, "解除暂缓的理由")
    if ctx.item.status != "held":
        raise ItemError("该事项不在暂缓审批中")
    started = await start(ctx, 0)
    version = await record(ctx, "lifted", values={"hold_reason": None, "step_no": 0}, detail=next_detail(started))
    return outcome(ctx, "lift", "lifted", version, f"已解除暂缓，进入{started.name}{nobody_note(started)}", step_no=0,
                   notices=asked(started) + ctx.applicant_notice(), unstaffed=not started.signers)
