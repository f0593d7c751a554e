"""The signers' moves on the current step: approve (或签 / 会签, the last step applies the kind),
reject, and return (退回 to the applicant or to an earlier step)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.context import TRANSITIONS, WRONG_STATE, Ctx, record, stale
from models.approvals.kind import Application
from models.approvals.labels import WRONG_STEP_NOTE
from models.approvals.outcome import SIGN, ItemError, Notice, Outcome
from models.approvals.steps import (
    Started,
    active_step,
    close_step,
    mark_signer,
    officer_approvers,
    signers_of,
    start_step,
)
from models.approvals.tables import ITEM_SIGNER, ITEM_STEP, Item
from models.core.db import utcnow

MAX_NOTE, MAX_DOC_NO = 1000, 100


def outcome(ctx: Ctx, move: str, event: str, version: int, message: str, *, step_no: int | None = None,
            notices: tuple[Notice, ...] = (), unstaffed: bool = False,
            figures: dict[str, Any] | None = None) -> Outcome:
    status = TRANSITIONS[event][1] or ctx.item.status
    return Outcome(ctx.item.id, move, event, status, ctx.item.step_no if step_no is None else step_no, version,
                   message, notices, unstaffed, dict(ctx.item.figures if figures is None else figures))


def application_of(item: Any, payload: dict[str, Any] | None = None) -> Application:
    """The application an item was filed as (with changed fields), to check it again."""
    return Application(kind=item.kind, unit_id=item.unit_id, title=item.title, payload=payload or dict(item.payload),
                       warning_id=item.warning_id, person_id=item.person_id, basis_id=item.basis_id, item_id=item.id)


def needs_note(ctx: Ctx, what: str) -> str:
    note = (ctx.note or "").strip()
    if not note:
        raise ItemError(f"请填写{what}")
    if len(note) > MAX_NOTE:
        raise ItemError(f"意见不超过 {MAX_NOTE} 字")
    return note


async def my_signature(ctx: Ctx) -> tuple[Any, list[Any], Any]:
    """(current step, its signers, my undecided signer row); Stale when someone moved first."""
    step = await active_step(ctx.session, item_id=ctx.item.id) if ctx.item.status == "pending" else None
    signers = await signers_of(ctx.session, step_id=step.id) if step is not None else []
    mine = next((s for s in signers if s.login == ctx.actor.login and s.decision is None), None)
    if mine is not None:
        return step, signers, mine
    if await was_asked(ctx.session, ctx.item.id, ctx.actor.login):
        raise await stale(ctx.session, ctx.item, ctx.tz, mine=ctx.actor.login)
    if ctx.item.status != "pending":
        raise ItemError(WRONG_STATE.get(ctx.item.status, "当前状态不能执行此操作"))
    raise ItemError("您不是当前环节的审批人")


async def was_asked(session: AsyncSession, item_id: int, login: str) -> bool:
    query = (select(ITEM_SIGNER.c.id).join(ITEM_STEP, ITEM_STEP.c.id == ITEM_SIGNER.c.step_id)
             .where(ITEM_STEP.c.item_id == item_id, ITEM_SIGNER.c.login == login).limit(1))
    return await session.scalar(query) is not None


async def sign(ctx: Ctx, signer: Any, decision: str) -> None:
    if not await mark_signer(ctx.session, signer_id=signer.id, decision=decision, note=ctx.note):
        raise await stale(ctx.session, ctx.item, ctx.tz, mine=ctx.actor.login)


async def approve(ctx: Ctx) -> Outcome:
    step, signers, mine = await my_signature(ctx)
    if ctx.note and len(ctx.note) > MAX_NOTE:
        raise ItemError(f"意见不超过 {MAX_NOTE} 字")
    await sign(ctx, mine, "approve")
    waiting = [s for s in signers if s.decision is None and s.id != mine.id]
    if step.mode == "all" and waiting:
        version = await record(ctx, "approved_step", detail={"step": step.name, "decision": "approve",
                                                             "waiting": len(waiting)})
        return outcome(ctx, "approve", "approved_step", version, f"已同意，本环节（会签）还需 {len(waiting)} 人同意")
    await close_step(ctx.session, step_id=step.id, status="done")
    if step.step_no + 1 >= len(ctx.item.steps):
        return await _finish(ctx, step)
    started = await start(ctx, step.step_no + 1)
    version = await record(ctx, "approved_step", values={"step_no": started.step_no},
                           detail={"step": step.name, "decision": "approve", **next_detail(started)})
    return outcome(ctx, "approve", "approved_step", version, f"已同意，转入{started.name}{nobody_note(started)}",
                   step_no=started.step_no, notices=asked(started) + ctx.applicant_notice(),
                   unstaffed=not started.signers)


async def start(ctx: Ctx, step_no: int) -> Started:
    return await start_step(ctx.session, item_id=ctx.item.id, unit_id=ctx.item.unit_id, steps=ctx.item.steps,
                            step_no=step_no, today=ctx.today, review=ctx.kind.review)


def next_detail(started: Started) -> dict[str, Any]:
    return {"next_step": started.step_no, "next": started.name, "signers": list(started.signers),
            "due_on": started.due_on.isoformat(), "unstaffed": not started.signers}


def asked(started: Started) -> tuple[Notice, ...]:
    return tuple(Notice(login, SIGN, started.step_no) for login in started.signers)


def nobody_note(started: Started) -> str:
    return "" if started.signers else WRONG_STEP_NOTE


async def _finish(ctx: Ctx, step: Any) -> Outcome:
    """The last step approved: 二人复核, the kind's check again (figures may have moved), then apply."""
    if ctx.kind.review and len(await officer_approvers(ctx.session, item_id=ctx.item.id)) < 2:
        raise ItemError("二人复核：须由同一科室的两名不同人员审核同意后才能批准")
    doc_no = (ctx.doc_no or "").strip() or None
    if doc_no and len(doc_no) > MAX_DOC_NO:
        raise ItemError(f"文号不超过 {MAX_DOC_NO} 字")
    before = await ctx.kind.check(ctx.session, application_of(ctx.item), ctx.today)
    row = await ctx.session.get(Item, ctx.item.id, populate_existing=True)
    assert row is not None  # locked above
    after = await ctx.kind.apply(ctx.session, row, ctx.actor)
    version = await record(ctx, "approved", values={"decided_at": utcnow(), "doc_no": doc_no, "figures": before},
                           detail={"step": step.name, "decision": "approve", "doc_no": doc_no,
                                   "figures_before": before, "figures_after": after})
    done = outcome(ctx, "approve", "approved", version, "已同意，事项审批通过", notices=ctx.applicant_notice(),
                   figures=before)
    return replace(done, figures_after=dict(after))


async def reject(ctx: Ctx) -> Outcome:
    step, _signers, mine = await my_signature(ctx)
    needs_note(ctx, "不同意的理由")
    await sign(ctx, mine, "reject")
    await close_step(ctx.session, step_id=step.id, status="rejected")
    row = await ctx.session.get(Item, ctx.item.id, populate_existing=True)
    assert row is not None
    await ctx.kind.reject(ctx.session, row, ctx.actor)
    version = await record(ctx, "rejected", values={"decided_at": utcnow()},
                           detail={"step": step.name, "decision": "reject"})
    return outcome(ctx, "reject", "rejected", version, "已不同意，事项办结", notices=ctx.applicant_notice())


async def return_item(ctx: Ctx) -> Outcome:
    step, _signers, mine = await my_signature(ctx)
    needs_note(ctx, "退回的理由")
    if ctx.to_step is not None and not 0 <= ctx.to_step < step.step_no:
        raise ItemError("只能退回到之前的环节")
    await sign(ctx, mine, "return")
    await close_step(ctx.session, step_id=step.id, status="returned")
    if ctx.to_step is None:
        version = await record(ctx, "returned", values={"step_no": 0}, detail={"step": step.name, "decision": "return"})
        return outcome(ctx, "return", "returned", version, "已退回申请人修改", step_no=0,
                       notices=ctx.applicant_notice())
    started = await start(ctx, ctx.to_step)
    version = await record(ctx, "returned_step", values={"step_no": started.step_no},
                           detail={"step": step.name, "decision": "return", **next_detail(started)})
    return outcome(ctx, "return", "returned_step", version, f"已退回到{started.name}{nobody_note(started)}",
                   step_no=started.step_no, notices=asked(started) + ctx.applicant_notice(),
                   unstaffed=not started.signers)
