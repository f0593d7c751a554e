"""Score objects for portal tests: this month's draft run (as of today) and one appeal by the steward."""

from __future__ import annotations

from sqlalchemy import select

from models.accounts.scope import scope_for
from models.core.db import local_today, transaction
from models.core.decision import Actor
from models.scores.appeals import file_appeal
from models.scores.runs import draft_scores
from models.scores.tables import DEDUCTION, SCORE_LINE

STEWARD = Actor("steward", "steward", "王专员")


async def draft_now(rt) -> str:
    """Draft the current month as of today (the office's zone); the month drafted."""
    today = local_today(rt.settings.tz)
    async with transaction(rt.sessions) as session:
        await draft_scores(session, settings=rt.settings, month=f"{today:%Y-%m}", as_of=today)
    return f"{today:%Y-%m}"


async def deductions_of_unit(rt, unit_id: int) -> list[tuple[int, int]]:
    """(deduction id, run id) of a unit, oldest first."""
    async with rt.sessions() as session:
        rows = await session.execute(select(DEDUCTION.c.id, DEDUCTION.c.run_id)
                                     .where(DEDUCTION.c.unit_id == unit_id).order_by(DEDUCTION.c.id))
        return [(r.id, r.run_id) for r in rows]


async def appeal(rt, world, deduction_id: int, reason: str = "该人员已调出") -> int:
    async with transaction(rt.sessions) as session:
        scope = await scope_for(session, account_id=world.steward.id, role="steward")
        return await file_appeal(session, scope=scope, actor=STEWARD, deduction_id=deduction_id, reason=reason,
                                 today=local_today(rt.settings.tz))


async def score_objects(rt, world) -> dict[str, int]:
    """A draft run with the steward's unit in it, one deduction appealed and one free to appeal."""
    await draft_now(rt)
    (appealed, run_id), (free, _) = (await deductions_of_unit(rt, world.units["C1-A"]))[:2]
    async with rt.sessions() as session:
        assert await session.scalar(select(SCORE_LINE.c.id).where(SCORE_LINE.c.run_id == run_id))
    return {"score_run": run_id, "deduction": free, "score_appeal": await appeal(rt, world, appealed)}
