"""Claiming a link's ``jti`` once, in the caller's transaction, and saying who used it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.links.tables import LINK_USE
from models.links.tokens import LinkClaims, LinkRefused


@dataclass(frozen=True)
class LinkUsed:
    account_id: int
    used_at: datetime
    done: int


async def claim(session: AsyncSession, claims: LinkClaims, *, account_id: int, done: int = 0) -> None:
    """Record the use of ``claims``; :class:`LinkRefused` ("used") if it was used before.

    The insert runs in a savepoint so the caller's transaction survives the refusal; two
    concurrent taps race on the primary key and exactly one wins.
    """
    try:
        async with session.begin_nested():
            await session.execute(insert(LINK_USE).values(jti=claims.jti, action=claims.act, object=claims.obj[:80],
                                                          account_id=account_id, done=done))
    except IntegrityError:
        raise LinkRefused("used") from None


async def count_done(session: AsyncSession, *, jti: str, done: int) -> None:
    """After acting: how many objects the use changed (the refusal page of a replay says so)."""
    await session.execute(update(LINK_USE).where(LINK_USE.c.jti == jti).values(done=done))


async def used(session: AsyncSession, *, jti: str) -> LinkUsed | None:
    row = (await session.execute(select(LINK_USE.c.account_id, LINK_USE.c.used_at, LINK_USE.c.done)
                                 .where(LINK_USE.c.jti == jti))).first()
    return LinkUsed(row.account_id, row.used_at, row.done) if row else None
