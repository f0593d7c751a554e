"""Scan benchmark: full and incremental rule scans over a seeded database; prints ONE JSON line.

Run (progress goes to stderr; about 3 minutes at full size)::

    .venv/bin/python tests/bench/bench_scan.py
    .venv/bin/python tests/bench/bench_scan.py --persons 1000000 --units 50000 --changes 1000

Steps, in a fresh PostgreSQL database (``bzops_bench_scan``, created and dropped by the run):

1. ``bzops seed`` straight into the database (default defect rate), then ``ANALYZE``: the
   statistics autovacuum would have gathered by the time a scan runs (this server may run with
   ``autovacuum = off``; without any statistics PostgreSQL plans blind).
2. ``floor``: one pass reading every person joined to its unit
   (``SELECT count(*) FROM person JOIN unit ON unit.id = person.unit_id``), best of three.
3. ``full``: ``bzops scan --full --as-of D`` as a subprocess: wall time and peak RSS of that
   process, and the scan's own duration (``scan_run.started_at`` → ``finished_at``, i.e. without
   the ~1 s the CLI needs to start Python); warnings per rule by SQL, next to the counts in the
   seed's defect manifest.
4. ``change``: ``--changes`` random active persons with a complete profile lose their 学历, written
   through ``PersonWriter`` (so updated_at moves and update events are logged, as an import does);
   each must raise exactly one new A10 warning.
5. ``incremental``: ``bzops scan --as-of D`` (same figures as the full scan); then ``rescan``: a
   second full scan, which must find nothing new, changed, reopened or resolved (incremental ==
   full), and shows the steady-state full scan with warnings already in place.

Goals: full scan ≤ 60 s, incremental scan ≤ 2 s (the scans' own durations), peak RSS of a scanning
process ≤ 1 GiB. ``pass`` is true when all hold and the checks of steps 3–5 agree.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project (and tests.bench) importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import (
    DATA_KEY,
    GIB,
    SECRET_KEY,
    Measured,
    bzops,
    bzops_env,
    emit,
    fetch,
    fresh_pg_database,
    log,
    rate,
    timed_query,
)

LIVE = "('open', 'acknowledged', 'snoozed', 'disputed')"
FLOOR_SQL = "SELECT count(*) FROM person JOIN unit ON unit.id = person.unit_id"
# Active, in establishment, entered by the as-of day, profile complete: clearing 学历 makes an A10 hit.
CANDIDATES = """SELECT id FROM person WHERE in_est AND status = 'active' AND entry_date <= '{as_of}'
  AND sex IS NOT NULL AND birth_date IS NOT NULL AND est_type IS NOT NULL AND identity IS NOT NULL
  AND post_unit_id IS NOT NULL AND post_title IS NOT NULL AND education IS NOT NULL AND mobile_hash IS NOT NULL
  ORDER BY md5(id::text || '{seed}') LIMIT {count}"""
GOAL_FULL, GOAL_INCREMENTAL, GOAL_RSS = 60.0, 2.0, 1 * GIB


def scan(env: dict[str, str], url: str, as_of: str, full: bool) -> dict[str, Any]:
    """One ``bzops scan`` subprocess, with the outcome the scan recorded in ``scan_run``."""
    measured: Measured = bzops(env, "scan", *(["--full"] if full else []), "--as-of", as_of)
    kind, seconds, counts = fetch(url, "SELECT kind, extract(epoch FROM finished_at - started_at), counts "
                                       "FROM scan_run ORDER BY id DESC LIMIT 1")[0]
    counts = json.loads(counts) if isinstance(counts, str) else counts
    result = {"kind": kind, "scan_seconds": round(float(seconds), 2), "process_seconds": round(measured.seconds, 2),
              "peak_rss_mib": measured.peak_rss_mib, "scoped_units": counts.get("scoped_units")}
    result.update({k: counts[k] for k in ("hits", "new", "updated", "reopened", "resolved")})
    log(f"{kind} scan: {result['scan_seconds']} s ({result['process_seconds']} s process), "
        f"{result['hits']} hits, {result['new']} new, peak RSS {result['peak_rss_mib']} MiB")
    return result


def warnings_by_rule(url: str, manifest: Path) -> dict[str, Any]:
    """Live warnings per rule, next to the defects the seed injected for that rule (its manifest)."""
    from models.warnings.rules.catalogue import CATALOGUE

    rows = fetch(url, f"SELECT rule_code, count(*) FROM warning WHERE status IN {LIVE} GROUP BY 1 ORDER BY 1")
    found = {code: int(n) for code, n in rows}
    by_kind = {code.split("_", 1)[0]: code for code in CATALOGUE}
    injected = {by_kind[kind]: n for kind, n in json.loads(manifest.read_text(encoding="utf-8"))["counts"].items()
                if n and kind in by_kind}
    return {"found": found, "injected": injected,
            "all_injected_found": all(found.get(code, 0) >= n for code, n in injected.items())}


async def _change(url: str, count: int, as_of: str, seed: int, var: Path) -> float:
    """Clear 学历 of ``count`` persons through PersonWriter, as one transaction; returns seconds."""
    import time

    from sqlalchemy import select, text

    from models.core.db import transaction
    from models.core.runtime import runtime
    from models.core.settings import Settings
    from models.staffing.person_writer import PersonWriter, WriteContext
    from models.staffing.persons import PERSON, UNIT, to_record
    from models.staffing.unit_writer import unit_code_map

    settings = Settings.load(database_url=url, data_key=DATA_KEY, secret_key=SECRET_KEY, var_dir=var, env="test")
    async with runtime(settings) as rt, transaction(rt.sessions) as session:
        sql = CANDIDATES.format(as_of=as_of, seed=seed, count=count)
        ids = list((await session.execute(text(sql))).scalars())
        unit, post = UNIT.alias("u"), UNIT.alias("p")
        query = (select(PERSON, unit.c.code.label("unit_code"), post.c.code.label("post_code"))
                 .join(unit, unit.c.id == PERSON.c.unit_id).outerjoin(post, post.c.id == PERSON.c.post_unit_id)
                 .where(PERSON.c.id.in_(ids)))
        records = [to_record(row._mapping, rt.cipher) for row in await session.execute(query)]
        for record in records:
            record.education = None
        started = time.perf_counter()
        ctx = WriteContext(rt.cipher, await unit_code_map(session), "import", "bench")
        counts = await PersonWriter(session, ctx).write(records)
        assert counts.updated == count, f"changed {counts.updated} persons, wanted {count}"
        return time.perf_counter() - started


def goals(full: dict[str, Any], incremental: dict[str, Any], rescan: dict[str, Any]) -> dict[str, Any]:
    rss = max(full["peak_rss_mib"], incremental["peak_rss_mib"], rescan["peak_rss_mib"])
    return {
        "full_scan_seconds": {"goal": GOAL_FULL, "value": full["scan_seconds"],
                              "pass": full["scan_seconds"] <= GOAL_FULL},
        "incremental_scan_seconds": {"goal": GOAL_INCREMENTAL, "value": incremental["scan_seconds"],
                                     "pass": incremental["scan_seconds"] <= GOAL_INCREMENTAL},
        "scan_peak_rss_mib": {"goal": GOAL_RSS / 1024 ** 2, "value": rss, "pass": rss * 1024 ** 2 <= GOAL_RSS},
    }


def checks(opts: argparse.Namespace, by_rule: dict[str, Any], incremental: dict[str, Any],
           rescan: dict[str, Any]) -> dict[str, bool]:
    return {"all_injected_defects_found": by_rule["all_injected_found"],
            "incremental_found_each_change": incremental["kind"] == "incremental"
            and incremental["new"] == opts.changes,
            "incremental_equals_full": all(rescan[k] == 0 for k in ("new", "updated", "reopened", "resolved"))}


def run(opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    with fresh_pg_database("bzops_bench_scan") as url:
        env = bzops_env(url, work / "var")
        bzops(env, "migrate")
        log(f"seed to database: {opts.persons} persons in {opts.units} units")
        seeded = bzops(env, "seed", "--units", str(opts.units), "--persons", str(opts.persons),
                       "--seed", str(opts.seed), "--as-of", opts.as_of)
        fetch(url, "ANALYZE")
        floor = timed_query(url, FLOOR_SQL)
        log(f"floor: {min(floor):.3f} s (runs {', '.join(f'{s:.3f}' for s in floor)})")
        full = scan(env, url, opts.as_of, full=True)
        by_rule = warnings_by_rule(url, work / "var" / "seed-defects.json")
        log(f"change {opts.changes} persons")
        change_seconds = asyncio.run(_change(url, opts.changes, opts.as_of, opts.seed, work / "var"))
        incremental = scan(env, url, opts.as_of, full=False)
        rescan = scan(env, url, opts.as_of, full=True)
    floor_seconds = round(min(floor), 3)
    return {
        "bench": "scan", "persons": opts.persons, "units": opts.units, "as_of": opts.as_of,
        "seed": {"seconds": round(seeded.seconds, 2), "rows_per_s": rate(opts.persons, seeded.seconds)},
        "floor": {"sql": FLOOR_SQL, "seconds": floor_seconds, "runs": [round(s, 3) for s in floor]},
        "full": {**full, "ratio_to_floor": round(full["scan_seconds"] / floor_seconds, 1)},
        "warnings_by_rule": by_rule,
        "change": {"persons": opts.changes, "field": "education -> NULL", "seconds": round(change_seconds, 3)},
        "incremental": incremental, "rescan": rescan,
        "checks": checks(opts, by_rule, incremental, rescan), "goals": goals(full, incremental, rescan),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", default="2025-06-30", help="seed reference day and scan day (fixed)")
    opts = parser.parse_args()
    date.fromisoformat(opts.as_of)
    return opts


def main() -> None:
    opts = parse_args()
    with tempfile.TemporaryDirectory(prefix="bzops-bench-scan-") as tmp:
        result = run(opts, Path(tmp))
    result["pass"] = all(g["pass"] for g in result["goals"].values()) and all(result["checks"].values())
    emit(result)


if __name__ == "__main__":
    main()
