"""Approval-item benchmark: submitting 用编 items (with their quota pre-check) from 50 concurrent
clients, and one 50-signer 会签 step decided by 50 officers at once; prints ONE JSON line.

Run (progress on stderr; the full size seeds a million persons first, which takes minutes)::

    .venv/bin/python tests/bench/bench_items.py
    .venv/bin/python tests/bench/bench_items.py --persons 20000 --units 1000

Steps, in a database ``bzops_bench_items`` (created and dropped by the run; ``--keep`` keeps it and
``--reuse`` starts from a kept one of the same size):

1. ``bzops seed``, ``ANALYZE``, ``bzops scan --full`` (warnings exist, so 暂缓审批's query has work).
2. ``submit``: ``--clients`` stewards (50), each of a unit whose 用编 pre-check passes, spread over
   ``--processes`` processes (2, like the web processes behind nginx); each client files ``--per-client``
   用编申请 (B's ``use_quota`` kind: type allowed, 可用 computed on the unit's records and items), one
   every ``--interval`` seconds (1: a person; 0: back to back). Latency = one transaction: ``submit``
   (scope, pre-check, hold check, flow, first step and its signers) and its commit.
3. ``countersign``: a bench kind whose one step is 会签 by 50 officers of one unit; one item, then the
   50 officers approve at once (50 concurrent sessions); exactly one final state, 50 signer decisions.

Goals: submit p99 ≤ 100 ms; the 会签 ends approved once with 50 decisions. ``pass`` when both hold.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project (and tests.bench) importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models.approvals.kind import Application, Figures, Kind, Step, register
from tests.bench.common import DATA_KEY, REDIS_URL, SECRET_KEY, bzops, bzops_env, emit, fetch, kept_pg_database, log

NAME = "bzops_bench_items"
PASSWORD = "bench-password-1"
COUNTERSIGN = "bench_countersign"
SIGNERS = 50


async def _nothing(_session: Any, _application: Application, _today: date) -> Figures:
    return {}


register(Kind(COUNTERSIGN, "压测会签", (Step("五十人会签", "officer", "all", 3),), _nothing))


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples) or [0.0]
    at = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(samples), "p50_ms": round(at(0.50) * 1000, 1), "p90_ms": round(at(0.90) * 1000, 1),
            "p99_ms": round(at(0.99) * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1)}


def settings_for(url: str, var: Path) -> Any:
    from models.core.settings import Settings

    return Settings.load(env="test", database_url=url, redis_url=REDIS_URL, var_dir=var, data_key=DATA_KEY,
                         secret_key=SECRET_KEY)


def build(opts: argparse.Namespace, env: dict[str, str], url: str) -> None:
    bzops(env, "migrate")
    log(f"seed: {opts.persons} persons in {opts.units} units")
    bzops(env, "seed", "--units", str(opts.units), "--persons", str(opts.persons), "--seed", "7")
    fetch(url, "ANALYZE")
    log("full scan")
    bzops(env, "scan", "--full")


async def account(session: Any, login: str, role: str, codes: list[str], subtree: bool = False) -> None:
    """An account made once and kept with the database."""
    from models.accounts.store import ScopeSpec, create_account, get_account

    if await get_account(session, login=login) is None:
        await create_account(session, login=login, display_name=f"压测{login[-6:]}", role=role, password=PASSWORD,
                             scopes=[ScopeSpec(code, subtree) for code in codes], actor="bench")


QUOTA_UNITS = ("SELECT u.id, u.code, q.est_type FROM quota q JOIN unit u ON u.id = q.unit_id "
               "WHERE q.approved >= 5 ORDER BY q.approved DESC, u.id LIMIT 2000")
LAST_UNITS = "SELECT id, code FROM unit ORDER BY id DESC LIMIT 200"


async def applicants(settings: Any, count: int, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """``count`` stewards, each of a unit whose 用编 of one post passes the pre-check today, and three
    officers covering those units (the first step's signers)."""
    import models.approvals.kinds  # noqa: F401  (registers use_quota)
    from models.approvals.kind import ItemRefused, kind_of
    from models.core.db import local_today, transaction
    from models.core.runtime import runtime

    chosen: list[dict[str, Any]] = []
    async with runtime(settings) as rt:
        for unit_id, code, est_type in rows:
            if len(chosen) == count or any(c["code"] == code for c in chosen):
                continue
            app = Application("use_quota", unit_id, "压测用编", {"est_type": est_type, "count": 1, "reason": "压测"})
            async with rt.sessions() as session:
                try:
                    await kind_of("use_quota").check(session, app, local_today(settings.tz))
                except ItemRefused:
                    continue
            login = f"bench-items-s{len(chosen)}"
            chosen.append({"unit_id": unit_id, "code": code, "est_type": est_type, "login": login})
        async with transaction(rt.sessions) as session:
            for c in chosen:
                await account(session, c["login"], "steward", [c["code"]])
            for n in range(3):
                await account(session, f"bench-items-o{n}", "officer", [c["code"] for c in chosen])
    return chosen


async def client_loop(rt: Any, spec: dict[str, Any], per_client: int, interval: float) -> list[tuple[float, str]]:
    from models.approvals.engine import submit
    from models.core.db import local_today, transaction
    from models.core.decision import Actor

    actor, done = Actor(spec["login"], "steward", "压测"), []
    app = Application("use_quota", spec["unit_id"], "压测用编", {"est_type": spec["est_type"], "count": 1,
                                                              "reason": "压测：空编补员"})
    await asyncio.sleep(random.uniform(0, interval))  # people do not tap in step
    for _ in range(per_client):
        started = time.perf_counter()
        try:
            async with transaction(rt.sessions) as session:
                status = (await submit(session, app, actor, today=local_today("Asia/Shanghai"))).status
        except ValueError as refused:
            status = f"refused: {refused}"[:80]
        done.append((time.perf_counter() - started, status))
        await asyncio.sleep(max(0.0, interval - done[-1][0]))
    return done


async def warm(rt: Any, clients: int) -> None:
    """Open the pool's connections first, as a running web process has them (not measured)."""
    from sqlalchemy import text

    async def one() -> None:
        async with rt.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            await asyncio.sleep(0.2)  # hold it, so the others open their own
    await asyncio.gather(*(one() for _ in range(min(clients, 20))))


async def worker_main(job: dict[str, Any]) -> list[tuple[float, str]]:
    """One process: its clients submit concurrently on one engine (pool as configured)."""
    import models.approvals.kinds  # noqa: F401
    from models.core.runtime import runtime

    async with runtime(settings_for(job["url"], Path(job["var"]))) as rt:
        await warm(rt, len(job["clients"]))
        runs = await asyncio.gather(*(client_loop(rt, spec, job["per_client"], job["interval"])
                                      for spec in job["clients"]))
    return [run for client in runs for run in client]


def submit_phase(opts: argparse.Namespace, url: str, var: Path, chosen: list[dict[str, Any]]) -> dict[str, Any]:
    shares = [chosen[n::opts.processes] for n in range(opts.processes)]
    processes = [subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True) for _ in shares]
    for process, share in zip(processes, shares, strict=True):
        assert process.stdin is not None
        process.stdin.write(json.dumps({"url": url, "var": str(var), "clients": share, "per_client": opts.per_client,
                                        "interval": opts.interval}))
        process.stdin.close()
    runs = [run for process in processes for run in json.loads(_output(process))]
    statuses = [status for _s, status in runs]
    return {**percentiles([s for s, _status in runs]),
            "statuses": {status: statuses.count(status) for status in sorted(set(statuses))}}


def _output(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    out = process.stdout.read()
    if process.wait() != 0:
        raise RuntimeError(f"a submitting process exited {process.returncode}")
    return out


async def countersign_phase(settings: Any, chosen: list[dict[str, Any]],
                            units: list[tuple[Any, ...]]) -> dict[str, Any]:
    """One item, 50 officers of one unit sign its 会签 step at once."""
    from sqlalchemy import func, select

    from models.approvals.engine import decide, submit
    from models.approvals.outcome import Outcome, Stale
    from models.approvals.tables import ITEM_SIGNER, ITEM_STEP, Item
    from models.core.db import local_today, transaction
    from models.core.decision import Actor
    from models.core.runtime import runtime

    taken = {c["unit_id"] for c in chosen}
    unit_id, code = next((int(i), str(c)) for i, c in units if int(i) not in taken)
    logins = [f"bench-items-sign{n:02d}" for n in range(SIGNERS)]
    today = local_today(settings.tz)
    async with runtime(settings) as rt:
        async with transaction(rt.sessions) as session:
            for login in logins:
                await account(session, login, "officer", [code])
            await account(session, "bench-items-applicant", "steward", [code])
            item_id = (await submit(session, Application(COUNTERSIGN, unit_id, "压测会签", {}),
                                    Actor("bench-items-applicant", "steward", "压测"), today=today)).item_id

        async def sign(login: str) -> Outcome | Exception:
            started = time.perf_counter()
            try:
                async with transaction(rt.sessions) as session:
                    outcome = await decide(session, item_id, Actor(login, "officer", login), "approve", today=today)
            except (Stale, ValueError) as refused:
                return refused
            latencies.append(time.perf_counter() - started)
            return outcome
        latencies: list[float] = []
        started = time.perf_counter()
        results = await asyncio.gather(*(sign(login) for login in logins))
        wall = time.perf_counter() - started
        async with rt.sessions() as session:
            item = await session.get(Item, item_id)
            decided = await session.scalar(select(func.count()).select_from(ITEM_SIGNER).join(
                ITEM_STEP, ITEM_STEP.c.id == ITEM_SIGNER.c.step_id).where(
                ITEM_STEP.c.item_id == item_id, ITEM_SIGNER.c.decision == "approve"))
    finals = [r for r in results if isinstance(r, Outcome) and r.final]
    return {"signers": SIGNERS, "wall_s": round(wall, 2), **percentiles(latencies),
            "refused": sum(1 for r in results if not isinstance(r, Outcome)), "final_outcomes": len(finals),
            "status": item.status if item else None, "signer_decisions": int(decided or 0)}


def run(opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    with kept_pg_database(NAME, persons=opts.persons, keep=opts.keep, reuse=opts.reuse) as (url, reused):
        env, var = bzops_env(url, work / "var"), work / "var"
        if not reused:
            build(opts, env, url)
        settings = settings_for(url, var)
        chosen = asyncio.run(applicants(settings, opts.clients, fetch(url, QUOTA_UNITS)))
        log(f"submit: {len(chosen)} clients × {opts.per_client} 用编 items, {opts.processes} processes, "
            f"one per client every {opts.interval} s")
        submitted = submit_phase(opts, url, var, chosen)
        log(f"countersign: one item, {SIGNERS} officers at once")
        signed = asyncio.run(countersign_phase(settings, chosen, fetch(url, LAST_UNITS)))
    return {"bench": "items", "persons": opts.persons, "units": opts.units, "reused": reused,
            "clients": len(chosen), "processes": opts.processes, "interval_s": opts.interval,
            "submit": submitted, "countersign": signed}


def goals(result: dict[str, Any]) -> dict[str, Any]:
    signed = result["countersign"]
    once = signed["status"] == "approved" and signed["final_outcomes"] == 1 and signed["signer_decisions"] == SIGNERS
    return {"submit_p99_ms": {"goal": 100, "value": result["submit"]["p99_ms"],
                              "pass": result["submit"]["p99_ms"] <= 100},
            "countersign_one_final_state": {"goal": True, "value": once, "pass": once}}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--interval", type=float, default=1.0,
                        help="seconds between one client's submissions (0: back to back, a saturation test)")
    parser.add_argument("--keep", action="store_true", help="keep the database for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="use a kept database of the same size if there is one")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # one submitting process
    return parser.parse_args()


def main() -> None:
    opts = parse_args()
    if opts.worker:
        print(json.dumps(asyncio.run(worker_main(json.loads(sys.stdin.read())))))
        return
    with tempfile.TemporaryDirectory(prefix="bzops-bench-items-") as tmp:
        result = run(opts, Path(tmp))
    result["goals"] = goals(result)
    result["pass"] = all(g["pass"] for g in result["goals"].values())
    emit(result)


if __name__ == "__main__":
    main()
