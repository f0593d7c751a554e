"""Portal sessions kept on the server: a random token in the cookie, its SHA-256 in ``web_session``.

A session is live while it is not revoked, was used within the idle timeout and was opened within
the absolute lifetime. Logging out revokes it; a password reset or an admin lock revokes all of
the account's sessions. ``last_seen_at`` is written at most once a minute (``TOUCH_EVERY``), not on
every request. A database dump holds only hashes, from which no cookie can be rebuilt.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.tables import WEB_SESSION as S
from models.accounts.tables import WebSession
from models.core import audit

TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    lifetime: timedelta


@dataclass(frozen=True)
class LiveSession:
    id: str
    account_id: int
    needs_touch: bool  # last seen a minute or more ago


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(session: AsyncSession, *, account_id: int, ip: str | None, now: datetime) -> str:
    """A new session for the account; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(id=token_id(token), account_id=account_id, created_at=now, last_seen_at=now,
                           ip=(ip or "")[:45] or None))
    return token


async def live_session(session: AsyncSession, *, token: str, policy: SessionPolicy,
                       now: datetime) -> LiveSession | None:
    """The session behind ``token`` if it is still live, else ``None`` (unknown, revoked, idle, too old)."""
    row = await session.get(WebSession, token_id(token))
    if row is None or row.revoked_at is not None:
        return None
    if now - row.last_seen_at > policy.idle or now - row.created_at > policy.lifetime:
        return None
    return LiveSession(row.id, row.account_id, now - row.last_seen_at >= TOUCH_EVERY)


async def touch(session: AsyncSession, *, session_id: str, now: datetime) -> None:
    await session.execute(update(S).where(S.c.id == session_id, S.c.revoked_at.is_(None)).values(last_seen_at=now))


async def revoke(session: AsyncSession, *, token: str, now: datetime, actor: str, ip: str | None = None) -> bool:
    """End the session behind ``token`` (logout); whether it was live."""
    result = await session.execute(update(S).where(S.c.id == token_id(token), S.c.revoked_at.is_(None))
                                   .values(revoked_at=now).returning(S.c.account_id))
    account_id = result.scalar()
    if account_id is not None:
        await audit.record(session, actor=actor, action="logout", object_type="account", object_id=account_id,
                           ip=(ip or "")[:45] or None)
    return account_id is not None


async def revoke_all(session: AsyncSession, *, account_id: int, now: datetime) -> int:
    """End every session of the account (password reset, admin lock); how many were open."""
    result = await session.execute(update(S).where(S.c.account_id == account_id, S.c.revoked_at.is_(None))
                                   .values(revoked_at=now))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def forget_dead(session: AsyncSession, *, account_id: int, policy: SessionPolicy, now: datetime) -> None:
    """Delete the account's sessions that can never be live again, so the table stays small."""
    await session.execute(delete(S).where(S.c.account_id == account_id, or_(
        S.c.created_at < now - policy.lifetime, S.c.revoked_at < now - policy.lifetime)))
