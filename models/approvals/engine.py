"""The approval engine: submit an item, decide on it (every move), hold and lift.

Entry points (all run in the caller's transaction and return an :class:`Outcome`, see
``models.approvals.outcome`` for who must hear what — the caller writes those outbox rows before it
commits):

* :func:`submit` — permission (``SUBMIT_ITEM``) and the unit in the actor's scope; the kind's
  ``check`` (``ItemRefused`` passes through with its figures); a holdable kind whose unit has
  overdue S1 rectifications is stored ``held`` with the reason (``models.approvals.hold``);
  otherwise the flow (``flow_for``) is copied into ``item.steps`` and step 0 starts.
* :func:`decide` — one move on one item:
  ``approve`` / ``reject`` / ``return`` (to the applicant, or with ``to_step`` to an earlier step) /
  ``transfer`` (``to_login`` signs instead of me) / ``add_signer`` (``to_login`` joins the current step) /
  ``comment`` — by a pending signer of the current step (``DECIDE_ITEM``; ``comment`` also by the
  applicant and anyone in scope who may decide items; ``add_signer`` also by an admin, which is how a
  step with nobody to sign gets one) — and ``withdraw`` / ``resubmit`` by the applicant.
* ``lift_hold`` (``models.approvals.hold``) — an officer releases a held item into its flow.

Concurrency: a move first locks the item (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a no-op
UPDATE that takes the database's write lock, so call it as the first statement of the transaction),
then checks the caller's ``version`` and the signer's row (``decision IS NULL``), so a double tap or
two officers at once give exactly one decision and the other gets :class:`Stale` with who decided
when. Status moves and their timeline event + audit row go through ``models.core.decision.decide``
(a conditional UPDATE on id, version and from-state).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import DENIED, Action, PermissionDenied, can, require
from models.approvals import applicant, moves, signing
from models.approvals.context import Ctx, lock_item, stale
from models.approvals.flows import flow_for
from models.approvals.hold import hold_reason
from models.approvals.kind import KINDS, Application, Kind
from models.approvals.labels import OFFICE_TZ
from models.approvals.outcome import SIGN, ItemError, ItemNotFound, Notice, Outcome
from models.approvals.signers import scope_of
from models.approvals.steps import flow_copy, start_step
from models.approvals.tables import ITEM, ITEM_EVENT
from models.core import audit
from models.core.db import utcnow
from models.core.decision import Actor
from models.staffing.scope import Scope
from models.staffing.tables import UNIT

MAX_TITLE = 200
Handler = Callable[[Ctx], Awaitable[Outcome]]
HANDLERS: dict[str, tuple[Handler, Action | None]] = {  # move -> (handler, permission it needs)
    "approve": (moves.approve, Action.DECIDE_ITEM), "reject": (moves.reject, Action.DECIDE_ITEM),
    "return": (moves.return_item, Action.DECIDE_ITEM), "transfer": (signing.transfer, Action.DECIDE_ITEM),
    "add_signer": (signing.add_to_step, Action.DECIDE_ITEM), "comment": (signing.comment, None),
    "withdraw": (applicant.withdraw, Action.SUBMIT_ITEM), "resubmit": (applicant.resubmit, Action.SUBMIT_ITEM),
    "lift": (applicant.lift, Action.DECIDE_ITEM),
}


async def submit(session: AsyncSession, application: Application, actor: Actor, *, today: date,
                 scope: Scope | None = None) -> Outcome:
    """File ``application``; ``scope`` is the actor's (resolved from the account when omitted)."""
    require(actor.role, Action.SUBMIT_ITEM)
    kind, title = _kind(application.kind), _title(application.title)
    scope = scope or await scope_of(session, login=actor.login, role=actor.role)
    unit = (await session.execute(select(UNIT.c.path, UNIT.c.region_code).where(
        UNIT.c.id == application.unit_id, scope.condition()))).first()
    if unit is None:
        raise ItemNotFound("机构不存在或不在您的管辖范围内")
    figures = await kind.check(session, application, today)
    reason = await hold_reason(session, application.unit_id, today, kind=kind)
    steps = flow_copy(await flow_for(session, kind=kind.code, region_code=unit.region_code), review=kind.review)
    item_id = await _insert(session, application, actor, title=title, figures=figures, steps=steps, reason=reason)
    if reason:
        await _event(session, item_id, actor.login, "submitted", None, {"figures_before": figures})
        await _event(session, item_id, "system", "held", reason, {"reason": reason})
        return Outcome(item_id, "submit", "held", "held", 0, 1, f"已提交，暂缓审批：{reason}", figures=figures)
    started = await start_step(session, item_id=item_id, unit_id=application.unit_id, steps=steps, step_no=0,
                               today=today, review=kind.review, unit_path=unit.path, first=True)
    detail = {"figures_before": figures, **moves.next_detail(started)}
    await _event(session, item_id, actor.login, "submitted", None, detail)
    message = f"已提交，进入{started.name}{moves.nobody_note(started)}"
    return Outcome(item_id, "submit", "submitted", "pending", 0, 1, message,
                   tuple(Notice(login, SIGN, 0) for login in started.signers), not started.signers, figures)


def _kind(code: str) -> Kind:
    if code not in KINDS:
        raise ItemError("没有这种事项")
    return KINDS[code]


def _title(title: str) -> str:
    cleaned = (title or "").strip()
    if not cleaned or len(cleaned) > MAX_TITLE:
        raise ItemError(f"请填写事项标题（不超过 {MAX_TITLE} 字）")
    return cleaned


async def _insert(session: AsyncSession, application: Application, actor: Actor, *, title: str,
                  figures: dict[str, Any], steps: list[dict[str, Any]], reason: str | None) -> int:
    now = utcnow()
    item_id = (await session.execute(insert(ITEM).values(
        kind=application.kind, unit_id=application.unit_id, applicant=actor.login, title=title,
        payload=dict(application.payload), figures=figures, steps=steps, step_no=0,
        status="held" if reason else "pending", warning_id=application.warning_id, person_id=application.person_id,
        basis_id=application.basis_id, hold_reason=reason, submitted_at=now, version=1, updated_at=now)
        .returning(ITEM.c.id))).scalar_one()
    await audit.record(session, actor=actor.login, action="item.submitted", object_type="item", object_id=item_id,
                       detail={"kind": application.kind, "unit_id": application.unit_id, "figures": figures,
                               "held": reason}, ip=actor.ip)
    return int(item_id)


async def _event(session: AsyncSession, item_id: int, actor: str, kind: str, note: str | None,
                 detail: dict[str, Any]) -> None:
    await session.execute(insert(ITEM_EVENT).values(item_id=item_id, at=utcnow(), kind=kind, actor=actor,
                                                    note=note, detail={"step_no": 0, **detail}))


async def decide(session: AsyncSession, item_id: int, actor: Actor, move: str, *, today: date,
                 note: str | None = None, version: int | None = None, to_login: str | None = None,
                 to_step: int | None = None, doc_no: str | None = None, payload: dict[str, Any] | None = None,
                 tz: str = OFFICE_TZ, title: str | None = None) -> Outcome:
    """One move (``labels.MOVES``, or ``lift``) by ``actor``. ``version`` is the item version the actor saw
    (a stale form is refused); ``to_login`` for transfer / add_signer; ``to_step`` (0-based, earlier than
    the current step) for return to a step; ``doc_no`` (文号) kept on final approval; ``payload`` the
    changed fields on resubmit (checked again by the kind) and ``title`` the title they give. Call it first in
    its transaction (SQLite)."""
    if move not in HANDLERS:
        raise ItemError("不支持的操作")
    handler, action = HANDLERS[move]
    if action is not None and not can(actor.role, action):
        raise PermissionDenied(DENIED)
    item = await lock_item(session, item_id)
    if version is not None and version != item.version:
        raise await stale(session, item, tz, mine=actor.login)
    ctx = Ctx(session, item, actor, today, tz, (note or "").strip() or None, to_login, to_step, doc_no, payload, title)
    return await handler(ctx)


async def lift_hold(session: AsyncSession, item_id: int, actor: Actor, note: str, *, today: date,
                    version: int | None = None) -> Outcome:
    """An officer (unit in scope) releases a held item (暂缓审批) into its flow; ``note`` is required."""
    return await decide(session, item_id, actor, "lift", today=today, note=note, version=version)

