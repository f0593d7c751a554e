"""Digest groups as data: each group's state with its (enabled) target, the names that label the
groups, and keeping a composed outbox row together with the state it clears."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.notify.tables import DigestState, Outbox, Target
from models.staffing.tables import Unit


async def group_states(session: AsyncSession) -> list[tuple[DigestState, Target]]:
    """Every digest group of an enabled target, with that target."""
    pairs = await session.execute(select(DigestState, Target).join(Target, col(Target.id) == DigestState.target_id)
                                  .where(col(Target.enabled).is_(True)))
    return [(state, target) for state, target in pairs]


async def unit_names(session: AsyncSession, *, ids: set[int]) -> dict[int, str]:
    """{unit id: name} for the units with these ids."""
    rows = await session.execute(select(col(Unit.id), col(Unit.name)).where(col(Unit.id).in_(ids)))
    return {uid: name for uid, name in rows if uid is not None}


async def keep_composed(session: AsyncSession, *, row: Outbox, state: DigestState) -> None:
    """Add the composed outbox row and its cleared state to the caller's transaction."""
    session.add(row)
    session.add(state)
