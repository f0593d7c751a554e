"""What a sent card was about, whether a group's scope covers an object, and the group's echo.

A card is an outbox row: its idempotency key names it in action links, its payload's ``listed``
holds every warning it was about (全部确认 and 逐条处理 use exactly those). An echo is the short
confirmation a group reads after someone acted from its card ("张*已确认 12 条预警"): echoes wait
``ECHO_WAIT`` in one pending outbox row per group, so a burst of taps becomes one message that the
sender's rate limiter paces like any other.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.notify.marks import covers
from models.notify.tables import OUTBOX, TARGET, Outbox
from models.staffing.tables import UNIT

ECHO_WAIT = timedelta(seconds=60)
ECHO_MAX_LINES = 20
ECHO_TITLE = "处理动态"


@dataclass(frozen=True)
class Card:
    key: str
    target_id: int
    listed: list[int]
    personal: bool  # a person's own card (no group to tell when they act)


async def card(session: AsyncSession, *, key: str) -> Card | None:
    query = (select(OUTBOX.c.target_id, OUTBOX.c.payload, TARGET.c.account_id)
             .join(TARGET, TARGET.c.id == OUTBOX.c.target_id).where(OUTBOX.c.idempotency_key == key))
    row = (await session.execute(query)).first()
    if row is None:
        return None
    listed = [int(i) for i in (row.payload or {}).get("listed", [])]
    return Card(key, row.target_id, listed, personal=row.account_id is not None)


async def target_covers(session: AsyncSession, *, target_id: int, unit_id: int) -> bool:
    """Whether target ``target_id`` is enabled and its scope holds unit ``unit_id``."""
    target_unit = UNIT.alias("tu")
    query = (select(TARGET.c.id).select_from(UNIT.join(TARGET, TARGET.c.id == target_id))
             .outerjoin(target_unit, target_unit.c.id == TARGET.c.unit_id)
             .where(UNIT.c.id == unit_id, TARGET.c.enabled.is_(True), covers(target_unit)))
    return (await session.execute(query)).first() is not None


async def echo(session: AsyncSession, *, target_id: int, line: str, now: datetime) -> None:
    """Add ``line`` to the group's waiting echo, or start one that leaves in ``ECHO_WAIT``."""
    waiting = OUTBOX.c.target_id == target_id, OUTBOX.c.purpose == "echo", OUTBOX.c.status == "pending"
    found = (await session.execute(select(OUTBOX.c.id, OUTBOX.c.body).where(*waiting).limit(1))).first()
    if found is not None and found.body.count("\n") < ECHO_MAX_LINES:
        appended = update(OUTBOX).where(OUTBOX.c.id == found.id, *waiting).values(body=OUTBOX.c.body + "\n" + line)
        if (await session.execute(appended)).rowcount:  # type: ignore[attr-defined]
            return
    session.add(Outbox(target_id=target_id, purpose="echo", title=ECHO_TITLE, body=line, urgent=False,
                       idempotency_key=f"echo-t{target_id}-{secrets.token_hex(6)}", next_attempt_at=now + ECHO_WAIT))
