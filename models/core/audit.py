"""Append-only audit log: every change and every login writes one row through :func:`record`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.tables import AuditLog


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """Add an audit row to the caller's transaction (so the change and its record commit together)."""
    oid = None if object_id is None else str(object_id)
    session.add(AuditLog(actor=actor, action=action, object_type=object_type, object_id=oid,
                         detail=detail, ip=ip))


async def recent(session: AsyncSession, *, limit: int = 100, action: str | None = None) -> list[AuditLog]:
    query = select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)
    if action:
        query = query.where(col(AuditLog.action) == action)
    return list((await session.scalars(query)).all())


async def bytes_recorded(session: AsyncSession, *, actor: str, action: str) -> int:
    """The sum of ``detail.size`` over ``actor``'s rows of ``action`` (e.g. what someone uploaded)."""
    query = select(col(AuditLog.detail)).where(col(AuditLog.actor) == actor, col(AuditLog.action) == action)
    return sum(int((detail or {}).get("size", 0)) for detail in (await session.scalars(query)).all())
