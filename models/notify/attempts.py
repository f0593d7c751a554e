"""What one send attempt leaves behind, in the caller's transaction: its delivery row, the outbox
row's outcome (sent, failed, retry, paused), the target's health (last success, pause after a
platform rate limit, last error, automatic disabling) and, for a sent row, an event in the
timeline of every warning it carried.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.db import saved_id
from models.notify.tables import Delivery, Outbox, Target
from models.warnings.tables import WARNING_EVENT as EVENT


async def record_delivery(session: AsyncSession, *, row: Outbox, target: Target, status: str, ms: int,
                          error: str | None = None, code: str | None = None, parts: int = 1,
                          message_id: str | None = None, request_id: str | None = None) -> None:
    """A delivery row for the row's current attempt."""
    session.add(Delivery(outbox_id=saved_id(row), target_id=saved_id(target), attempt=row.attempts, status=status,
                         duration_ms=ms, error=error, code=code, parts=parts, message_id=message_id,
                         request_id=request_id))


async def _set_row(session: AsyncSession, row: Outbox, values: dict[str, Any]) -> None:
    await session.execute(update(Outbox).where(col(Outbox.id) == row.id).values(claimed_at=None, **values))


async def mark_sent(session: AsyncSession, *, row: Outbox, at: datetime, error: str | None = None) -> None:
    """Sent (or deliberately not sent, with ``error`` saying why)."""
    await _set_row(session, row, {"status": "sent", "sent_at": at, "error": error})


async def mark_failed(session: AsyncSession, *, row: Outbox, error: str) -> None:
    """Failed for good: no more attempts."""
    await _set_row(session, row, {"status": "failed", "error": error})


async def mark_retry(session: AsyncSession, *, row: Outbox, at: datetime, error: str) -> None:
    """Back to pending, due again at ``at``."""
    await _set_row(session, row, {"status": "pending", "next_attempt_at": at, "error": error})


async def mark_paused(session: AsyncSession, *, row: Outbox, until: datetime) -> None:
    """Back to pending until ``until``, this attempt not counted (the platform refused to take it)."""
    await _set_row(session, row, {"status": "pending", "next_attempt_at": until, "attempts": row.attempts - 1})


async def target_ok(session: AsyncSession, *, target: Target, at: datetime) -> None:
    await session.execute(update(Target).where(col(Target.id) == target.id).values(last_ok_at=at))


async def target_paused(session: AsyncSession, *, target: Target, until: datetime, reason: str,
                        at: datetime) -> None:
    """The platform rate-limited the target: nothing is sent to it before ``until``."""
    await session.execute(update(Target).where(col(Target.id) == target.id).values(
        paused_until=until, last_error=reason, last_error_at=at))


async def target_error(session: AsyncSession, *, target: Target, error: str, at: datetime,
                       disabled_reason: str | None = None) -> None:
    """Record the target's last error; with ``disabled_reason``, also disable it."""
    values: dict[str, Any] = {"last_error": error, "last_error_at": at}
    if disabled_reason is not None:
        values.update(enabled=False, disabled_reason=disabled_reason)
    await session.execute(update(Target).where(col(Target.id) == target.id).values(**values))


async def record_notices(session: AsyncSession, *, row: Outbox, target: Target, kind: str, at: datetime) -> None:
    """An event of ``kind`` (notified / reminded / escalated) for every warning the row carried."""
    if not row.warning_ids:
        return
    events = [{"warning_id": wid, "at": at, "kind": kind, "actor": "system", "note": f"{target.name}",
               "detail": {"outbox": row.id, "target": target.id}} for wid in row.warning_ids]
    await session.execute(insert(EVENT), events)
