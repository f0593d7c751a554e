"""Reading colours: a unit's latest and its history (the unit page), the latest month's colours of
many units at once (lists), and the red hold that approvals asks about (暂缓审批)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.colours.rules import COLOUR_LABELS, COLOUR_MEANING, way_out
from models.colours.tables import UNIT_COLOUR as UC


@dataclass(frozen=True)
class ColourView:
    unit_id: int
    month: str
    colour: str
    reasons: list[dict[str, Any]]
    rule_version: str
    hold_until: date | None
    computed_at: datetime

    @property
    def label(self) -> str:
        return COLOUR_LABELS[self.colour]

    @property
    def meaning(self) -> str:
        return COLOUR_MEANING[self.colour]

    @property
    def month_label(self) -> str:
        year, month = self.month.split("-")
        return f"{year}年{int(month)}月"

    @property
    def way_out(self) -> dict[str, list[str]]:
        return way_out(self.colour, self.reasons)


def _view(row: Any) -> ColourView:
    return ColourView(row.unit_id, row.month, row.colour, list(row.reasons), row.rule_version, row.hold_until,
                      row.computed_at)


async def unit_history(session: AsyncSession, *, unit_id: int, limit: int = 12) -> list[ColourView]:
    """The unit's colours, newest month first."""
    rows = await session.execute(select(UC).where(UC.c.unit_id == unit_id).order_by(UC.c.month.desc()).limit(limit))
    return [_view(r) for r in rows]


async def latest_colours(session: AsyncSession, *, unit_ids: Collection[int]) -> dict[int, ColourView]:
    """{unit_id: colour} of the latest computed month, for the units listed on a page."""
    if not unit_ids:
        return {}
    month = (await session.execute(select(func.max(UC.c.month)))).scalar()
    if month is None:
        return {}
    rows = await session.execute(select(UC).where(UC.c.month == month, UC.c.unit_id.in_(list(unit_ids))))
    return {r.unit_id: _view(r) for r in rows}


async def red_hold(session: AsyncSession, *, unit_id: int, today: date) -> ColourView | None:
    """The unit's latest colour when it is red and its hold still runs on ``today``, else None."""
    row = (await session.execute(select(UC).where(UC.c.unit_id == unit_id).order_by(UC.c.month.desc())
                                 .limit(1))).first()
    if row is None or row.colour != "red" or row.hold_until is None or row.hold_until < today:
        return None
    return _view(row)
