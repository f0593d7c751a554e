"""Drafting a month's scores (idempotent) and recomputing a run's lines from its stored deductions.

``draft_scores`` may run any number of times (the cron on the 1st, the CLI, a re-run after a fix):
runs are keyed (month, region, level) and inserted with ON CONFLICT DO NOTHING; a published run is
never touched; an unpublished run's deductions are synchronised with what the data says now (one
row per object, keyed; a deduction somebody appealed is kept), repriced with today's weights, and
its lines recomputed. Lines are always derived from the stored deductions, so an accepted appeal
only has to mark its deduction removed and recompute.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.bulk import insert_rows, is_postgres
from models.core.db import utcnow
from models.core.settings import Settings
from models.scores.compute import Found, UnitFacts, active_units, deductions, persons_by_unit
from models.scores.period import Period, period_of
from models.scores.ranking import Tally, rank
from models.scores.tables import APPEAL, DEDUCTION, SCORE_EVENT, SCORE_LINE, SCORE_RUN
from models.scores.weights import KINDS, Weights
from models.selfcheck.counting import checks_by_unit
from models.staffing.tables import UNIT

Key = tuple[int, int, str, str, int]  # run, unit, kind, ref type, ref id


@dataclass(frozen=True)
class Drafted:
    month: str
    runs: int        # unpublished runs (re)computed
    frozen: int      # published runs left as they were
    deductions: int
    units: int


async def draft_scores(session: AsyncSession, *, settings: Settings, month: str, as_of: date,
                       actor: str = "system") -> Drafted:
    """Compute (or recompute) every ranking scope's run of ``month`` as seen on ``as_of``."""
    period, weights = period_of(month, as_of=as_of, tz=settings.tz), Weights.from_settings(settings)
    units = await active_units(session)
    runs = await _ensure_runs(session, period, units, actor)
    open_runs = {scope: run_id for scope, (run_id, status) in runs.items() if status != "published"}
    await _refresh_runs(session, period, weights, settings.score_preview_days, list(open_runs.values()))
    scope_of = {u.id: (u.region_code, u.level) for u in units}
    found = [(open_runs[scope_of[f.unit_id]], f) for f in await deductions(session, period, weights)
             if scope_of.get(f.unit_id) in open_runs]
    await _sync_deductions(session, list(open_runs.values()), found, weights)
    by_run = [(run_id, [u for u in units if (u.region_code, u.level) == scope]) for scope, run_id in open_runs.items()]
    await recompute(session, by_run, weights, month)
    await audit.record(session, actor=actor, action="score.drafted", object_type="score_month", object_id=None,
                       detail={"month": month, "as_of": as_of.isoformat(), "runs": len(open_runs)})
    return Drafted(month, len(open_runs), len(runs) - len(open_runs), len(found), len(units))


async def _ensure_runs(session: AsyncSession, period: Period, units: Sequence[UnitFacts],
                       actor: str) -> dict[tuple[str, str], tuple[int, str]]:
    scopes = sorted({(u.region_code, u.level) for u in units})
    if scopes:
        dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
        rows = [{"month": period.month, "region_code": region, "level": level, "status": "draft", "weights": {},
                 "as_of": period.as_of, "units": 0, "created_by": actor, "created_at": utcnow(), "version": 1,
                 "updated_at": utcnow()} for region, level in scopes]
        await session.execute(dialect_insert(SCORE_RUN).values(rows).on_conflict_do_nothing(
            index_elements=["month", "region_code", "level"]))
    query = select(SCORE_RUN.c.id, SCORE_RUN.c.region_code, SCORE_RUN.c.level, SCORE_RUN.c.status).where(
        SCORE_RUN.c.month == period.month)
    return {(r.region_code, r.level): (r.id, r.status) for r in await session.execute(query)}


async def _refresh_runs(session: AsyncSession, period: Period, weights: Weights, preview_days: int,
                        run_ids: list[int]) -> None:
    """Status (draft until the month is over, then preview), as-of and weights of unpublished runs."""
    if not run_ids:
        return
    values: dict[str, Any] = {"status": "preview" if period.complete else "draft", "as_of": period.as_of,
                              "weights": weights.snapshot(), "updated_at": utcnow()}
    if period.complete:
        values["preview_until"] = func.coalesce(SCORE_RUN.c.preview_until, period.as_of + timedelta(days=preview_days))
    await session.execute(update(SCORE_RUN).where(SCORE_RUN.c.id.in_(run_ids), SCORE_RUN.c.status != "published")
                          .values(**values))


async def _sync_deductions(session: AsyncSession, run_ids: list[int], found: list[tuple[int, Found]],
                           weights: Weights) -> None:
    if not run_ids:
        return
    wanted: dict[Key, Found] = {(run_id, f.unit_id, f.kind, f.ref_type, f.ref_id): f for run_id, f in found}
    appealed = select(APPEAL.c.deduction_id)
    query = (select(DEDUCTION.c.id, DEDUCTION.c.run_id, DEDUCTION.c.unit_id, DEDUCTION.c.kind, DEDUCTION.c.ref_type,
                    DEDUCTION.c.ref_id, DEDUCTION.c.id.in_(appealed).label("kept"))
             .where(DEDUCTION.c.run_id.in_(run_ids)))
    existing = {(r.run_id, r.unit_id, r.kind, r.ref_type, r.ref_id): (r.id, r.kept)
                for r in await session.execute(query)}
    gone = [row_id for key, (row_id, kept) in existing.items() if key not in wanted and not kept]
    for start in range(0, len(gone), 5000):
        await session.execute(delete(DEDUCTION).where(DEDUCTION.c.id.in_(gone[start:start + 5000])))
    await insert_rows(session, DEDUCTION, [
        {"run_id": key[0], "unit_id": f.unit_id, "kind": f.kind, "points": weights.points(f.kind),
         "ref_type": f.ref_type, "ref_id": f.ref_id, "note": f.note[:300], "removed": False}
        for key, f in wanted.items() if key not in existing])
    for kind in KINDS:  # reprice what was there already with today's weights
        await session.execute(update(DEDUCTION).where(DEDUCTION.c.run_id.in_(run_ids), DEDUCTION.c.kind == kind)
                              .values(points=weights.points(kind)))


async def recompute(session: AsyncSession, by_run: list[tuple[int, list[UnitFacts]]], weights: Weights,
                    month: str) -> None:
    """Rewrite the lines of each run from its stored deductions (those not removed by an appeal)."""
    run_ids = [run_id for run_id, _ in by_run]
    if not run_ids:
        return
    tallies = await _tallies(session, run_ids)
    persons, checks = await persons_by_unit(session), await checks_by_unit(session, month=month)
    await session.execute(delete(SCORE_LINE).where(SCORE_LINE.c.run_id.in_(run_ids)))
    rows: list[dict[str, Any]] = []
    for run_id, units in by_run:
        counted = [_tally(u, persons.get(u.id, 0), checks.get(u.id, 0), tallies.get((run_id, u.id), {}))
                   for u in units]
        rows += [line.row(run_id) for line in rank(counted, min_persons=weights.min_persons,
                                                   list_size=weights.list_size)]
        await session.execute(update(SCORE_RUN).where(SCORE_RUN.c.id == run_id).values(units=len(units)))
    await insert_rows(session, SCORE_LINE, rows)


async def _tallies(session: AsyncSession, run_ids: list[int]) -> dict[tuple[int, int], dict[str, Any]]:
    query = (select(DEDUCTION.c.run_id, DEDUCTION.c.unit_id, DEDUCTION.c.kind, func.count().label("n"),
                    func.sum(DEDUCTION.c.points).label("points"))
             .where(DEDUCTION.c.run_id.in_(run_ids), DEDUCTION.c.removed.is_(False))
             .group_by(DEDUCTION.c.run_id, DEDUCTION.c.unit_id, DEDUCTION.c.kind))
    found: dict[tuple[int, int], dict[str, Any]] = defaultdict(dict)
    for r in await session.execute(query):
        found[(r.run_id, r.unit_id)][r.kind] = {"count": int(r.n), "points": round(float(r.points), 2)}
    return found


def _tally(unit: UnitFacts, persons: int, checks: int, reasons: dict[str, Any]) -> Tally:
    deducted = round(sum(float(v["points"]) for v in reasons.values()), 2)
    return Tally(unit.id, unit.code, persons, checks, deducted, int(reasons.get("s1", {}).get("count", 0)), reasons)


async def recompute_run(session: AsyncSession, *, run_id: int) -> None:
    """Recompute one unpublished run's lines with the weights it was drafted with (after an appeal)."""
    run = (await session.execute(select(SCORE_RUN).where(SCORE_RUN.c.id == run_id))).one()
    query = (select(UNIT.c.id, UNIT.c.code, UNIT.c.region_code, UNIT.c.level)
             .where(UNIT.c.id.in_(select(SCORE_LINE.c.unit_id).where(SCORE_LINE.c.run_id == run_id))))
    units = [UnitFacts(r.id, r.code, r.region_code or "", r.level) for r in await session.execute(query)]
    await recompute(session, [(run_id, units)], Weights(**run.weights), run.month)


async def record_event(session: AsyncSession, *, run_id: int | None = None, appeal_id: int | None = None,
                       kind: str, actor: str, note: str | None = None) -> None:
    await session.execute(SCORE_EVENT.insert().values(run_id=run_id, appeal_id=appeal_id, at=utcnow(), kind=kind,
                                                      actor=actor, note=note))
