"""The decision step: one audited state transition of a versioned row.

A decision moves a row (a warning today; approval items, self-checks, unlock requests and score
appeals next) from one of the allowed states to a new one, in the caller's transaction:

1. a conditional UPDATE on ``(id, version)`` and the allowed from-states, so a double tap or two
   people deciding at once change the row exactly once (the loser gets :class:`Conflict`);
2. one timeline event (who, when, kind, reason, detail);
3. one audit row;
4. the effects the decision causes (outbox rows, follow-up records), written by the caller's
   callbacks in the same transaction, so a decision and its messages commit together or not at all.

The row's table needs ``id``, ``status``, ``version`` and ``updated_at``; the timeline table needs
``<key>``, ``at``, ``kind``, ``actor``, ``note`` and ``detail``. Permission and input checks belong
to the caller, before it asks for the move.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.db import utcnow

Effect = Callable[[AsyncSession], Awaitable[None]]


class DecisionError(ValueError):
    """The move is not possible; ``str()`` is the Chinese message shown to the user."""


class Conflict(DecisionError):
    """Someone else changed the row first."""


@dataclass(frozen=True)
class Actor:
    """Who decides: login for the records, role for permissions, name for what people read."""

    login: str
    role: str
    name: str = ""
    ip: str | None = None


@dataclass(frozen=True)
class Move:
    """One allowed move: from any of ``sources`` to ``target``, recorded as timeline ``event``."""

    sources: tuple[str, ...]
    target: str
    event: str


@dataclass(frozen=True)
class Lifecycle:
    """The states of one kind of row and where its timeline and audit rows go."""

    table: Table
    timeline: Table
    key: str              # the timeline's column that points at the row, e.g. "warning_id"
    object_type: str      # the audit log's object type, e.g. "warning"
    moves: dict[str, Move]
    stale: str = "已被他人处理，请刷新后查看"
    wrong_state: str = "当前状态不能执行此操作"

    def allows(self, move: str, status: str) -> bool:
        return move in self.moves and status in self.moves[move].sources


@dataclass(frozen=True)
class Decision:
    """What one person decided about one row, and what else to write with it."""

    move: str
    row_id: int
    version: int
    status: str
    actor: Actor
    note: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, Any] | None = None
    effects: Sequence[Effect] = ()


async def decide(session: AsyncSession, lifecycle: Lifecycle, decision: Decision) -> None:
    """Apply ``decision`` inside the caller's transaction, or raise :class:`DecisionError`."""
    if not lifecycle.allows(decision.move, decision.status):
        raise DecisionError(lifecycle.wrong_state)
    move, now, table = lifecycle.moves[decision.move], utcnow(), lifecycle.table
    stmt = (update(table).where(table.c.id == decision.row_id, table.c.version == decision.version,
                                table.c.status.in_(move.sources))
            .values(**decision.values, status=move.target, version=table.c.version + 1, updated_at=now))
    if (await session.execute(stmt)).rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(lifecycle.stale)
    await _record(session, lifecycle, decision, move, now)
    for effect in decision.effects:
        await effect(session)


async def _record(session: AsyncSession, lifecycle: Lifecycle, decision: Decision, move: Move, now: Any) -> None:
    actor = decision.actor
    await session.execute(insert(lifecycle.timeline).values(
        {lifecycle.key: decision.row_id, "at": now, "kind": move.event, "actor": actor.login,
         "note": decision.note, "detail": decision.detail}))
    await audit.record(session, actor=actor.login, action=f"{lifecycle.object_type}.{move.event}",
                       object_type=lifecycle.object_type, object_id=decision.row_id,
                       detail={"note": decision.note, "from": decision.status, "to": move.target,
                               **(decision.detail or {})}, ip=actor.ip)
