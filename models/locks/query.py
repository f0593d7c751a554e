"""Reading locks: a unit's current lock and history, the locked units among a list, and the
restriction of a steward account (the locks of the units it keeps)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.names import names_for
from models.accounts.tables import ACCOUNT, ACCOUNT_SCOPE
from models.core.enums import Role
from models.locks.tables import UNIT_LOCK as L
from models.locks.words import month_label
from models.staffing.tables import UNIT

HISTORY = 24  # months of a unit's lock history shown
CONTACTS = 5  # officers named on the restricted page


@dataclass(frozen=True)
class LockView:
    id: int
    unit_id: int
    unit_name: str
    month: str
    reason: str
    locked_at: datetime
    locked_by: str  # a name, never a login
    lifted_at: datetime | None
    lifted_by: str | None
    lift_reason: str | None
    item_id: int | None

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    @property
    def active(self) -> bool:
        return self.lifted_at is None


def _query() -> Any:
    return select(L, UNIT.c.name.label("unit_name")).join(UNIT, UNIT.c.id == L.c.unit_id)


async def _views(session: AsyncSession, rows: list[Row[Any]]) -> list[LockView]:
    logins = {r.locked_by for r in rows} | {r.lifted_by for r in rows if r.lifted_by}
    names = await names_for(session, logins=logins) if logins else {}
    return [LockView(r.id, r.unit_id, r.unit_name, r.month, r.reason, r.locked_at, names[r.locked_by], r.lifted_at,
                     names[r.lifted_by] if r.lifted_by else None, r.lift_reason, r.item_id) for r in rows]


async def unit_locks(session: AsyncSession, *, unit_id: int) -> list[LockView]:
    """The unit's locks, newest month first (the current one, if any, among them)."""
    query = _query().where(L.c.unit_id == unit_id).order_by(L.c.month.desc()).limit(HISTORY)
    return await _views(session, list((await session.execute(query)).all()))


async def active_locks(session: AsyncSession, *, unit_ids: Collection[int]) -> dict[int, LockView]:
    """{unit id: its unlifted lock (the latest month)} for the locked units among ``unit_ids``."""
    if not unit_ids:
        return {}
    query = _query().where(L.c.unit_id.in_(list(unit_ids)), L.c.lifted_at.is_(None)).order_by(L.c.month)
    return {view.unit_id: view for view in await _views(session, list((await session.execute(query)).all()))}


async def restriction_for(session: AsyncSession, *, account_id: int) -> list[LockView]:
    """The unlifted locks of the units a (steward) account keeps: empty when it is not restricted."""
    units = select(ACCOUNT_SCOPE.c.unit_id).where(ACCOUNT_SCOPE.c.account_id == account_id)
    query = _query().where(L.c.unit_id.in_(units), L.c.lifted_at.is_(None)).order_by(L.c.unit_id, L.c.month)
    return await _views(session, list((await session.execute(query)).all()))


@dataclass(frozen=True)
class Contact:
    name: str
    mobile: str | None


async def contacts_for(session: AsyncSession, *, unit_id: int) -> list[Contact]:
    """The 编办 officers a locked unit may call: unlocked officer accounts whose scope covers it."""
    path = await session.scalar(select(UNIT.c.path).where(UNIT.c.id == unit_id))
    above = [int(part) for part in (path or "").strip("/").split("/") if part]
    covers = or_(ACCOUNT_SCOPE.c.unit_id == unit_id, and_(ACCOUNT_SCOPE.c.subtree.is_(True),
                                                          ACCOUNT_SCOPE.c.unit_id.in_(above)))
    query = (select(ACCOUNT.c.display_name, ACCOUNT.c.mobile)
             .join(ACCOUNT_SCOPE, ACCOUNT_SCOPE.c.account_id == ACCOUNT.c.id)
             .where(ACCOUNT.c.role == Role.OFFICER, ACCOUNT.c.locked.is_(False), covers)
             .distinct().order_by(ACCOUNT.c.display_name).limit(CONTACTS))
    return [Contact(name, mobile) for name, mobile in await session.execute(query)]


async def restricted_accounts(session: AsyncSession) -> dict[int, list[LockView]]:
    """{steward account id: the unlifted locks of its units} for every restricted account."""
    query = (_query().add_columns(ACCOUNT_SCOPE.c.account_id.label("account_id"))
             .join(ACCOUNT_SCOPE, ACCOUNT_SCOPE.c.unit_id == L.c.unit_id)
             .join(ACCOUNT, ACCOUNT.c.id == ACCOUNT_SCOPE.c.account_id)
             .where(L.c.lifted_at.is_(None), ACCOUNT.c.role == Role.STEWARD).order_by(L.c.month))
    rows = list((await session.execute(query)).all())
    found: dict[int, list[LockView]] = {}
    for row, view in zip(rows, await _views(session, rows), strict=True):
        found.setdefault(row.account_id, []).append(view)
    return found
