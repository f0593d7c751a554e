"""The sweeper (cron, every 30 s): recover stale claims, compose due digests, enqueue what is due.

Enqueueing uses a job id derived from the row and its next attempt time, so the same send is
never queued twice while Redis holds it, and is queued again after Redis lost it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.core.db import transaction, utcnow
from models.core.runtime import Runtime
from models.notify import outbox
from tasks.notify.compose import compose_due

CLAIM_TIMEOUT = timedelta(seconds=120)
ENQUEUE_LIMIT = 5000


@dataclass
class SweepOutcome:
    recovered: int
    composed: int
    enqueued: int


async def recover_stale(rt: Runtime, now: datetime) -> int:
    """Rows a dead worker claimed go back to pending (their send is retried with the same key)."""
    async with transaction(rt.sessions) as session:
        return await outbox.recover_stale(session, claimed_before=now - CLAIM_TIMEOUT, now=now)


async def due_rows(rt: Runtime, now: datetime) -> list[tuple[int, datetime]]:
    async with rt.sessions() as session:
        return await outbox.due_rows(session, now=now, limit=ENQUEUE_LIMIT)


def job_id(outbox_id: int, at: datetime) -> str:
    return f"send:{outbox_id}:{int(at.timestamp() * 1000)}"


async def enqueue(redis: Any, rows: list[tuple[int, datetime]]) -> int:
    queued = 0
    for outbox_id, at in rows:
        if await _enqueue_one(redis, outbox_id, job_id(outbox_id, at)):
            queued += 1
    return queued


async def _enqueue_one(redis: Any, outbox_id: int, key: str) -> bool:
    """Queue a send unless that very job is already queued or running.

    arq refuses an id while its result is kept. A job that vanished in a Redis flush leaves an
    "expired" result behind and no job, so that result would block the row for a minute: drop it.
    """
    if await redis.enqueue_job("send_outbox", outbox_id, _job_id=key) is not None:
        return True
    if await redis.exists(f"arq:job:{key}") or await redis.exists(f"arq:in-progress:{key}"):
        return False
    await redis.delete(f"arq:result:{key}")
    return await redis.enqueue_job("send_outbox", outbox_id, _job_id=key) is not None


async def sweep(rt: Runtime, redis: Any, now: datetime | None = None) -> SweepOutcome:
    now = now or utcnow()
    recovered = await recover_stale(rt, now)
    composed = await compose_due(rt, now)
    # Rows just composed carry the wall-clock time, which may be a hair after ``now``.
    enqueued = await enqueue(redis, await due_rows(rt, max(now, utcnow())))
    return SweepOutcome(recovered, len(composed), enqueued)
