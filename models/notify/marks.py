"""Marking digest groups dirty in the same transaction as the change that owes a message.

This is the outbox entry of the digest pipeline: it is written with the warnings it is about,
so a crash after commit cannot lose the notification, and the sweeper composes it later. A
group is (target, ``u<unit id>``) for targets grouped by unit, (target, ``all``) for targets
grouped as one, and (target, ``s1``) for targets that get severe warnings at once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Select, String, and_, case, cast, func, literal, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.bulk import is_postgres
from models.core.db import utcnow
from models.notify.tables import DIGEST_STATE as DS
from models.notify.tables import TARGET as T
from models.staffing.tables import UNIT
from models.warnings.scan import ScanOutcome, run_scan
from models.warnings.tables import WARNING as W


def covers(target_unit: Any) -> Any:
    """Target scope: everything (no unit), its own unit, or its subtree (path prefix)."""
    own = UNIT.c.id == T.c.unit_id
    below = and_(T.c.subtree.is_(True), UNIT.c.path.startswith(target_unit.c.path))
    return or_(T.c.unit_id.is_(None), own, below)


def _groups(changed: Select[Any], purpose: str, group_key: Any) -> Select[Any]:
    """(target, group, urgent) for every target of ``purpose`` covering a unit in ``changed``."""
    target_unit = UNIT.alias("tu")
    units = changed.subquery()
    key = group_key(units)
    return (select(T.c.id.label("target_id"), key.label("group_key"), func.max(units.c.severe).label("urgent"))
            .select_from(units.join(UNIT, UNIT.c.id == units.c.unit_id)
                         .join(T, T.c.enabled.is_(True)).outerjoin(target_unit, target_unit.c.id == T.c.unit_id))
            .where(T.c.purposes.contains(f",{purpose},"), covers(target_unit))
            .group_by(T.c.id, key))


def _unit_key(units: Any) -> Any:
    return case((T.c.group_by == "unit", literal("u") + cast(units.c.unit_id, String)), else_=literal("all"))


def _changed_units(scan_id: int) -> Select[Any]:
    """One row per unit (grouped first: joining every changed warning to every target is slow)."""
    touched = or_(W.c.created_scan_id == scan_id, W.c.resolved_scan_id == scan_id, W.c.reopened_scan_id == scan_id)
    severe = func.max(case((and_(W.c.severity == "S1", W.c.status == "open"), 1), else_=0))
    return select(W.c.unit_id, severe.label("severe")).where(touched).group_by(W.c.unit_id)


def _new_severe_units(scan_id: int) -> Select[Any]:
    fresh = or_(W.c.created_scan_id == scan_id, W.c.reopened_scan_id == scan_id)
    return (select(W.c.unit_id, literal(1).label("severe")).where(fresh, W.c.severity == "S1", W.c.status == "open")
            .group_by(W.c.unit_id))


async def scan_and_mark(session: AsyncSession, *, as_of: date, full: bool = False,
                        now: datetime | None = None, units: list[int] | None = None) -> ScanOutcome:
    """A scan plus the digest marks it owes, in the caller's transaction: how every scan runs
    outside rule tests (the scan itself knows nothing of notifications). ``units``: a targeted
    scan of those units (after a correction), so digests hear of what it resolved or found."""
    now = now or utcnow()
    outcome = await run_scan(session, as_of=as_of, full=full, now=now, units=units)
    await mark_for_scan(session, scan_id=outcome.scan_id, now=now)
    return outcome


async def mark_for_scan(session: AsyncSession, *, scan_id: int, now: datetime) -> None:
    """Dirty the digest groups whose warnings this scan created, reopened or resolved."""
    await _upsert(session, _groups(_changed_units(scan_id), "digest", _unit_key), now)
    await _upsert(session, _groups(_new_severe_units(scan_id), "s1", lambda _units: literal("s1")), now)


async def _upsert(session: AsyncSession, groups: Select[Any], now: datetime) -> None:
    rows = [dict(r._mapping) for r in await session.execute(groups)]
    if not rows:
        return
    dialect = postgresql if is_postgres(session) else sqlite
    values = [{"target_id": r["target_id"], "group_key": r["group_key"], "dirty": True, "dirty_since": now,
               "urgent": bool(r["urgent"]), "last_set": [], "seq": 0} for r in rows]
    for start in range(0, len(values), 1000):  # SQLite caps bound parameters per statement
        stmt = dialect.insert(DS).values(values[start:start + 1000])
        stmt = stmt.on_conflict_do_update(index_elements=[DS.c.target_id, DS.c.group_key], set_={
            "dirty": true(), "dirty_since": func.coalesce(DS.c.dirty_since, stmt.excluded.dirty_since),
            "urgent": or_(DS.c.urgent, cast(stmt.excluded.urgent, Boolean))})
        await session.execute(stmt)
