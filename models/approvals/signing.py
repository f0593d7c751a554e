"""Moves that change who signs, or only talk: 转交 (my signature to another), 加签 (one more signer
in the current step) and 评论.

加签's rule: the added person joins the current step like its other signers — in a 会签 step their
approval is needed too, in a 或签 step any one approval (theirs included) finishes the step. They
must be able to decide items and their scope must cover the item's unit (any role: a leader may ask
finance). An admin may add a signer to any running step: that is how a step with nobody to sign
(无人可审批) gets one.
"""

from __future__ import annotations

from models.accounts.permissions import Action, can
from models.approvals.context import Ctx, record
from models.approvals.moves import my_signature, needs_note, outcome, sign, was_asked
from models.approvals.outcome import SIGN, ItemError, Notice, Outcome
from models.approvals.signers import in_scope, may_join, may_sign, scope_of
from models.approvals.steps import active_step, add_signer, officer_approvers, signers_of
from models.core.enums import Role


def _target(ctx: Ctx) -> str:
    login = (ctx.to_login or "").strip()
    if not login:
        raise ItemError("请选择人员")
    if login == ctx.actor.login:
        raise ItemError("不能选择自己")
    return login


async def transfer(ctx: Ctx) -> Outcome:
    step, signers, mine = await my_signature(ctx)
    to = _target(ctx)
    if not await may_sign(ctx.session, login=to, role=step.role, unit_id=ctx.item.unit_id):
        raise ItemError("转交对象须与本环节审批角色相同，且管辖该单位")
    if any(s.login == to for s in signers):
        raise ItemError("对方已是本环节的审批人")
    if ctx.kind.review and step.role == Role.OFFICER and to in await officer_approvers(
            ctx.session, item_id=ctx.item.id, before=step.step_no):
        raise ItemError("二人复核：不能转交给已审核过本事项的人员")
    await sign(ctx, mine, "transfer")
    await add_signer(ctx.session, step_id=step.id, login=to, added_by=ctx.actor.login)
    version = await record(ctx, "transferred", detail={"step": step.name, "decision": "transfer", "to_login": to})
    return outcome(ctx, "transfer", "transferred", version, "已转交", notices=(Notice(to, SIGN, step.step_no),))


async def add_to_step(ctx: Ctx) -> Outcome:
    step = await active_step(ctx.session, item_id=ctx.item.id) if ctx.item.status == "pending" else None
    if step is None:
        raise ItemError("该事项当前没有进行中的审批环节")
    signers = await signers_of(ctx.session, step_id=step.id)
    if ctx.actor.role != Role.ADMIN:
        await my_signature(ctx)
    to = _target(ctx)
    if any(s.login == to for s in signers):
        raise ItemError("对方已是本环节的审批人")
    if not await may_join(ctx.session, login=to, unit_id=ctx.item.unit_id):
        raise ItemError("加签对象须能审批事项，且管辖该单位")
    await add_signer(ctx.session, step_id=step.id, login=to, added_by=ctx.actor.login)
    version = await record(ctx, "signer_added", detail={"step": step.name, "to_login": to})
    return outcome(ctx, "add_signer", "signer_added", version, "已加签",
                   notices=(Notice(to, SIGN, step.step_no),))


async def comment(ctx: Ctx) -> Outcome:
    needs_note(ctx, "评论内容")
    if not await _may_comment(ctx):
        raise ItemError("您不能评论该事项")
    version = await record(ctx, "commented")
    notices = ctx.applicant_notice()
    return outcome(ctx, "comment", "commented", version, "已评论", notices=notices)


async def _may_comment(ctx: Ctx) -> bool:
    """The applicant, anyone asked to sign it, and whoever may decide items for the unit."""
    if ctx.actor.login == ctx.item.applicant:
        return True
    if await was_asked(ctx.session, ctx.item.id, ctx.actor.login):
        return True
    scope = await scope_of(ctx.session, login=ctx.actor.login, role=ctx.actor.role)
    return can(ctx.actor.role, Action.DECIDE_ITEM) and await in_scope(ctx.session, scope=scope,
                                                                      unit_id=ctx.item.unit_id)

