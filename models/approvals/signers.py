"""Who may sign a step: unlocked accounts holding the step's role whose scope covers the item's unit.

A scope row covers a unit when it names the unit, or names one of its ancestors (the unit's
materialised ``path``) with ``subtree``. Admins and auditors see every unit by role, but they sign
no step of a role they do not hold.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, can
from models.accounts.scope import ALL_UNITS_ROLES, scope_for
from models.accounts.tables import ACCOUNT
from models.accounts.tables import ACCOUNT_SCOPE as SCOPE
from models.core.decision import Actor
from models.staffing.scope import Scope
from models.staffing.tables import UNIT


def ancestors(path: str) -> list[int]:
    """Unit ids on a materialised path ("/1/7/42/" -> [1, 7, 42]): the unit and everything above it."""
    return [int(part) for part in path.strip("/").split("/") if part]


async def unit_path(session: AsyncSession, unit_id: int) -> str | None:
    return await session.scalar(select(UNIT.c.path).where(UNIT.c.id == unit_id))


async def eligible_logins(session: AsyncSession, *, role: str, unit_id: int, exclude: Collection[str] = (),
                          path: str | None = None) -> list[str]:
    """Logins (sorted) that may sign a step of ``role`` for an item of ``unit_id`` (``path``: the
    unit's, when the caller has read it already)."""
    path = path if path is not None else await unit_path(session, unit_id) or ""
    covers = or_(SCOPE.c.unit_id == unit_id, and_(SCOPE.c.subtree, SCOPE.c.unit_id.in_(ancestors(path))))
    query = (select(ACCOUNT.c.login).join(SCOPE, SCOPE.c.account_id == ACCOUNT.c.id)
             .where(ACCOUNT.c.role == role, ACCOUNT.c.locked.is_(False), covers).distinct())
    return sorted(set((await session.scalars(query)).all()) - set(exclude))


async def may_sign(session: AsyncSession, *, login: str, role: str, unit_id: int) -> bool:
    """Whether ``login`` holds ``role``, is unlocked and its scope covers ``unit_id``."""
    return login in await eligible_logins(session, role=role, unit_id=unit_id)


async def account_role(session: AsyncSession, login: str) -> tuple[int, str] | None:
    """(account id, role) of an unlocked account, or None."""
    row = (await session.execute(select(ACCOUNT.c.id, ACCOUNT.c.role)
                                 .where(ACCOUNT.c.login == login, ACCOUNT.c.locked.is_(False)))).first()
    return (row.id, row.role) if row else None


async def scope_of(session: AsyncSession, *, login: str, role: str) -> Scope:
    """The scope of ``login`` (nothing for an unknown or locked account)."""
    if role in ALL_UNITS_ROLES:
        return Scope(everything=True)
    rows = (await session.execute(  # scope_for's rows, found by login in one round trip (submission is hot)
        select(SCOPE.c.unit_id, SCOPE.c.subtree, UNIT.c.path).join(UNIT, UNIT.c.id == SCOPE.c.unit_id)
        .join(ACCOUNT, ACCOUNT.c.id == SCOPE.c.account_id)
        .where(ACCOUNT.c.login == login, ACCOUNT.c.locked.is_(False)))).all()
    return Scope(False, tuple(r.unit_id for r in rows if not r.subtree), tuple(r.path for r in rows if r.subtree))


async def in_scope(session: AsyncSession, *, scope: Scope, unit_id: int) -> bool:
    return await session.scalar(select(UNIT.c.id).where(UNIT.c.id == unit_id, scope.condition())) is not None


async def may_join(session: AsyncSession, *, login: str, unit_id: int) -> bool:
    """加签: an unlocked account that may decide items and whose scope covers the unit (any role)."""
    found = await account_role(session, login)
    if found is None or not can(found[1], Action.DECIDE_ITEM) or found[1] in ALL_UNITS_ROLES:
        return False
    return await in_scope(session, scope=await scope_for(session, account_id=found[0], role=found[1]),
                          unit_id=unit_id)


async def actor_of(session: AsyncSession, login: str) -> Actor | None:
    """The unlocked account ``login`` as an actor (the CLI's ``--as``), or None."""
    row = (await session.execute(select(ACCOUNT.c.role, ACCOUNT.c.display_name)
                                 .where(ACCOUNT.c.login == login, ACCOUNT.c.locked.is_(False)))).first()
    return Actor(login, row.role, row.display_name) if row else None
