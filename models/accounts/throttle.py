"""Wrong-password counters with growing blocks, per login name and per client address.

Each key (``account:<login>``, ``ip:<address>``) counts failures. Reaching the threshold blocks
the key for ``BLOCK_MINUTES[0]`` minutes; every further failure after a block ends blocks it for
the next step (1, 5, 15, then 60 minutes for each failure after that). Attempts during a block are
refused without counting, so they neither extend the block nor guess. A counter with no failure
for ``FORGET`` starts again: a day for login names (a success clears them at once), an hour for
addresses (no success clears them: an insider could otherwise reset the address between guesses,
and an hour lets a busy office behind one NAT address recover from the day's typos).

Unknown login names are counted exactly like real ones, so a block says nothing about existence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.tables import LOGIN_THROTTLE as T
from models.core.bulk import is_postgres

BLOCK_MINUTES = (1, 5, 15, 60)
FORGET = {"account": timedelta(days=1), "ip": timedelta(hours=1)}
ACCOUNT, IP = "account", "ip"


@dataclass(frozen=True)
class Count:
    """A key's failures after counting one more, and the block that failure started (if any)."""

    failures: int
    blocked_until: datetime | None


@dataclass(frozen=True)
class BlockedKey:
    kind: str  # account / ip
    name: str  # the login name or the address
    failures: int
    blocked_until: datetime


def account_key(login: str) -> str:
    return f"{ACCOUNT}:{login[:100]}"


def ip_key(ip: str) -> str:
    return f"{IP}:{ip[:100]}"


def block_minutes(over: int) -> int:
    """Minutes of the block started by the failure ``over`` failures past the threshold (0 = first)."""
    return BLOCK_MINUTES[min(over, len(BLOCK_MINUTES) - 1)]


def wait_message(until: datetime, now: datetime) -> str:
    minutes = max(1, ceil((until - now).total_seconds() / 60))
    return f"尝试次数过多，账号暂时锁定，请{minutes}分钟后再试"


async def blocked_until(session: AsyncSession, *, keys: list[str], now: datetime) -> datetime | None:
    """The latest block still running on any of ``keys``."""
    until = await session.scalar(select(T.c.blocked_until).where(T.c.key.in_(keys), T.c.blocked_until > now)
                                 .order_by(T.c.blocked_until.desc()).limit(1))
    return until if isinstance(until, datetime) else None


async def count_failure(session: AsyncSession, *, key: str, threshold: int, now: datetime) -> Count:
    """One more failure on ``key``; blocks it once ``threshold`` is reached (rows locked: no lost counts)."""
    await session.execute(_insert(session).values(key=key, failures=0).on_conflict_do_nothing(index_elements=["key"]))
    row = (await session.execute(select(T).where(T.c.key == key).with_for_update())).one()
    forgotten = row.last_failure_at is not None and now - row.last_failure_at > FORGET[key.split(":", 1)[0]]
    failures = (0 if forgotten else row.failures) + 1
    over = failures - max(threshold, 1)
    until = now + timedelta(minutes=block_minutes(over)) if over >= 0 else None
    await session.execute(update(T).where(T.c.key == key).values(failures=failures, last_failure_at=now,
                                                                blocked_until=until))
    return Count(failures, until)


def _insert(session: AsyncSession) -> Any:
    return (pg_insert if is_postgres(session) else sqlite_insert)(T)


async def clear(session: AsyncSession, *, key: str) -> bool:
    """Forget ``key``'s failures and lift its block; whether there was anything to forget."""
    return bool((await session.execute(delete(T).where(T.c.key == key))).rowcount)  # type: ignore[attr-defined]


async def blocked_keys(session: AsyncSession, *, kind: str, now: datetime) -> list[BlockedKey]:
    """Keys of ``kind`` blocked right now, latest block end first."""
    query = (select(T).where(T.c.key.startswith(f"{kind}:"), T.c.blocked_until > now)
             .order_by(T.c.blocked_until.desc()))
    return [BlockedKey(kind, row.key.split(":", 1)[1], row.failures, row.blocked_until)
            for row in await session.execute(query)]
