"""Steps of one item: the item's copy of its flow, starting a step with its signers, reading them.

二人复核 (a kind with ``review``), the rule the engine applies: the item's copy of the flow holds at
least two officer (科室) steps — when the flow has fewer, a 复核 step (role officer, 或签, 1 working day)
is added after the last officer step (or 科室初审 and 复核 first, when it has none). Every officer step
after the first excludes the officers who already approved an earlier officer step, and the final
approval is refused unless two distinct officers approved. Officers whose scope covers the item's
unit are the office that keeps the unit's records, so "the same office" holds by construction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Step
from models.approvals.signers import eligible_logins
from models.approvals.tables import ITEM_SIGNER, ITEM_STEP
from models.core.calendar import load_calendar
from models.core.db import utcnow
from models.core.enums import Role

REVIEW_STEP = Step(name="复核", role=Role.OFFICER, mode="any", days=1)
FIRST_STEP = Step(name="科室初审", role=Role.OFFICER, mode="any", days=2)


@dataclass(frozen=True)
class Started:
    """A step just entered: its row, deadline and the people asked to sign (empty: 无人可审批)."""

    step_id: int
    step_no: int
    name: str
    due_on: date
    signers: tuple[str, ...]


def flow_copy(steps: Sequence[Step], *, review: bool) -> list[dict[str, Any]]:
    """What ``item.steps`` stores: the flow, with the 复核 step a review kind needs."""
    data = [s.as_data() for s in steps]
    officers = [i for i, s in enumerate(steps) if s.role == Role.OFFICER]
    if review and not officers:
        data[:0] = [FIRST_STEP.as_data(), {**REVIEW_STEP.as_data(), "review": True}]
    elif review and len(officers) == 1:
        data.insert(officers[0] + 1, {**REVIEW_STEP.as_data(), "review": True})
    return data


def step_at(steps: Sequence[dict[str, Any]], step_no: int) -> Step:
    raw = steps[step_no]
    return Step(name=raw["name"], role=raw["role"], mode=raw.get("mode", "any"), days=int(raw.get("days", 2)))


async def start_step(session: AsyncSession, *, item_id: int, unit_id: int, steps: Sequence[dict[str, Any]],
                     step_no: int, today: date, review: bool, unit_path: str | None = None,
                     first: bool = False) -> Started:
    """Enter step ``step_no`` (a new round if it was entered before; ``first``: a new item, round 1)
    and ask its signers."""
    step = step_at(steps, step_no)
    exclude: set[str] = set()
    if review and step.role == Role.OFFICER:  # 二人复核: a later officer step needs another officer
        exclude = await officer_approvers(session, item_id=item_id, before=step_no)
    signers = await eligible_logins(session, role=step.role, unit_id=unit_id, exclude=exclude, path=unit_path)
    due_on, _estimated = (await load_calendar(session)).add_workdays(today, step.days)
    round_no = 1 if first else await session.scalar(select(func.coalesce(func.max(ITEM_STEP.c.round), 0) + 1).where(
        ITEM_STEP.c.item_id == item_id, ITEM_STEP.c.step_no == step_no))
    step_id = (await session.execute(insert(ITEM_STEP).values(
        item_id=item_id, step_no=step_no, round=round_no, name=step.name, role=step.role, mode=step.mode,
        status="active", due_on=due_on, started_at=utcnow()).returning(ITEM_STEP.c.id))).scalar_one()
    if signers:
        await session.execute(insert(ITEM_SIGNER), [{"step_id": step_id, "login": s} for s in signers])
    return Started(step_id, step_no, step.name, due_on, tuple(signers))


async def active_step(session: AsyncSession, *, item_id: int) -> Any:
    """The item's running step row, or None."""
    return (await session.execute(select(ITEM_STEP).where(ITEM_STEP.c.item_id == item_id,
                                                          ITEM_STEP.c.status == "active"))).first()


async def signers_of(session: AsyncSession, *, step_id: int) -> list[Any]:
    return list((await session.execute(select(ITEM_SIGNER).where(ITEM_SIGNER.c.step_id == step_id)
                                       .order_by(ITEM_SIGNER.c.id))).all())


async def close_step(session: AsyncSession, *, step_id: int, status: str) -> None:
    await session.execute(update(ITEM_STEP).where(ITEM_STEP.c.id == step_id, ITEM_STEP.c.status == "active")
                          .values(status=status, finished_at=utcnow()))


async def mark_signer(session: AsyncSession, *, signer_id: int, decision: str, note: str | None) -> bool:
    """Record one signer's decision once: False when it was already recorded (a double tap)."""
    result = await session.execute(update(ITEM_SIGNER).where(ITEM_SIGNER.c.id == signer_id,
                                                             ITEM_SIGNER.c.decision.is_(None))
                                   .values(decision=decision, decided_at=utcnow(), note=note))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def officer_approvers(session: AsyncSession, *, item_id: int, before: int | None = None) -> set[str]:
    """Officers who approved an officer step of the item's current pass: the latest round of each
    step (退回 starts new rounds, so approvals of an earlier pass no longer count)."""
    latest = (select(ITEM_STEP.c.step_no, func.max(ITEM_STEP.c.round).label("round"))
              .where(ITEM_STEP.c.item_id == item_id).group_by(ITEM_STEP.c.step_no).subquery())
    query = (select(ITEM_SIGNER.c.login).join(ITEM_STEP, ITEM_STEP.c.id == ITEM_SIGNER.c.step_id)
             .join(latest, (latest.c.step_no == ITEM_STEP.c.step_no) & (latest.c.round == ITEM_STEP.c.round))
             .where(ITEM_STEP.c.item_id == item_id, ITEM_STEP.c.role == Role.OFFICER,
                    ITEM_SIGNER.c.decision == "approve", ITEM_STEP.c.status.in_(("done", "active"))))
    if before is not None:  # a step re-entered after 退回 does not see the later steps of the old pass
        query = query.where(ITEM_STEP.c.step_no < before)
    return set((await session.scalars(query)).all())


async def add_signer(session: AsyncSession, *, step_id: int, login: str, added_by: str) -> None:
    await session.execute(insert(ITEM_SIGNER).values(step_id=step_id, login=login, added_by=added_by))


def pending(signers: Collection[Any]) -> list[str]:
    return [s.login for s in signers if s.decision is None]
