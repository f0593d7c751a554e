"""Resolving an account's scope (the units it may see) from its role and its scope rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.tables import ACCOUNT_SCOPE as SCOPE
from models.staffing.scope import Scope
from models.staffing.tables import UNIT

ALL_UNITS_ROLES = {"admin", "auditor"}


async def scope_for(session: AsyncSession, *, account_id: int, role: str) -> Scope:
    if role in ALL_UNITS_ROLES:
        return Scope(everything=True)
    rows = (await session.execute(
        select(SCOPE.c.unit_id, SCOPE.c.subtree, UNIT.c.path).join(UNIT, UNIT.c.id == SCOPE.c.unit_id)
        .where(SCOPE.c.account_id == account_id))).all()
    return Scope(False, tuple(r.unit_id for r in rows if not r.subtree),
                 tuple(r.path for r in rows if r.subtree))
