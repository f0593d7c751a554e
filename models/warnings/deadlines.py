"""Warning deadlines: working days from a start that never lies before the problem was first found.

Detection-based rules count from the scan that opens the warning (or reopens it: the problem came
back, the count starts again). Anchor-based rules (A10, B3, B5, B6, D2) count from an event in the
data: 入编, the end of the month the retirement age is reached, 退休 or another exit, 职数核定. On
old data that gives deadlines long past on the very day the rule first reports them ("整改期限
1992-06-18 已逾期"), so their count starts on the later of the anchor and the *floor*:

* the rule's effective date (param ``effective_from``), when an admin configured one; otherwise
* the day the warning was first detected (``warning.detected_on``: kept by re-detection and by
  reopening), or this scan's day for a warning not seen before.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.workdays import WorkCalendar
from models.warnings.config import ActiveRule
from models.warnings.rules.base import EFFECTIVE_FROM
from models.warnings.tables import WARNING as W


class Deadlines:
    """Due dates in working days, memoised: hits of one rule share few distinct starts."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self._cache: dict[tuple[date, int], tuple[date, bool]] = {}

    def due(self, start: date, days: int) -> tuple[date, bool]:
        key = (start, days)
        if key not in self._cache:
            self._cache[key] = self.calendar.add_workdays(start, days)
        return self._cache[key]

    async def assign(self, session: AsyncSession, active: ActiveRule, hits: Sequence[dict[str, Any]],
                     as_of: date) -> None:
        """Fill ``due_date`` and ``due_estimated`` of one batch of staged hits of ``active``."""
        floors = await _floors(session, active, [h["fingerprint"] for h in hits])
        for hit in hits:
            floor = floors.get(hit["fingerprint"], as_of)
            hit["due_date"], hit["due_estimated"] = self.due_of(active, hit["anchor"], floor)

    def due_of(self, active: ActiveRule, anchor: date | None, floor: date) -> tuple[date | None, bool]:
        if active.deadline_days is None:
            return None, False
        return self.due(start_day(active.rule.due_from, anchor, floor), active.deadline_days)


def start_day(due_from: str, anchor: date | None, floor: date) -> date:
    """Where the count of working days starts: the anchor (or its month's end), never before ``floor``."""
    if due_from == "detected" or anchor is None:
        return floor
    start = month_end(anchor) if due_from == "anchor_month_end" else anchor
    return max(start, floor)


def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def effective_from(params: dict[str, Any]) -> date | None:
    """The configured effective date of a rule, or None (params hold it as "YYYY-MM-DD" or "")."""
    text = params.get(EFFECTIVE_FROM) or ""
    return date.fromisoformat(text) if text else None


async def _floors(session: AsyncSession, active: ActiveRule, fingerprints: list[str]) -> dict[str, date]:
    """The floor of each hit that has one other than this scan's day (see the module docstring)."""
    if active.deadline_days is None or active.rule.due_from == "detected" or not fingerprints:
        return {}  # counted from this scan's day (new) or kept as first set (merge leaves it)
    configured = effective_from(active.params)
    if configured is not None:
        return dict.fromkeys(fingerprints, configured)
    rows = await session.execute(select(W.c.fingerprint, W.c.detected_on).where(W.c.fingerprint.in_(fingerprints)))
    return {fingerprint: detected for fingerprint, detected in rows}
