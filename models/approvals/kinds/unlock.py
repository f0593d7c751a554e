"""解锁申请: a unit whose stewards' accounts were locked (self-check discipline, domain §9 E2) asks the
编办 to unlock them. Approving unlocks every locked steward account of the unit through the
accounts' own unlock (which also lifts a block after wrong passwords), one audit row each."""

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
    if not locked:
        refuse(f"{unit.name}没有被锁定的专员账号，无需解锁")
    return {"text": f"被锁定的专员账号 {len(locked)} 个", "locked": len(locked)}


async def apply(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    locked = await locked_stewards(session, item.unit_id)
    for login in locked:
        await set_lock(session, login=login, locked=False, reason=None, actor=actor.login)
    return {"text": f"已解锁专员账号 {len(locked)} 个", "unlocked": len(locked)}


UNLOCK_KIND = register(Kind(UNLOCK, "解锁申请", (OFFICER_CHECK,), check, apply))
