"""Lifting a unit's locks: by an approved 解锁申请 (``item_id``) or directly by an officer or admin
(:data:`Action.LIFT_LOCK`), always with a reason and an audit row per lock lifted.

The UPDATE is conditional on ``lifted_at IS NULL``: a double tap or two officers at once lift once,
and the second is told the unit is no longer locked.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, require
from models.core import audit
from models.core.db import utcnow
from models.core.decision import Actor
from models.locks.tables import UNIT_LOCK

MAX_REASON = 500


class NotLocked(ValueError):
    """The unit has no unlifted lock (already lifted, perhaps a moment ago)."""


def lift_reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise ValueError("请填写解除锁定的理由")
    if len(reason) > MAX_REASON:
        raise ValueError(f"理由不能超过 {MAX_REASON} 字")
    return reason


async def lift_locks(session: AsyncSession, *, unit_id: int, actor: Actor, reason: str,
                     item_id: int | None = None) -> list[str]:
    """Lift every unlifted lock of the unit; the months lifted. ``item_id``: the approved 解锁申请,
    whose flow was the permission; without it the actor's role must hold ``LIFT_LOCK``."""
    if item_id is None:
        require(actor.role, Action.LIFT_LOCK)
    text = lift_reason(reason)
    stmt = (update(UNIT_LOCK).where(UNIT_LOCK.c.unit_id == unit_id, UNIT_LOCK.c.lifted_at.is_(None))
            .values(lifted_at=utcnow(), lifted_by=actor.login, lift_reason=text, item_id=item_id,
                    version=UNIT_LOCK.c.version + 1)
            .returning(UNIT_LOCK.c.id, UNIT_LOCK.c.month))
    lifted = (await session.execute(stmt)).all()
    if not lifted:
        raise NotLocked("该单位当前未被锁定（可能刚被他人解除）")
    for lock_id, month in lifted:
        await audit.record(session, actor=actor.login, action="lock.lift", object_type="unit", object_id=unit_id,
                           detail={"lock_id": lock_id, "month": month, "reason": text, "item_id": item_id},
                           ip=actor.ip)
    return sorted(month for _, month in lifted)
