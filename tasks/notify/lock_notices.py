"""Notices of month-end locks, written as outbox rows in the transaction that adds the locks: one
row per locked unit and target, keyed ``lock-<month>-u<unit>-t<target>``, so a re-run (which adds no
lock) or a retried transaction sends nothing twice."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.lock_notices import unit_locked
from models.core.db import utcnow
from models.core.settings import Settings
from models.locks.audience import GROUP_PURPOSE, lock_audience, unit_names
from models.locks.monthend import LockEffect, NewLock
from models.locks.words import month_label
from models.notify.outbox import existing_keys, queue
from models.notify.tables import Outbox

CHUNK = 2000  # locked units per round of reads (keeps IN lists far below the drivers' bounds)


def lock_notices(settings: Settings) -> LockEffect:
    async def effect(session: AsyncSession, locks: list[NewLock]) -> int:
        return sum([await _notify(session, settings, locks[at:at + CHUNK]) for at in range(0, len(locks), CHUNK)])
    return effect


async def _notify(session: AsyncSession, settings: Settings, locks: list[NewLock]) -> int:
    """Queue the notices of a chunk of locks (bounded IN lists: a month may lock thousands of units)."""
    audience = await lock_audience(session, unit_ids=[lock.unit_id for lock in locks])
    told = [lock for lock in locks if audience.get(lock.unit_id)]
    names = await unit_names(session, unit_ids=[lock.unit_id for lock in told]) if told else {}
    rows = [_row(settings, lock, names.get(lock.unit_id, ""), target_id)
            for lock in told for target_id in audience[lock.unit_id]]
    done = await existing_keys(session, keys=[row.idempotency_key for row in rows]) if rows else set()
    for row in rows:
        if row.idempotency_key not in done:
            await queue(session, row=row)
    return len(rows) - len(done)


def _row(settings: Settings, lock: NewLock, unit: str, target_id: int) -> Outbox:
    key = f"lock-{lock.month}-u{lock.unit_id}"
    message = unit_locked(unit=unit, month_label=month_label(lock.month), reason=lock.reason,
                          link=f"{settings.public_url}/units/{lock.unit_id}", key=key)
    return Outbox(target_id=target_id, purpose=GROUP_PURPOSE, group_key=f"u{lock.unit_id}", title=message.title,
                  body=message.body, link=message.link, idempotency_key=f"{key}-t{target_id}", next_attempt_at=utcnow(),
                  payload={"template_params": message.template_params})
