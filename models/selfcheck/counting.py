"""Which self-checks count (计入本月自查), read by the locks, the scores, the home page and reminders.

A check counts when it finished with every section opened and, when ``selfcheck_min_days_apart``
is above 0, at least that many office-zone days after the previous counting check of the same
month. That is decided once, when the check finishes (:func:`counting_verdict`), and stored in
``self_check.counts``: a month's count read later never changes with a setting. ``month`` is
"YYYY-MM" of the finish in the office time zone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.selfcheck.tables import SELF_CHECK as C

NOT_OPENED = "未逐项查看，不计入本月自查"
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class CheckSummary:
    """One check as the other capabilities read it: who, when, what was confirmed and fixed."""

    id: int
    unit_id: int
    login: str
    month: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    counts: bool
    not_counted: str | None
    confirmed: int
    fixed: int
    duration_s: int | None


def month_of(moment: datetime, tz: str) -> str:
    """The office-zone month "YYYY-MM" of an instant."""
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m")


def check_month(month: str) -> str:
    """``month`` if it reads "YYYY-MM", else a Chinese error."""
    if not MONTH_PATTERN.match(month):
        raise ValueError(f"月份格式应为 YYYY-MM：{month}")
    return month


async def checks_by_unit(session: AsyncSession, *, month: str,
                         unit_ids: Collection[int] | None = None) -> dict[int, int]:
    """Counting checks per unit in ``month``; units without one are absent (read ``.get(id, 0)``)."""
    stmt = (select(C.c.unit_id, func.count()).where(C.c.month == check_month(month), C.c.counts.is_(True))
            .group_by(C.c.unit_id))
    if unit_ids is not None:
        if not unit_ids:
            return {}
        stmt = stmt.where(C.c.unit_id.in_(list(unit_ids)))
    return {int(unit): int(n) for unit, n in (await session.execute(stmt)).all()}


async def last_check(session: AsyncSession, *, unit_id: int) -> CheckSummary | None:
    """The unit's most recently finished check, counting or not (``counts`` says which)."""
    stmt = (select(C).where(C.c.unit_id == unit_id, C.c.status == "finished")
            .order_by(C.c.finished_at.desc(), C.c.id.desc()).limit(1))
    row = (await session.execute(stmt)).mappings().first()
    return summary_of(row) if row else None


def summary_of(row: Mapping[Any, Any]) -> CheckSummary:
    sections: dict[str, Any] = row["sections"] or {}
    return CheckSummary(
        id=row["id"], unit_id=row["unit_id"], login=row["login"], month=row["month"], status=row["status"],
        started_at=row["started_at"], finished_at=row["finished_at"], counts=bool(row["counts"]),
        not_counted=row["not_counted"], confirmed=sum(1 for s in sections.values() if s.get("confirmed")),
        fixed=sum(int(s.get("fixed") or 0) for s in sections.values()), duration_s=row["duration_s"])


async def counting_verdict(session: AsyncSession, *, unit_id: int, month: str, finished_on: date, all_opened: bool,
                           min_days_apart: int, tz: str) -> str | None:
    """Why a check finishing on ``finished_on`` would not count, or None when it counts."""
    if not all_opened:
        return NOT_OPENED
    if min_days_apart <= 0:
        return None
    stmt = select(func.max(C.c.finished_at)).where(C.c.unit_id == unit_id, C.c.month == month, C.c.counts.is_(True))
    previous = (await session.execute(stmt)).scalar_one_or_none()
    if previous is None:
        return None
    gap = (finished_on - previous.astimezone(ZoneInfo(tz)).date()).days
    return None if gap >= min_days_apart else f"距本月上次有效自查不足{min_days_apart}天，不计入本月自查"
