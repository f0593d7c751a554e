"""The outbox queue: adding rows, idempotency keys, the conditional claim, release, defer, stale-claim
recovery, the rows due to be enqueued, and a robot's recent calls (for the shared rate limiter).

The claim is a conditional UPDATE (``status='pending'`` → ``'sending'``), so any number of workers
can be handed the same id and only one sends. What an attempt leaves behind (delivery rows, the
row's outcome, target health) is recorded by :mod:`models.notify.attempts`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.notify.tables import Delivery, Outbox, Target


async def queue(session: AsyncSession, *, row: Outbox) -> Outbox:
    """Add ``row`` to the caller's transaction."""
    session.add(row)
    return row


async def existing_keys(session: AsyncSession, *, keys: list[str]) -> set[str]:
    """The idempotency keys among ``keys`` that a row already has."""
    found = await session.scalars(select(col(Outbox.idempotency_key)).where(col(Outbox.idempotency_key).in_(keys)))
    return set(found.all())


async def has_key(session: AsyncSession, *, key: str) -> bool:
    """Whether a row already has the idempotency key ``key``."""
    return await session.scalar(select(col(Outbox.id)).where(col(Outbox.idempotency_key) == key)) is not None


async def claim(session: AsyncSession, *, outbox_id: int, worker: str, now: datetime) -> bool:
    """Take a due pending row for ``worker`` (counting an attempt); ``False`` if it is not there to take."""
    stmt = update(Outbox).where(col(Outbox.id) == outbox_id, col(Outbox.status) == "pending",
                                col(Outbox.next_attempt_at) <= now).values(
        status="sending", claimed_at=now, claimed_by=worker, attempts=col(Outbox.attempts) + 1)
    return bool((await session.execute(stmt)).rowcount == 1)  # type: ignore[attr-defined]


async def claimed(session: AsyncSession, *, outbox_id: int) -> tuple[Outbox | None, Target | None]:
    """The row and its target (``None`` for what does not exist)."""
    row = await session.get(Outbox, outbox_id)
    target = await session.get(Target, row.target_id) if row else None
    return row, target


async def release(session: AsyncSession, *, outbox_id: int, status: str, error: str | None = None) -> None:
    """Set the row's status and error (it stays claimed: ``claimed_at`` is kept)."""
    await session.execute(update(Outbox).where(col(Outbox.id) == outbox_id).values(status=status, error=error))


async def defer(session: AsyncSession, *, outbox_id: int, until: datetime) -> None:
    """Back to pending until ``until`` without counting an attempt: the platform was not called."""
    await session.execute(update(Outbox).where(col(Outbox.id) == outbox_id).values(
        status="pending", next_attempt_at=until, attempts=col(Outbox.attempts) - 1, claimed_at=None))


async def recover_stale(session: AsyncSession, *, claimed_before: datetime, now: datetime) -> int:
    """Rows claimed before ``claimed_before`` and never finished go back to pending, due ``now``."""
    stmt = update(Outbox).where(col(Outbox.status) == "sending", col(Outbox.claimed_at) < claimed_before) \
        .values(status="pending", claimed_at=None, next_attempt_at=now)
    return (await session.execute(stmt)).rowcount  # type: ignore[attr-defined,no-any-return]


async def due_rows(session: AsyncSession, *, now: datetime, limit: int) -> list[tuple[int, datetime]]:
    """(id, next attempt) of pending rows due by ``now``, urgent ones first, at most ``limit``."""
    query = (select(col(Outbox.id), col(Outbox.next_attempt_at)).where(
        col(Outbox.status) == "pending", col(Outbox.next_attempt_at) <= now)
        .order_by(col(Outbox.urgent).desc(), col(Outbox.id)).limit(limit))
    return [(oid, at) for oid, at in await session.execute(query) if oid is not None]


async def recent_calls(session: AsyncSession, *, target: Target, since: datetime, exclude: int) -> list[datetime]:
    """When the target's robot was called after ``since``: attempts (not suppressed), then other live claims."""
    attempts = await session.scalars(select(col(Delivery.at)).where(
        col(Delivery.target_id) == target.id, col(Delivery.at) > since, col(Delivery.status) != "suppressed"))
    claims = await session.scalars(select(col(Outbox.claimed_at)).where(
        col(Outbox.target_id) == target.id, col(Outbox.status) == "sending", col(Outbox.claimed_at) > since,
        col(Outbox.id) != exclude))
    return [at for at in [*attempts.all(), *claims.all()] if at is not None]
