"""The month's colours of every unit, set-based: five grouped queries, one upsert per chunk.

Warnings are read as they stand when the job runs (the month-end cron runs minutes after midnight),
overdue as of the month's last day; a month is coloured only once it has ended (on ``as_of``).
Re-running a month rewrites its rows in place (unique (unit_id, month)): idempotent, no duplicates.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models.colours.rules import ColourRules, UnitFigures, classify
from models.colours.tables import UNIT_COLOUR as UC
from models.core.bulk import is_postgres
from models.core.db import utcnow
from models.staffing.tables import PERSON, QUOTA, UNIT
from models.staffing.units import occupies_establishment
from models.warnings.query import LIVE, overdue_condition
from models.warnings.tables import WARNING as W

CHUNK = 1000  # SQLite caps bound parameters per statement


@dataclass(frozen=True)
class ColourRun:
    month: str
    units: int
    counts: dict[str, int]

    def summary(self) -> str:
        c = self.counts
        return f"{self.month}: {self.units} 个单位，红色 {c['red']}，黄色 {c['yellow']}，绿色 {c['green']}"


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of "YYYY-MM"; ``ValueError`` on anything else."""
    year, mon = (int(p) for p in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def _month_end(month: str) -> date:
    try:
        return month_bounds(month)[1]
    except ValueError:
        raise ValueError(f"月份格式应为 YYYY-MM，如 2026-11：{month[:20]}") from None


def hold_until(month: str, days: int) -> date:
    """A red month holds items from the next month's first day for ``days`` days."""
    return month_bounds(month)[1] + timedelta(days=days)


async def unit_figures(session: AsyncSession, *, rules: ColourRules, on: date,
                       scores: Mapping[int, float] | None = None) -> list[UnitFigures]:
    """Every active unit's figures as the rules read them, overdue counted as of ``on``."""
    counts: dict[int, dict[str, int]] = {u: {} for u in (await session.scalars(
        select(UNIT.c.id).where(UNIT.c.status == "active"))).all()}
    for name, stmt in _figure_queries(rules, on).items():
        for unit_id, n in await session.execute(stmt):
            if unit_id in counts:
                counts[unit_id][name] = int(n or 0)
    score_of = scores or {}
    return [UnitFigures(unit_id, score=score_of.get(unit_id), **values) for unit_id, values in counts.items()]


def _figure_queries(rules: ColourRules, on: date) -> dict[str, Any]:
    live = W.c.status.in_(LIVE)
    severe = (W.c.severity == "S1") & live
    conditions = {"overdue_s1": severe & overdue_condition(on), "open_s1": severe,
                  "over_posts": live & W.c.rule_code.in_(rules.red_rules)}
    queries: dict[str, Any] = {name: select(W.c.unit_id, func.count()).where(condition).group_by(W.c.unit_id)
                               for name, condition in conditions.items()}
    queries["approved"] = select(QUOTA.c.unit_id, func.sum(QUOTA.c.approved)).group_by(QUOTA.c.unit_id)
    queries["actual"] = (select(PERSON.c.unit_id, func.count()).where(occupies_establishment())
                         .group_by(PERSON.c.unit_id))
    return queries


async def compute_month(session: AsyncSession, *, month: str, as_of: date, rules: ColourRules,
                        scores: Mapping[int, float] | None = None) -> ColourRun:
    """Classify every active unit for ``month`` and write (or rewrite) its row; the caller commits.

    ``ValueError`` (in Chinese) for a malformed month or one that has not ended on ``as_of``."""
    on = _month_end(month)
    if as_of < on:
        raise ValueError(f"{on.year}年{on.month}月尚未结束（截至 {as_of:%Y-%m-%d}），不能评定三色")
    figures = await unit_figures(session, rules=rules, on=on, scores=scores)
    now, until = utcnow(), hold_until(month, rules.red_hold_days)
    rows, counts = [], {"red": 0, "yellow": 0, "green": 0}
    for f in figures:
        colour, reasons = classify(rules, f)
        counts[colour] += 1
        rows.append({"unit_id": f.unit_id, "month": month, "colour": colour, "reasons": reasons,
                     "rule_version": rules.version, "hold_until": until if colour == "red" else None,
                     "computed_at": now})
    await _upsert(session, rows)
    return ColourRun(month, len(rows), counts)


async def _upsert(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    dialect: Any = postgresql if is_postgres(session) else sqlite
    for start in range(0, len(rows), CHUNK):
        stmt = dialect.insert(UC).values(rows[start:start + CHUNK])
        stmt = stmt.on_conflict_do_update(index_elements=[UC.c.unit_id, UC.c.month], set_={
            name: stmt.excluded[name] for name in ("colour", "reasons", "rule_version", "hold_until", "computed_at")})
        await session.execute(stmt)
