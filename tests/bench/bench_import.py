"""Import benchmark: generate, seed and import 机构编制实名制 data; prints ONE JSON line on stdout.

Run (progress goes to stderr; about 4 minutes at full size on two cores)::

    .venv/bin/python tests/bench/bench_import.py
    .venv/bin/python tests/bench/bench_import.py --persons 1000000 --units 50000 --sqlite-persons 100000

What is measured, each step a real ``bzops`` subprocess (wall time and the peak RSS of that very
process, see ``common.run_measured``), in fresh databases created and dropped by the run:

PostgreSQL (127.0.0.1:5432, user postgres)
  * ``seed_db``: ``bzops seed`` straight into an empty, migrated database (``--seed-db-persons``,
    default 100,000 in persons/20 units): rows/s of generation + PersonWriter COPY, one transaction;
  * ``files``: ``bzops seed --to-files`` for ``--persons`` in ``--units`` (default 1,000,000 in
    50,000): seconds, rows/s and bytes of the CSV files;
  * ``import_units`` / ``import_persons``: ``bzops import units|persons`` of those files into another
    empty database: wall seconds, rows/s, peak RSS; the row counts are checked with SQL.
SQLite (a temporary file): the same four figures for ``--sqlite-persons`` (default 100,000).

Goals (PostgreSQL, full size): the persons import takes at most 120 s wall and 1.5 GiB peak RSS;
``pass`` is true when both hold. Use ``--skip-sqlite`` or ``--skip-seed-db`` to run parts only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project (and tests.bench) importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import GIB, Measured, bzops, bzops_env, emit, fresh_pg_database, log, rate, scalar

GOAL_SECONDS = 120.0
GOAL_RSS = 1.5 * GIB


def figures(measured: Measured, rows: int) -> dict[str, Any]:
    return {"rows": rows, "seconds": round(measured.seconds, 2), "rows_per_s": rate(rows, measured.seconds),
            "peak_rss_mib": measured.peak_rss_mib}


def seed_args(persons: int, units: int, opts: argparse.Namespace) -> list[str]:
    return ["seed", "--units", str(units), "--persons", str(persons), "--seed", str(opts.seed),
            "--as-of", opts.as_of]


def seed_db(url: str, persons: int, units: int, opts: argparse.Namespace, var: Path) -> dict[str, Any]:
    """Seed straight into the empty database at ``url`` (migrated first)."""
    env = bzops_env(url, var)
    bzops(env, "migrate")
    log(f"seed to database: {persons} persons in {units} units")
    measured = bzops(env, *seed_args(persons, units, opts))
    stored = scalar(url, "SELECT count(*) FROM person")
    assert stored == persons, f"seed stored {stored} persons, expected {persons}"
    return figures(measured, persons)


def seed_files(out: Path, persons: int, units: int, opts: argparse.Namespace, var: Path) -> dict[str, Any]:
    log(f"seed to files: {persons} persons in {units} units -> {out}")
    env = bzops_env("sqlite+aiosqlite:///" + str(var / "unused.db"), var)
    measured = bzops(env, *seed_args(persons, units, opts), "--to-files", str(out))
    result = figures(measured, persons)
    result["bytes"] = sum(f.stat().st_size for f in out.glob("*.csv"))
    return result


def import_files(url: str, files: Path, persons: int, units: int, var: Path) -> dict[str, Any]:
    """Import units.csv, bodies.csv (内设机构, which persons name) then persons.csv into the empty
    database at ``url``."""
    env = bzops_env(url, var)
    bzops(env, "migrate")
    log("import units")
    unit_run = bzops(env, "import", "units", str(files / "units.csv"))
    log("import bodies")
    bzops(env, "import", "bodies", str(files / "bodies.csv"))
    log("import persons")
    person_run = bzops(env, "import", "persons", str(files / "persons.csv"))
    counted = (scalar(url, "SELECT count(*) FROM unit"), scalar(url, "SELECT count(*) FROM person"))
    assert counted == (units, persons), f"imported {counted}, expected {(units, persons)}"
    events = scalar(url, "SELECT count(*) FROM person_event WHERE kind = 'create'")
    assert events == persons, f"{events} create events for {persons} persons"
    log(f"persons import: {person_run.seconds:.1f} s, peak RSS {person_run.peak_rss_mib} MiB")
    return {"import_units": figures(unit_run, units), "import_persons": figures(person_run, persons)}


def postgresql(opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    result: dict[str, Any] = {"persons": opts.persons, "units": opts.units}
    if not opts.skip_seed_db:
        with fresh_pg_database("bzops_bench_seed") as url:
            seed_units = max(1, opts.seed_db_persons // 20)
            result["seed_db"] = seed_db(url, opts.seed_db_persons, seed_units, opts, work / "var-seed")
    files = work / "files"
    result["files"] = seed_files(files, opts.persons, opts.units, opts, work / "var-files")
    with fresh_pg_database("bzops_bench_import") as url:
        result.update(import_files(url, files, opts.persons, opts.units, work / "var-import"))
    persons = result["import_persons"]
    result["goals"] = {
        "persons_import_seconds": {"goal": GOAL_SECONDS, "value": persons["seconds"],
                                   "pass": persons["seconds"] <= GOAL_SECONDS},
        "persons_import_peak_rss_mib": {"goal": GOAL_RSS / 1024 ** 2, "value": persons["peak_rss_mib"],
                                        "pass": persons["peak_rss_mib"] * 1024 ** 2 <= GOAL_RSS},
    }
    return result


def sqlite(opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    persons, units = opts.sqlite_persons, max(1, opts.sqlite_persons // 20)
    result: dict[str, Any] = {"persons": persons, "units": units}
    if not opts.skip_seed_db:
        url = f"sqlite+aiosqlite:///{work / 'seed.db'}"
        result["seed_db"] = seed_db(url, persons, units, opts, work / "var-sqlite-seed")
    files = work / "sqlite-files"
    result["files"] = seed_files(files, persons, units, opts, work / "var-sqlite-files")
    url = f"sqlite+aiosqlite:///{work / 'import.db'}"
    result.update(import_files(url, files, persons, units, work / "var-sqlite-import"))
    return result


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--seed-db-persons", type=int, default=100_000, help="size of the seed-to-database run")
    parser.add_argument("--sqlite-persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", default="2025-06-30", help="the seed's reference date (fixed: reproducible data)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-seed-db", action="store_true")
    return parser.parse_args()


def main() -> None:
    opts = parse_args()
    with tempfile.TemporaryDirectory(prefix="bzops-bench-import-") as tmp:
        work = Path(tmp)
        result: dict[str, Any] = {"bench": "import", "postgresql": postgresql(opts, work)}
        if not opts.skip_sqlite:
            result["sqlite"] = sqlite(opts, work / "sqlite")
    result["pass"] = all(goal["pass"] for goal in result["postgresql"]["goals"].values())
    emit(result)


if __name__ == "__main__":
    main()
