"""Home page benchmark (首页): GET / for stewards and officers at once against a real ``bzops web`` on a
seeded PostgreSQL database, after a full scan and the month's 三色 run; prints ONE JSON line.

Run (progress on stderr)::

    .venv/bin/python tests/bench/bench_home.py                    # 1,000,000 persons, 50,000 units
    .venv/bin/python tests/bench/bench_home.py --persons 20000 --units 1000

``--clients`` (50) logged-in clients: four in five are stewards of one unit each, the rest officers
of a city (depth 1, everything below); each asks for ``/`` ``--requests`` times, one every
``--interval`` seconds. Goal: p99 ≤ 100 ms. The database (``--db``) is created and dropped by the run
unless ``--keep``; ``--reuse`` starts from a kept one of the same size; ``--redis`` names the Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp

if __package__ in (None, ""):  # run as a script: make the project (and tests.bench) importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_actions import PASSWORD, Officer, clients, drive, free_port, percentiles, wait_up
from tests.bench.common import (
    BZOPS,
    DATA_KEY,
    REDIS_URL,
    SECRET_KEY,
    bzops,
    bzops_env,
    emit,
    fetch,
    kept_pg_database,
    log,
)


async def add_people(settings: Any, stewards: list[tuple[str, str]], cities: list[tuple[str, str]],
                     count: int) -> list[Officer]:
    """``count`` accounts: stewards of one unit each, every fifth an officer of a city."""
    from models.accounts.store import ScopeSpec, create_account, get_account
    from models.core.db import transaction
    from models.core.runtime import runtime

    async with runtime(settings) as rt, transaction(rt.sessions) as session:
        people = []
        for n in range(count):
            officer = n % 5 == 4
            code, path = (cities[n % len(cities)] if officer else stewards[n % len(stewards)])
            login, role = f"home-{'o' if officer else 's'}-{n}", "officer" if officer else "steward"
            account = await get_account(session, login=login) or await create_account(
                session, login=login, display_name=f"压测{n}", role=role, password=PASSWORD,
                scopes=[ScopeSpec(code, officer)], actor="bench")
            people.append(Officer(login, account.id or 0, "", path))
        return people


async def measure(bases: list[str], people: list[Officer], requests: int, interval: float) -> dict[str, Any]:
    pool = await clients(bases, people)
    try:
        async def get_home(session: aiohttp.ClientSession, _csrf: str, _job: Any) -> int:
            async with session.get("/") as answer:
                await answer.read()
                return answer.status
        runs = await drive([list(range(requests)) for _ in pool], pool, get_home, interval)
    finally:
        await asyncio.gather(*(s.close() for s, _ in pool))
    return {**percentiles([t for _, t, _ in runs]), "errors": sum(1 for *_, s in runs if s != 200)}


def run(opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    from models.core.settings import Settings

    with kept_pg_database(opts.db, persons=opts.persons, keep=opts.keep, reuse=opts.reuse) as (url, reused):
        env = bzops_env(url, work / "var") | {"BZOPS_REDIS_URL": opts.redis}
        if not reused:
            bzops(env, "migrate")
            log(f"seed: {opts.persons} persons in {opts.units} units")
            bzops(env, "seed", "--units", str(opts.units), "--persons", str(opts.persons), "--seed", "7")
            fetch(url, "ANALYZE")
            log("full scan, 三色")
            bzops(env, "scan", "--full")
            last_month = date.today().replace(day=1) - timedelta(days=1)
            bzops(env, "colours", "--month", f"{last_month:%Y-%m}")
        stewards = [(str(c), str(p)) for c, p in fetch(url, "SELECT code, path FROM unit WHERE depth >= 2 ORDER BY id")]
        cities = [(str(c), str(p)) for c, p in fetch(url, "SELECT code, path FROM unit WHERE depth = 1 ORDER BY id")]
        settings = Settings.load(env="test", database_url=url, redis_url=opts.redis, var_dir=work / "var",
                                 data_key=DATA_KEY, secret_key=SECRET_KEY)
        people = asyncio.run(add_people(settings, stewards, cities, opts.clients))
        port = free_port() + 10
        processes = [subprocess.Popen([BZOPS, "web", "--port", str(port + n)], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, cwd=Path(__file__).resolve().parents[2])
                     for n in range(opts.web_processes)]
        try:
            bases = [f"http://127.0.0.1:{port + n}" for n in range(opts.web_processes)]
            for base in bases:
                asyncio.run(wait_up(base))
            log(f"home: {opts.clients} clients × {opts.requests} GET /, every {opts.interval} s")
            figures = asyncio.run(measure(bases, people, opts.requests, opts.interval))
        finally:
            for process in processes:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)
    return {"bench": "home", "persons": opts.persons, "units": opts.units, "reused": reused,
            "clients": opts.clients, "web_processes": opts.web_processes, "interval_s": opts.interval,
            "home": figures}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--web-processes", type=int, default=2)
    parser.add_argument("--db", default="bzops_bench_home")
    parser.add_argument("--redis", default=REDIS_URL)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    return parser.parse_args()


def main() -> None:
    opts = parse_args()
    with tempfile.TemporaryDirectory(prefix="bzops-bench-home-") as tmp:
        result = run(opts, Path(tmp))
    p99 = result["home"]["p99_ms"]
    result["goals"] = {"home_p99_ms": {"goal": 100, "value": p99, "pass": p99 <= 100}}
    result["pass"] = result["goals"]["home_p99_ms"]["pass"] and result["home"]["errors"] == 0
    emit(result)


if __name__ == "__main__":
    main()
