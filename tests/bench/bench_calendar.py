"""Benchmark: a calendar change recomputing the deadlines of 130,000 live warnings (PostgreSQL).

Command (PostgreSQL on 127.0.0.1; uses database ``bzops_calbench``, dropped afterwards)::

    .venv/bin/python tests/bench/bench_calendar.py [--warnings 130000]

What it sets up: ``--warnings`` open warnings over every catalogue rule with a deadline, detected
over the last 90 days, anchor-based ones with anchors spread over a year (many distinct starts),
their due dates computed as the scan computes them (``models.warnings.deadlines``).

What it does, each through ``change_calendar`` in its own transaction, as the CLI and the page do:
``day``: an admin turns a working day three days ahead into a holiday (most windows hold it);
``restore``: the same day restored; ``notice``: a 2027 notice imported and the year marked entered
(every window reaching into 2027 loses its 估算).

What it prints (one JSON line on stdout): ``warnings``, and for each change ``<name>_moved`` (the
deadlines that moved) and ``<name>_s`` (wall seconds of the whole transaction, commit included).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models.core.bulk import insert_rows
from models.core.calendar import CalendarChange, DayEntry, load_calendar
from models.core.db import transaction, utcnow
from models.core.runtime import Runtime, runtime
from models.core.settings import Settings
from models.migrate import upgrade
from models.staffing.records import UnitRecord
from models.staffing.unit_writer import unit_code_map, write_units
from models.warnings.calendar_change import change_calendar
from models.warnings.config import load_rules
from models.warnings.deadlines import Deadlines, start_day
from models.warnings.tables import WARNING
from tests.bench.common import DATA_KEY, SECRET_KEY, emit, fresh_pg_database, log

TODAY = date(2026, 11, 23)
NOTICE_2027 = (DayEntry(date(2027, 1, 1), False, "元旦"),
               *(DayEntry(date(2027, 2, 5) + timedelta(days=i), False, "春节") for i in range(7)),
               DayEntry(date(2027, 2, 14), True, "春节调休"))


async def build(rt: Runtime, total: int) -> None:
    async with transaction(rt.sessions) as session:
        await write_units(session, [UnitRecord(code="B1", name="基准机构", level="50", kind="gov")])
        unit_id = (await unit_code_map(session))["B1"]
        rules = [r for r in await load_rules(session) if r.deadline_days]
        deadlines = Deadlines(await load_calendar(session))
        now, rows = utcnow(), []
        for n in range(total):
            rows.append(_row(n, rules[n % len(rules)], unit_id, deadlines, now))
            if len(rows) == 10_000:
                await insert_rows(session, WARNING, rows)
                rows = []
        await insert_rows(session, WARNING, rows)
    log(f"{total} warnings written")


def _row(n: int, active: Any, unit_id: int, deadlines: Deadlines, now: Any) -> dict[str, Any]:
    detected = TODAY - timedelta(days=n % 90)
    anchor = None if active.rule.due_from == "detected" else detected - timedelta(days=(n * 7) % 400)
    due, estimated = deadlines.due(start_day(active.rule.due_from, anchor, detected), active.deadline_days)
    return {"fingerprint": f"{active.code}:p{n}", "rule_code": active.code, "rule_version": 1,
            "severity": active.severity, "unit_id": unit_id, "person_id": None, "subject": f"p{n}",
            "evidence": {}, "status": "open", "anchor": anchor, "due_date": due, "due_estimated": estimated,
            "detected_at": now, "detected_on": detected, "created_scan_id": 0, "reopen_count": 0,
            "escalation_level": 0, "version": 1, "updated_at": now}


async def timed(rt: Runtime, name: str, change: CalendarChange, result: dict[str, Any]) -> None:
    started = time.perf_counter()
    async with transaction(rt.sessions) as session:
        result[f"{name}_moved"] = await change_calendar(session, change=change, actor="bench")
    result[f"{name}_s"] = round(time.perf_counter() - started, 2)
    log(f"{name}: {result[f'{name}_moved']} moved in {result[f'{name}_s']} s")


async def bench(url: str, total: int) -> dict[str, Any]:
    settings = Settings.load(env="test", database_url=url, redis_url="redis://127.0.0.1:6379/9",
                             var_dir=Path(tempfile.mkdtemp()), secret_key=SECRET_KEY, data_key=DATA_KEY)
    async with runtime(settings) as rt:
        await upgrade(rt.engine, settings)
        await build(rt, total)
        result: dict[str, Any] = {"warnings": total}
        day = TODAY + timedelta(days=3)
        await timed(rt, "day", CalendarChange("set", set_days=(DayEntry(day, False, "基准"),)), result)
        await timed(rt, "restore", CalendarChange("unset", unset_days=(day,)), result)
        await timed(rt, "notice", CalendarChange("import", set_days=NOTICE_2027, entered={2027: True}), result)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description="deadlines recomputed by a calendar change")
    parser.add_argument("--warnings", type=int, default=130_000)
    args = parser.parse_args()
    with fresh_pg_database("bzops_calbench") as url:
        emit(asyncio.run(bench(url, args.warnings)))


if __name__ == "__main__":
    main()
