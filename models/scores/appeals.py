"""申诉 and publishing: a steward appeals one deduction of its unit while the run is not published
(and, in preview, until ``preview_until``); an officer accepts (the deduction is removed and the
run's lines recomputed) or rejects it, with a reason either way; an admin publishes a run with no
appeal pending, which freezes it. Every move goes through the decision step (one conditional
UPDATE on the row's version: a double tap acts once) and leaves a timeline event and an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, require
from models.core import audit
from models.core.bulk import is_postgres
from models.core.db import utcnow
from models.core.decision import Actor, Decision, DecisionError, Effect, Lifecycle, Move, decide
from models.scores.runs import recompute_run, record_event
from models.scores.tables import APPEAL, DEDUCTION, SCORE_EVENT, SCORE_RUN
from models.staffing.scope import Scope
from models.staffing.tables import UNIT

APPEALS = Lifecycle(APPEAL, SCORE_EVENT, "appeal_id", "score_appeal", {
    "accept": Move(("pending",), "accepted", "accepted"), "reject": Move(("pending",), "rejected", "rejected")},
    stale="该申诉已由他人处理，请刷新后查看", wrong_state="该申诉已处理")
RUNS = Lifecycle(SCORE_RUN, SCORE_EVENT, "run_id", "score_run", {
    "publish": Move(("preview",), "published", "published")},
    stale="该榜单已由他人发布或更新，请刷新后查看", wrong_state="只有月份结束后的预览榜单可以发布")
MAX_REASON = 1000


class NotFound(LookupError):
    """The deduction, appeal or run is not there or not in the reader's scope (answer 404)."""


@dataclass(frozen=True)
class Appealable:
    deduction_id: int
    run_id: int
    unit_id: int
    run_status: str
    preview_until: date | None
    removed: bool


async def _deduction(session: AsyncSession, scope: Scope, deduction_id: int) -> Appealable:
    query = (select(DEDUCTION.c.id, DEDUCTION.c.run_id, DEDUCTION.c.unit_id, SCORE_RUN.c.status,
                    SCORE_RUN.c.preview_until, DEDUCTION.c.removed)
             .join(SCORE_RUN, SCORE_RUN.c.id == DEDUCTION.c.run_id).join(UNIT, UNIT.c.id == DEDUCTION.c.unit_id)
             .where(DEDUCTION.c.id == deduction_id, scope.condition()))
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound(deduction_id)
    return Appealable(*row)


def _reason(text: str) -> str:
    text = text.strip()
    if not text:
        raise DecisionError("请填写理由")
    if len(text) > MAX_REASON:
        raise DecisionError(f"理由不能超过{MAX_REASON}字")
    return text


async def file_appeal(session: AsyncSession, *, scope: Scope, actor: Actor, deduction_id: int, reason: str,
                      today: date) -> int:
    """The new appeal's id; DecisionError (Chinese) when it cannot be filed, NotFound outside the scope."""
    require(actor.role, Action.APPEAL_SCORE)
    found, reason = await _deduction(session, scope, deduction_id), _reason(reason)
    if found.run_status == "published":
        raise DecisionError("榜单已发布，不能再申诉")
    if found.preview_until is not None and today > found.preview_until:
        raise DecisionError(f"申诉已于{found.preview_until:%Y年%m月%d日}截止")
    if found.removed:
        raise DecisionError("该扣分已撤销，无需申诉")
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    stmt = (dialect_insert(APPEAL).values(deduction_id=deduction_id, run_id=found.run_id, unit_id=found.unit_id,
                                          filed_by=actor.login, filed_at=utcnow(), reason=reason, status="pending",
                                          version=1, updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=["deduction_id"]).returning(APPEAL.c.id))
    appeal_id = (await session.execute(stmt)).scalar_one_or_none()
    if appeal_id is None:
        raise DecisionError("该扣分已经申诉过")
    await record_event(session, appeal_id=appeal_id, kind="filed", actor=actor.login, note=reason)
    await audit.record(session, actor=actor.login, action="score_appeal.filed", object_type="score_appeal",
                       object_id=appeal_id, detail={"deduction_id": deduction_id, "reason": reason}, ip=actor.ip)
    return int(appeal_id)


async def decide_appeal(session: AsyncSession, *, scope: Scope, actor: Actor, appeal_id: int, version: int,
                        accept: bool, note: str) -> None:
    require(actor.role, Action.DECIDE_APPEAL)
    query = (select(APPEAL.c.status, APPEAL.c.deduction_id, APPEAL.c.run_id, SCORE_RUN.c.status.label("run_status"))
             .join(SCORE_RUN, SCORE_RUN.c.id == APPEAL.c.run_id).join(UNIT, UNIT.c.id == APPEAL.c.unit_id)
             .where(APPEAL.c.id == appeal_id, scope.condition()))
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound(appeal_id)
    if row.run_status == "published":
        raise DecisionError("榜单已发布，申诉不能再处理")
    effects: list[Effect] = [_remove(row.deduction_id, row.run_id)] if accept else []
    await decide(session, APPEALS, Decision(
        "accept" if accept else "reject", appeal_id, version, row.status, actor, note=_reason(note),
        values={"decided_by": actor.login, "decided_at": utcnow(), "decision_note": note.strip()}, effects=effects))


def _remove(deduction_id: int, run_id: int) -> Effect:
    async def effect(session: AsyncSession) -> None:
        await session.execute(update(DEDUCTION).where(DEDUCTION.c.id == deduction_id).values(removed=True))
        await recompute_run(session, run_id=run_id)
    return effect


async def pending_appeals(session: AsyncSession, *, run_id: int) -> int:
    query = select(func.count()).where(APPEAL.c.run_id == run_id, APPEAL.c.status == "pending")
    return int(await session.scalar(query) or 0)


async def publish_run(session: AsyncSession, *, actor: Actor, run_id: int, version: int,
                      effects: tuple[Effect, ...] = ()) -> None:
    """Publish (freeze) a run in preview with no appeal pending; ``effects`` write its notices."""
    require(actor.role, Action.PUBLISH_SCORES)
    status = await session.scalar(select(SCORE_RUN.c.status).where(SCORE_RUN.c.id == run_id))
    if status is None:
        raise NotFound(run_id)
    if waiting := await pending_appeals(session, run_id=run_id):
        raise DecisionError(f"尚有{waiting}条申诉未处理，处理后才能发布")
    await decide(session, RUNS, Decision("publish", run_id, version, status, actor,
                                         values={"published_by": actor.login, "published_at": utcnow()},
                                         effects=effects))
