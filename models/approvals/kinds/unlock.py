"""解锁申请: a unit locked at month end (too few self-checks, domain §9 E2; ``models.locks``) asks the
编办 to lift the lock. Approving lifts the unit's locks (``lock.lift`` audit rows naming the item) and
unlocks every steward account of the unit an admin had locked, through the accounts' own unlock
(which also lifts a block after wrong passwords), one audit row each."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.store import set_lock
from models.accounts.tables import ACCOUNT, ACCOUNT_SCOPE
from models.approvals.kind import Application, Figures, Kind, register
from models.approvals.kinds.common import OFFICER_CHECK, refuse, text_field, unit_brief
from models.approvals.tables import Item
from models.core.decision import Actor
from models.core.enums import Role
from models.locks.lift import lift_locks
from models.locks.query import active_locks
from models.locks.words import month_label

UNLOCK = "unlock"


async def locked_stewards(session: AsyncSession, unit_id: int) -> list[str]:
    """Logins of the locked steward accounts whose scope names the unit."""
    query = (select(ACCOUNT.c.login).join(ACCOUNT_SCOPE, ACCOUNT_SCOPE.c.account_id == ACCOUNT.c.id)
             .where(ACCOUNT_SCOPE.c.unit_id == unit_id, ACCOUNT.c.role == Role.STEWARD, ACCOUNT.c.locked.is_(True))
             .order_by(ACCOUNT.c.login))
    return list(dict.fromkeys((await session.scalars(query)).all()))


async def check(session: AsyncSession, application: Application, _today: date) -> Figures:
    unit = await unit_brief(session, application.unit_id)
    text_field(application.payload, "reason", "解锁理由", max_len=500)
    locked = await locked_stewards(session, unit.id)
    lock = (await active_locks(session, unit_ids=[unit.id])).get(unit.id)
    if not locked and lock is None:
        refuse(f"{unit.name}没有被锁定的专员账号，无需解锁")
    text = f"单位已锁定：{lock.reason}" if lock else f"被锁定的专员账号 {len(locked)} 个"
    return {"text": text, "locked": len(locked), "unit_locked": lock is not None}


async def apply(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    lifted: list[str] = []
    if (await active_locks(session, unit_ids=[item.unit_id])).get(item.unit_id):
        lifted = await lift_locks(session, unit_id=item.unit_id, actor=actor, reason=f"解锁申请 #{item.id} 已批准",
                                  item_id=item.id)
    locked = await locked_stewards(session, item.unit_id)
    for login in locked:
        await set_lock(session, login=login, locked=False, reason=None, actor=actor.login)
    text = f"已解除单位锁定（{'、'.join(map(month_label, lifted))}）" if lifted else f"已解锁专员账号 {len(locked)} 个"
    return {"text": text, "unlocked": len(locked), "lifted": len(lifted)}


UNLOCK_KIND = register(Kind(UNLOCK, "解锁申请", (OFFICER_CHECK,), check, apply))
