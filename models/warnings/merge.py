"""Merging one scan's hits (``scan_hit``) into ``warning`` with set-based statements.

Order matters: reopen what reappeared, refresh what changed, insert what is new, resolve what
disappeared (within the scan's scope), then write the timeline events for each group.
Warnings closed as exceptions (情况说明 accepted) are never reopened or auto-resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, String, and_, case, cast, exists, insert, literal, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.warnings.tables import SCAN_HIT as H
from models.warnings.tables import SCAN_SCOPE as SCOPE
from models.warnings.tables import WARNING as W
from models.warnings.tables import WARNING_EVENT as EV

LIVE = ("open", "acknowledged", "snoozed", "disputed")


@dataclass
class MergeCounts:
    new: int = 0
    updated: int = 0
    reopened: int = 0
    resolved: int = 0
    unsnoozed: int = 0


def _hit(scan_id: int) -> ColumnElement[bool]:
    return and_(H.c.scan_id == scan_id, H.c.fingerprint == W.c.fingerprint)


async def reopen(session: AsyncSession, scan_id: int, now: datetime) -> int:
    stmt = update(W).where(_hit(scan_id), W.c.status == "resolved").values(
        status="open", reopen_count=W.c.reopen_count + 1, resolved_at=None, resolved_by=None, resolved_scan_id=None,
        reopened_scan_id=scan_id, acknowledged_at=None, acknowledged_by=None, snoozed_until=None,
        snooze_reason=None, due_date=H.c.due_date,
        due_estimated=H.c.due_estimated, updated_at=now, version=W.c.version + 1)
    return (await session.execute(stmt)).rowcount  # type: ignore[attr-defined,no-any-return]


async def refresh(session: AsyncSession, scan_id: int, now: datetime) -> int:
    """Update warnings whose evidence, severity, anchor or (anchor-based) deadline changed."""
    due = case((H.c.due_from_anchor, H.c.due_date), else_=W.c.due_date)
    changed = or_(W.c.severity != H.c.severity, cast(W.c.evidence, String) != cast(H.c.evidence, String),
                  W.c.anchor.is_distinct_from(H.c.anchor), W.c.due_date.is_distinct_from(due),
                  W.c.rule_version != H.c.rule_version)
    stmt = update(W).where(_hit(scan_id), W.c.status != "resolved", changed).values(
        severity=H.c.severity, evidence=H.c.evidence, anchor=H.c.anchor, due_date=due,
        due_estimated=case((H.c.due_from_anchor, H.c.due_estimated), else_=W.c.due_estimated),
        rule_version=H.c.rule_version, updated_at=now)
    return (await session.execute(stmt)).rowcount  # type: ignore[attr-defined,no-any-return]


async def insert_new(session: AsyncSession, scan_id: int, now: datetime, as_of: date) -> int:
    known = exists().where(W.c.fingerprint == H.c.fingerprint)
    columns = ["fingerprint", "rule_code", "rule_version", "severity", "unit_id", "person_id", "subject", "evidence",
               "anchor", "due_date", "due_estimated"]
    fixed = {"status": "open", "detected_at": now, "detected_on": as_of, "created_scan_id": scan_id,
             "reopen_count": 0, "version": 1, "updated_at": now}
    # The sort (on a key no index provides) makes the anti-join finish before the first row is
    # inserted: with statistics saying ``warning`` is empty, PostgreSQL picks a nested-loop
    # anti-join that re-reads ``warning`` for every hit, which is quadratic while it is growing.
    source = select(*(H.c[c] for c in columns), *(literal(v).label(k) for k, v in fixed.items())).where(
        H.c.scan_id == scan_id, not_(known)).order_by(H.c.unit_id, H.c.fingerprint)
    result = await session.execute(insert(W).from_select([*columns, *fixed], source))
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


async def resolve_missing(session: AsyncSession, scan_id: int, now: datetime, rules: list[str],
                          scoped: bool) -> int:
    found = exists().where(_hit(scan_id))
    condition = and_(W.c.status.in_(LIVE), W.c.rule_code.in_(rules), not_(found))
    if scoped:
        condition = and_(condition, W.c.unit_id.in_(select(SCOPE.c.unit_id).where(SCOPE.c.scan_id == scan_id)))
    stmt = update(W).where(condition).values(status="resolved", resolved_at=now, resolved_by="system",
                                             resolved_scan_id=scan_id, updated_at=now, version=W.c.version + 1)
    return (await session.execute(stmt)).rowcount  # type: ignore[attr-defined,no-any-return]


async def resolve_disabled(session: AsyncSession, scan_id: int, now: datetime, enabled: list[str]) -> int:
    """Close the live warnings of rules an admin switched off (full scans only)."""
    stmt = update(W).where(W.c.status.in_(LIVE), W.c.rule_code.not_in(enabled)).values(
        status="resolved", resolved_at=now, resolved_by="rule_disabled", resolved_scan_id=scan_id, updated_at=now)
    return (await session.execute(stmt)).rowcount  # type: ignore[attr-defined,no-any-return]


async def wake_snoozed(session: AsyncSession, now: datetime, as_of: date) -> int:
    """Snoozes end on their date: the warning is open again, with a timeline event saying so."""
    due = and_(W.c.status == "snoozed", W.c.snoozed_until < as_of)
    source = select(W.c.id, literal(now), literal("unsnoozed"), literal("system")).where(due)
    await session.execute(insert(EV).from_select(["warning_id", "at", "kind", "actor"], source))
    stmt = update(W).where(due).values(status="open", snoozed_until=None, snooze_reason=None, updated_at=now)
    return (await session.execute(stmt)).rowcount  # type: ignore[attr-defined,no-any-return]


async def write_events(session: AsyncSession, scan_id: int, now: datetime) -> None:
    """One timeline event per warning this scan created, reopened or resolved."""
    groups = [("detected", W.c.created_scan_id == scan_id), ("reopened", W.c.reopened_scan_id == scan_id),
              ("resolved", W.c.resolved_scan_id == scan_id)]
    for kind, condition in groups:
        source = select(W.c.id, literal(now), literal(kind), literal("system")).where(condition)
        await session.execute(insert(EV).from_select(["warning_id", "at", "kind", "actor"], source))


async def merge(session: AsyncSession, *, scan_id: int, now: datetime, as_of: date, evaluated: list[str],
                enabled: list[str], scoped: bool) -> MergeCounts:
    counts = MergeCounts()
    counts.reopened = await reopen(session, scan_id, now)
    counts.updated = await refresh(session, scan_id, now)
    counts.new = await insert_new(session, scan_id, now, as_of)
    counts.resolved = await resolve_missing(session, scan_id, now, evaluated, scoped)
    if not scoped:
        counts.resolved += await resolve_disabled(session, scan_id, now, enabled)
    counts.unsnoozed = await wake_snoozed(session, now, as_of)
    await write_events(session, scan_id, now)
    return counts
