"""The scanner: evaluate every enabled rule, stage the hits, merge them into warnings.

One scan runs in one transaction (on PostgreSQL under an advisory lock, so concurrent scans
queue rather than race). A *full* scan evaluates every rule on all data. An *incremental* scan
evaluates the same queries restricted to ``scan_scope`` (see :mod:`models.scan_scope`) and
resolves only within that scope; it falls back to full when there is no earlier scan or a
rule's settings changed since the last one. A *targeted* scan (``units=[…]``, after a correction)
evaluates every enabled rule on exactly the given units and resolves only there; it is never the
"previous scan" of an incremental one, whose scope is every change since the previous full or
incremental scan began: counting a targeted scan would skip the changes made elsewhere meanwhile.
Deadlines are computed in Python with the working-day calendar (:mod:`models.warnings.deadlines`),
never starting before first detection.

On PostgreSQL the scan keeps the planner's picture true to this scan: it analyzes the tables it
has just filled (and ``warning`` after large changes) and plans the streamed rule queries
without parallel workers, which a cursor cannot use. Wrong estimates there cost minutes, not
milliseconds (an aggregate over every person re-run for each unit in scope).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.bulk import insert_rows, is_postgres
from models.core.calendar import load_calendar
from models.core.db import utcnow
from models.warnings.config import ActiveRule, load_rules
from models.warnings.deadlines import Deadlines
from models.warnings.merge import merge
from models.warnings.quality import recompute
from models.warnings.scope import context_for, fill_scope, fill_units
from models.warnings.tables import SCAN_HIT as HIT
from models.warnings.tables import ScanRun, ScanScope, Warning

SCOPE_TABLE = ScanScope.__tablename__
WARNING_TABLE = Warning.__tablename__
BATCH = 5000
SCAN_LOCK = 7_000_001  # PostgreSQL advisory lock key for "a scan is running"
TARGETED_WAIT = 5.0  # seconds a targeted scan waits for a running scan before giving up (ScanBusy)
KIND_LABELS = {"full": "全量", "incremental": "增量", "targeted": "定向"}


class ScanBusy(RuntimeError):
    """Another scan held the lock for longer than a targeted scan waits; the next scan covers it."""


@dataclass
class ScanOutcome:
    scan_id: int
    kind: str
    as_of: date
    scoped_units: int | None = None
    hits: int = 0
    new: int = 0
    updated: int = 0
    reopened: int = 0
    resolved: int = 0
    unsnoozed: int = 0
    per_rule: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        scope = "全量" if self.kind == "full" else f"{KIND_LABELS.get(self.kind, '')}（{self.scoped_units}个机构）"
        return (f"{scope}扫描完成（{self.as_of}）：命中{self.hits}，新增{self.new}，更新{self.updated}，"
                f"重新打开{self.reopened}，自动解决{self.resolved}（用时 {self.seconds:.1f} 秒）")


async def run_scan(session: AsyncSession, *, as_of: date, full: bool = False,
                   now: datetime | None = None, units: list[int] | None = None) -> ScanOutcome:
    """Run one scan inside the caller's transaction and return what it did; ``units`` makes it a
    targeted scan of those units (raises :class:`ScanBusy` if another scan runs too long)."""
    started = time.monotonic()
    await _lock(session, patient=units is None)
    rules = await load_rules(session)
    previous = await _previous_scan(session)
    run = ScanRun(kind=_kind(full, previous, rules, units), as_of=as_of, rule_versions=_versions(rules),
                  started_at=now or utcnow())
    session.add(run)
    await session.flush()
    assert run.id is not None
    outcome = ScanOutcome(run.id, run.kind, as_of)
    await _evaluate(session, run, rules, previous if units is None else None, outcome, units)
    outcome.seconds = time.monotonic() - started
    await _finish(session, run, outcome)
    return outcome


def _kind(full: bool, previous: ScanRun | None, rules: list[ActiveRule], units: list[int] | None) -> str:
    if units is not None:
        return "targeted"
    return "full" if full or previous is None or previous.rule_versions != _versions(rules) else "incremental"


async def _lock(session: AsyncSession, *, patient: bool) -> None:
    """Scans queue on a PostgreSQL advisory lock. A targeted scan answers a person waiting on a
    page, so it waits at most TARGETED_WAIT for a running scan rather than minutes for a full one."""
    if not is_postgres(session):
        return
    if patient:
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCAN_LOCK})
        return
    deadline = time.monotonic() + TARGETED_WAIT
    while not await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": SCAN_LOCK}):
        if time.monotonic() > deadline:
            raise ScanBusy("scan lock busy")
        await asyncio.sleep(0.05)


def _versions(rules: list[ActiveRule]) -> dict[str, Any]:
    return {r.code: r.version for r in rules}


async def _previous_scan(session: AsyncSession) -> ScanRun | None:
    """The latest finished full or incremental scan (targeted scans cover a few units only)."""
    query = (select(ScanRun).where(ScanRun.status == "done", ScanRun.kind != "targeted")  # type: ignore[arg-type]
             .order_by(ScanRun.id.desc()).limit(1))  # type: ignore[union-attr]
    return (await session.scalars(query)).first()


async def _evaluate(session: AsyncSession, run: ScanRun, rules: list[ActiveRule], previous: ScanRun | None,
                    outcome: ScanOutcome, units: list[int] | None = None) -> None:
    enabled = [r for r in rules if r.enabled]
    scan_id = run.id or 0
    scoped = (run.kind == "incremental" and previous is not None) or units is not None
    prev_as_of = previous.as_of if scoped and previous else None
    if units is not None:
        outcome.scoped_units = await fill_units(session, scan_id=scan_id, units=units)
        await _analyze(session, SCOPE_TABLE)
    elif scoped and previous is not None:
        outcome.scoped_units = await fill_scope(
            session, scan_id=scan_id, since=previous.started_at, rules=enabled,
            ctx_of=lambda a: context_for(a, run.as_of, None, prev_as_of))
        await _analyze(session, SCOPE_TABLE)
    deadlines = Deadlines(await load_calendar(session))
    await _serial_plans(session, True)
    for active in enabled:
        ctx = context_for(active, run.as_of, scan_id if scoped else None, prev_as_of)
        outcome.per_rule[active.code] = await _stage_hits(session, active, ctx, scan_id, deadlines)
    await _serial_plans(session, False)
    outcome.hits = sum(outcome.per_rule.values())
    await _analyze(session, HIT.name)
    counts = await merge(session, scan_id=scan_id, now=run.started_at, as_of=run.as_of,
                         evaluated=[r.code for r in enabled], enabled=[r.code for r in enabled], scoped=scoped)
    for name, value in asdict(counts).items():
        setattr(outcome, name, value)
    await _analyze_warnings(session, counts.new + counts.updated + counts.reopened + counts.resolved)
    await recompute(session, scan_id=scan_id, scoped=scoped, today=run.as_of)


async def _analyze(session: AsyncSession, table: str) -> None:
    """Refresh a table's statistics (PostgreSQL) inside the scan's transaction.

    ``scan_scope`` and ``scan_hit`` are refilled and emptied by every scan, so whatever statistics
    autovacuum last saw say nothing about the rows of this one; with a scope estimated at a few
    units instead of a thousand, the planner re-runs whole aggregates once per unit. ANALYZE
    counts the transaction's own new rows, samples only, and its lock (held to the end of the
    scan) blocks neither readers nor writers, only other ANALYZE, VACUUM and DDL of the table.
    """
    if is_postgres(session):
        await session.execute(text(f"ANALYZE {table}"))


async def _serial_plans(session: AsyncSession, on: bool) -> None:
    """Plan the rule queries without parallel workers (PostgreSQL), as they will run.

    They are streamed through a cursor, which PostgreSQL executes without parallel workers; costed
    as parallel, a sequential scan of every person beats an index walk over an incremental scan's
    thousand units on paper, and then runs alone, ten times slower than the walk.
    """
    if is_postgres(session):
        value = "0" if on else "DEFAULT"
        await session.execute(text(f"SET LOCAL max_parallel_workers_per_gather TO {value}"))


async def _analyze_warnings(session: AsyncSession, changed: int) -> None:
    """ANALYZE ``warning`` when this scan changed more of it than autovacuum's default threshold
    (50 rows + 10%): the quality figures computed next, and the next scans' plans, read it at
    once, and a first full scan turns an empty table into a large one."""
    if not changed or not is_postgres(session):
        return
    known = await session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'warning'::regclass"))
    if changed > 50 + 0.1 * max(float(known or 0), 0.0):
        await _analyze(session, WARNING_TABLE)


async def _stage_hits(session: AsyncSession, active: ActiveRule, ctx: Any, scan_id: int, deadlines: Deadlines) -> int:
    result = await session.stream(active.rule.query(ctx))
    columns = list(result.keys())  # dict(RowMapping) rebuilds the key view for every row: 30 µs a hit
    staged = 0
    async for rows in result.partitions(BATCH):
        hits = [_hit_row(active, dict(zip(columns, row, strict=True)), scan_id) for row in rows]
        await deadlines.assign(session, active, hits, ctx.as_of)
        await insert_rows(session, HIT, hits)
        staged += len(hits)
    return staged


def _hit_row(active: ActiveRule, row: dict[str, Any], scan_id: int) -> dict[str, Any]:
    subject = f"p{row['person_id']}" if row["person_id"] is not None else f"u{row['unit_id']}"
    if row["key"] is not None:
        subject += f":{row['key']}"
    evidence = {k[3:]: _plain(v) for k, v in row.items() if k.startswith("ev_")}
    return {"scan_id": scan_id, "fingerprint": f"{active.code}:{subject}", "rule_code": active.code,
            "rule_version": active.version, "severity": row["severity"] or active.severity,
            "unit_id": row["unit_id"], "person_id": row["person_id"], "subject": subject, "evidence": evidence,
            "anchor": row["anchor"], "due_date": None, "due_estimated": False,
            "due_from_anchor": active.rule.due_from != "detected"}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def _finish(session: AsyncSession, run: ScanRun, outcome: ScanOutcome) -> None:
    await session.execute(delete(HIT).where(HIT.c.scan_id == run.id))
    await session.execute(delete(ScanScope).where(ScanScope.scan_id == run.id))  # type: ignore[arg-type]
    counts = {k: v for k, v in asdict(outcome).items() if k not in ("scan_id", "kind", "as_of")}
    await session.execute(update(ScanRun).where(ScanRun.id == run.id).values(  # type: ignore[arg-type]
        status="done", finished_at=utcnow(), scoped_units=outcome.scoped_units, counts=counts))
