"""One item's detail parts: steps with their signers, the timeline, attachments, and what a reader
may do now (the moves the decision form offers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.names import names_for
from models.accounts.permissions import Action, can
from models.approvals.applicant import decided_since_submission
from models.approvals.hold import may_lift
from models.approvals.labels import (
    EVENT_LABELS,
    MODE_SHORT,
    ROLE_LABELS,
    SIGNER_LABELS,
    STEP_STATUS_LABELS,
    UNDECIDED_CLOSED,
)
from models.approvals.rows import AttachmentMeta, EventView, SignerView, StepView
from models.approvals.tables import ITEM_ATTACHMENT, ITEM_EVENT, ITEM_SIGNER, ITEM_STEP
from models.approvals.timeliness import judge, local_day
from models.core.decision import Actor
from models.core.enums import Role
from models.core.workdays import WorkCalendar

SIGNER_MOVES = frozenset({"approve", "reject", "return", "transfer", "add_signer", "comment"})


async def steps_of(session: AsyncSession, item_id: int, calendar: WorkCalendar, today: Any) -> list[StepView]:
    steps = (await session.execute(select(ITEM_STEP).where(ITEM_STEP.c.item_id == item_id)
                                   .order_by(ITEM_STEP.c.started_at, ITEM_STEP.c.id))).all()
    signers = (await session.execute(select(ITEM_SIGNER).where(ITEM_SIGNER.c.step_id.in_([s.id for s in steps]))
                                     .order_by(ITEM_SIGNER.c.id))).all() if steps else []
    names = await names_for(session, logins={s.login for s in signers} | {s.added_by for s in signers if s.added_by})
    running = {s.id for s in steps if s.status == "active"}
    handed = {(s.step_id, s.login) for s in signers if s.decision == "transfer"}
    by_step: dict[int, list[SignerView]] = {}
    for s in signers:
        by_step.setdefault(s.step_id, []).append(SignerView(
            s.login, names[s.login], s.decision, _signer_label(s.decision, s.step_id in running), s.decided_at,
            s.note, names[s.added_by] if s.added_by else None,
            ("转交" if (s.step_id, s.added_by) in handed else "加签") if s.added_by else None))
    return [StepView(s.id, s.step_no, s.round, s.name, s.role, ROLE_LABELS.get(s.role, "其他"), s.mode,
                     MODE_SHORT.get(s.mode, ""), s.status, STEP_STATUS_LABELS.get(s.status, ""), s.due_on, s.started_at,
                     s.finished_at, _timeliness(calendar, s, today), tuple(by_step.get(s.id, ())))
            for s in steps]


def _signer_label(decision: str | None, running: bool) -> str:
    """待审批 only while the step runs: once it ended (another signer's 同意, 撤回, 退回) nobody waits."""
    if decision is None and not running:
        return UNDECIDED_CLOSED
    return SIGNER_LABELS.get(decision, "—")


def _timeliness(calendar: WorkCalendar, step: Any, today: Any) -> str | None:
    if step.status not in ("active", "done", "rejected", "returned"):
        return None
    return judge(calendar, due_on=step.due_on, finished_on=local_day(step.finished_at), today=today)


async def events_of(session: AsyncSession, item_id: int) -> list[EventView]:
    events = (await session.execute(select(ITEM_EVENT).where(ITEM_EVENT.c.item_id == item_id)
                                    .order_by(ITEM_EVENT.c.id))).all()
    names = await names_for(session, logins={e.actor for e in events})
    return [EventView(e.id, e.at, e.kind, EVENT_LABELS.get(e.kind, "处理"), e.actor, names[e.actor], e.note,
                      dict(e.detail or {})) for e in events]


async def attachments_of(session: AsyncSession, item_id: int) -> list[AttachmentMeta]:
    query = (select(ITEM_ATTACHMENT.c.id, ITEM_ATTACHMENT.c.filename, ITEM_ATTACHMENT.c.content_type,
                    ITEM_ATTACHMENT.c.size, ITEM_ATTACHMENT.c.uploaded_by, ITEM_ATTACHMENT.c.uploaded_at)
             .where(ITEM_ATTACHMENT.c.item_id == item_id).order_by(ITEM_ATTACHMENT.c.id))
    rows = (await session.execute(query)).all()
    names = await names_for(session, logins={r.uploaded_by for r in rows})
    return [AttachmentMeta(r.id, r.filename, r.content_type, r.size, names[r.uploaded_by], r.uploaded_at)
            for r in rows]


async def moves_for(session: AsyncSession, item: Any, steps: list[StepView], actor: Actor) -> frozenset[str]:
    """What ``actor`` (who can read the item) may do with it now; the engine checks each move again."""
    moves: set[str] = set()
    active = next((s for s in steps if s.status == "active"), None)
    if item.status == "pending" and active is not None and can(actor.role, Action.DECIDE_ITEM):
        if any(s.login == actor.login and s.decision is None for s in active.signers):
            moves |= SIGNER_MOVES
        elif actor.role == Role.ADMIN:
            moves.add("add_signer")
    if actor.login == item.applicant:
        moves |= await _applicant_moves(session, item)
    asked = any(s.login == actor.login for step in steps for s in step.signers)
    if asked or can(actor.role, Action.DECIDE_ITEM):
        moves.add("comment")
    if item.status == "held" and may_lift(actor):
        moves.add("lift")
    return frozenset(moves)


async def _applicant_moves(session: AsyncSession, item: Any) -> set[str]:
    moves = {"comment"}
    if item.status in ("held", "returned") or (
            item.status == "pending" and not await decided_since_submission(session, item.id)):
        moves.add("withdraw")
    if item.status == "returned":
        moves.add("resubmit")
    return moves
