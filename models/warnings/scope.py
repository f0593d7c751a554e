"""Which units an incremental scan must re-evaluate, computed set-based into ``scan_scope``.

A unit is in scope when, since the previous scan started: the unit row changed (quotas and posts
bump it too); a person whose establishment or post is in it changed; a changed person shares an
ID number with a record in it (一人多编 spans units); a person's earlier post unit is in it (from
the change log); one of its internal bodies changed, or a person holding (or formerly holding) a
post in one of them changed; or a time-driven threshold crossed for one of its persons (rule windows).
A new payroll roster (财政's 工资统发名单) puts every unit in scope: the D4 rules read the latest
month's roster as a whole (a unit it no longer pays, a person it newly pays twice), once a month.

A targeted scan's scope is given instead (:func:`fill_units`): after a correction, the units of
:func:`units_of_persons` before and after it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, insert, literal, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from models.payroll.tables import PAYROLL_BATCH
from models.staffing.tables import INTERNAL_BODY as BODY
from models.staffing.tables import PERSON, UNIT
from models.staffing.tables import PERSON_EVENT as EVENT
from models.warnings.config import ActiveRule
from models.warnings.rules.base import RuleContext
from models.warnings.tables import SCAN_SCOPE as SCOPE


def _changed_sources(since: datetime) -> list[Select[Any]]:
    changed = select(PERSON.c.id_hash).where(PERSON.c.updated_at > since)
    return [
        select(UNIT.c.id).where(UNIT.c.updated_at > since),
        select(PERSON.c.unit_id).where(PERSON.c.updated_at > since),
        select(PERSON.c.post_unit_id).where(PERSON.c.updated_at > since, PERSON.c.post_unit_id.is_not(None)),
        select(PERSON.c.unit_id).where(PERSON.c.id_hash.in_(changed)),
        select(BODY.c.unit_id).where(BODY.c.updated_at > since),
        select(BODY.c.unit_id).join(PERSON, PERSON.c.body_id == BODY.c.id).where(PERSON.c.updated_at > since),
        select(UNIT.c.id).where(select(PAYROLL_BATCH.c.id).where(
            PAYROLL_BATCH.c.uploaded_at > since, PAYROLL_BATCH.c.status == "active").exists()),
    ]


def _window_sources(rules: list[ActiveRule], ctx_of: Any) -> list[Select[Any]]:
    sources: list[Select[Any]] = []
    for active in rules:
        for column, low, high in active.rule.windows(ctx_of(active)):
            table = PERSON if column.table is PERSON else UNIT
            unit_column = PERSON.c.unit_id if table is PERSON else UNIT.c.id
            sources.append(select(unit_column).where(column > low, column <= high))
    return sources


async def _former_post_units(session: AsyncSession, since: datetime) -> set[int]:
    rows = await session.execute(select(EVENT.c.changes).where(EVENT.c.at > since, EVENT.c.kind == "update"))
    units: set[int] = set()
    bodies: set[int] = set()
    for (changes,) in rows:
        before = (changes or {}).get("post_unit_id", [None])[0]
        if isinstance(before, int):
            units.add(before)
        body = (changes or {}).get("body_id", [None])[0]
        if isinstance(body, int):
            bodies.add(body)
    if bodies:
        units.update((await session.scalars(select(BODY.c.unit_id).where(BODY.c.id.in_(bodies)))).all())
    return units


async def fill_scope(session: AsyncSession, *, scan_id: int, since: datetime, rules: list[ActiveRule],
                     ctx_of: Any) -> int:
    """Insert the scope of scan ``scan_id``; returns how many units it holds."""
    sources = _changed_sources(since) + _window_sources(rules, ctx_of)
    units = union(*sources).subquery()
    await session.execute(insert(SCOPE).from_select(
        ["scan_id", "unit_id"], select(literal(scan_id), units.c[0]).where(units.c[0].is_not(None)).distinct()))
    extra = await _former_post_units(session, since)
    present = set((await session.scalars(select(SCOPE.c.unit_id).where(SCOPE.c.scan_id == scan_id))).all())
    missing = [{"scan_id": scan_id, "unit_id": u} for u in extra - present]
    if missing:
        await session.execute(insert(SCOPE), missing)
    count = await session.scalar(select(func.count()).select_from(SCOPE).where(SCOPE.c.scan_id == scan_id))
    return int(count or 0)


async def fill_units(session: AsyncSession, *, scan_id: int, units: list[int]) -> int:
    """Insert exactly ``units`` as the scope of (targeted) scan ``scan_id``; returns how many."""
    rows = [{"scan_id": scan_id, "unit_id": u} for u in sorted(set(units))]
    if rows:
        await session.execute(insert(SCOPE), rows)
    return len(rows)


async def units_of_persons(session: AsyncSession, *, person_ids: list[int]) -> set[int]:
    """Every unit whose rule results the given person records take part in: their establishment
    and post units, the units of their internal bodies, and the units of every record sharing their
    ID numbers (一人多编 spans units)."""
    hashes = select(PERSON.c.id_hash).where(PERSON.c.id.in_(person_ids))
    rows = await session.execute(select(PERSON.c.unit_id, PERSON.c.post_unit_id, BODY.c.unit_id)
                                 .outerjoin(BODY, BODY.c.id == PERSON.c.body_id)
                                 .where((PERSON.c.id.in_(person_ids)) | PERSON.c.id_hash.in_(hashes)))
    return {unit for units in rows for unit in units if unit is not None}


def context_for(active: ActiveRule, as_of: Any, scan_id: int | None, prev_as_of: Any) -> RuleContext:
    return RuleContext(as_of=as_of, params=active.params, scan_id=scan_id, prev_as_of=prev_as_of)
