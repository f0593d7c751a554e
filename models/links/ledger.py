"""Claiming a link's ``jti`` once, in the caller's transaction, and saying who used it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.links.tables import LINK_USE
from models.links.tokens import LinkClaims, LinkRefused


@dataclass(frozen=True)
class LinkUsed:
    account_id: int
    used_at: datetime
    done: int


async def claim(session: AsyncSession, claims: LinkClaims, *, account_id: int, done: int) -> None:
    """Record the use of ``claims`` (acting on ``done`` objects); :class:`LinkRefused` ("used") if it
    was used before. Call it before any other write: two taps race on the primary key, exactly one
    wins, and the loser's transaction must roll back whole (no savepoint, one round trip fewer).
    """
    try:
        await session.execute(insert(LINK_USE).values(jti=claims.jti, action=claims.act, object=claims.obj[:80],
                                                      account_id=account_id, done=done))
    except IntegrityError:
        raise LinkRefused("used") from None


async def used(session: AsyncSession, *, jti: str) -> LinkUsed | None:
    row = (await session.execute(select(LINK_USE.c.account_id, LINK_USE.c.used_at, LINK_USE.c.done)
                                 .where(LINK_USE.c.jti == jti))).first()
    return LinkUsed(row.account_id, row.used_at, row.done) if row else None
