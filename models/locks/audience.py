"""Who hears of a unit's lock: the unit's own work group (enabled ``reminder`` targets bound to the
unit itself, not a personal one) and its stewards by SMS (their enabled personal SMS targets)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.tables import ACCOUNT, ACCOUNT_SCOPE
from models.core.enums import Role
from models.notify.tables import TARGET as T
from models.staffing.tables import UNIT

GROUP_PURPOSE = "reminder"
SMS = "sms"


async def lock_audience(session: AsyncSession, *, unit_ids: Collection[int]) -> dict[int, list[int]]:
    """{unit id: target ids to tell} for the units among ``unit_ids`` that have any."""
    found: dict[int, list[int]] = defaultdict(list)
    if not unit_ids:
        return found
    units = list(unit_ids)
    groups = select(T.c.unit_id, T.c.id).where(
        T.c.unit_id.in_(units), T.c.account_id.is_(None), T.c.enabled.is_(True),
        T.c.purposes.contains(f",{GROUP_PURPOSE},"))
    sms = (select(ACCOUNT_SCOPE.c.unit_id, T.c.id).join(T, T.c.account_id == ACCOUNT_SCOPE.c.account_id)
           .join(ACCOUNT, ACCOUNT.c.id == ACCOUNT_SCOPE.c.account_id)
           .where(ACCOUNT_SCOPE.c.unit_id.in_(units), ACCOUNT.c.role == Role.STEWARD, T.c.kind == SMS,
                  T.c.enabled.is_(True)))
    for query in (groups, sms):
        for unit_id, target_id in await session.execute(query):
            if target_id not in found[unit_id]:
                found[unit_id].append(target_id)
    return found


async def unit_names(session: AsyncSession, *, unit_ids: Collection[int]) -> dict[int, str]:
    query = select(UNIT.c.id, UNIT.c.name).where(UNIT.c.id.in_(list(unit_ids)))
    return {unit_id: name for unit_id, name in await session.execute(query)}
