"""Benchmark: digests for 100,000 open warnings through real workers, with a worker killed and
Redis flushed mid-run.

Command (PostgreSQL and Redis on 127.0.0.1; uses database ``bzops_nbench`` and Redis db 8)::

    .venv/bin/python tests/bench/bench_notify.py [--groups 2000 --warnings 100000]

What it sets up (see ``notify_helpers``): ``--groups`` units holding ``--warnings`` open warnings,
one DingTalk robot per unit except ``--shared-groups`` units whose digests go to
``--shared-robots`` robots (so the 20-messages-per-minute limit binds), the groups marked dirty
by the product's ``mark_for_scan``. The fake platforms run in their own process
(``tests/fakes/serve.py``) on a loopback port; two ``bzops worker`` processes send.

What it does: sweeps (``tasks.notify.sweep.sweep``, the cron job's body) every few seconds from
this process, so nobody waits for the 30-second cron; when ``--kill-after`` of the rows are sent
it SIGKILLs one worker, FLUSHDBs Redis and starts a replacement; it goes on sweeping until every
outbox row is ``sent`` (the killed worker's claims come back after the real ``CLAIM_TIMEOUT``).

What it prints (one JSON line on stdout; progress on stderr):

* ``groups``, ``digest_groups`` (digest_state rows), ``composed`` (outbox rows), ``parts``
  (platform messages the rows needed), ``sent``, ``lost`` (rows not sent at the end);
* the fake robots' view: ``delivered`` unique msgUuids, ``missing``/``unexpected`` against the
  outbox, ``delivered_twice`` (a msgUuid delivered more than once: must be 0), ``dedup_resends``
  (resends of a known msgUuid that the robot dropped: expected ≥ 0 after a kill),
  ``rate_violations``;
* ``wall_s`` from the first sweep to the last row sent (``t90_s``: to 90 % sent), ``floor_s`` (the
  busiest robot needs ceil(n/20) − 1 minutes), ``cpu_ms_per_message`` (user+sys CPU of every worker process plus the
  sweeps run here, per platform message), and ``ok`` when every check holds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import aiohttp
from arq import create_pool
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from models.core.runtime import Runtime, runtime
from models.core.settings import Settings
from models.migrate import upgrade
from tasks.notify.sweep import CLAIM_TIMEOUT, sweep
from tasks.worker import redis_settings
from tests.bench.notify_helpers import (
    ROOT,
    Workers,
    World,
    WorldSpec,
    build_world,
    claimed_by,
    delivery_summary,
    dirty_groups,
    expected_keys,
    outbox_status,
    worker_env,
    worker_name,
)

PG_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DATA_KEY = "q8u1U9n2Vb5ZxJ0m4kLr7sT3yW6eD2aF1gH8jK5lP0o"
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="digests, rate limits, a killed worker and a flushed Redis")
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--warnings", type=int, default=100_000)
    parser.add_argument("--shared-groups", type=int, default=100)
    parser.add_argument("--shared-robots", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-after", type=float, default=0.4, help="fraction of rows sent before the kill")
    parser.add_argument("--sweep-every", type=float, default=3.0, help="seconds between sweeps")
    parser.add_argument("--timeout", type=float, default=1500.0, help="give up after this many seconds")
    parser.add_argument("--database", default="bzops_nbench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    return parser.parse_args()


# --- the fake platforms, in their own process ---------------------------------------------------

def start_fakes() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests/fakes/serve.py"), "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening "):
        proc.kill()
        raise SystemExit(f"fake platforms did not start: {line!r}")
    return proc, line.removeprefix("listening ")


async def fake_call(base: str, method: str, path: str, body: Any = None) -> Any:
    async with aiohttp.ClientSession() as http, http.request(method, base + path, json=body) as reply:
        return await reply.json()


# --- setup --------------------------------------------------------------------------------------

def bench_settings(args: argparse.Namespace, fakes: str, var_dir: Path) -> Settings:
    return Settings.load(env="test", database_url=f"postgresql+asyncpg://postgres@127.0.0.1:5432/{args.database}",
                         redis_url=args.redis_url, var_dir=var_dir, secret_key="bench-secret-key-0123456789",
                         data_key=DATA_KEY, public_url="http://portal.bench", allow_private_urls=True,
                         dingtalk_api_url=f"{fakes}/dingtalk", zzd_api_url=f"{fakes}/zzd",
                         wecom_api_url=f"{fakes}/wecom", aliyun_sms_url=f"{fakes}/sms")


async def recreate_database(name: str) -> None:
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()


# --- the run ------------------------------------------------------------------------------------

class Run:
    def __init__(self, rt: Runtime, redis: Any, workers: Workers, args: argparse.Namespace) -> None:
        self.rt, self.redis, self.workers, self.args = rt, redis, workers, args
        self.sweep_cpu_s = 0.0
        self.sweeps = 0
        self.sweep_errors: list[str] = []
        self.kill: dict[str, Any] = {}
        self.t90_s: float | None = None

    async def sweep_once(self) -> None:
        cpu = time.process_time()
        try:
            outcome = await sweep(self.rt, self.redis)
        except Exception as error:  # a sweep racing the workers' cron sweep may lose; the next one retries
            self.sweep_errors.append(f"{type(error).__name__}: {str(error)[:200]}")
            log(f"sweep failed: {self.sweep_errors[-1]}")
            return
        finally:
            self.sweep_cpu_s += time.process_time() - cpu
            self.sweeps += 1
        if outcome.composed or outcome.recovered:
            log(f"sweep: composed {outcome.composed}, recovered {outcome.recovered}, enqueued {outcome.enqueued}")

    async def kill_and_flush(self, sent: int) -> None:
        victim = self.workers.alive()[0]
        self.workers.kill(victim)
        await self.redis.flushdb()
        replacement = self.workers.start()
        claims = await claimed_by(self.rt, worker_name(victim))
        self.kill = {"after_sent": sent, "claims_left": claims, "victim_pid": victim, "replacement_pid": replacement}
        log(f"SIGKILLed worker {victim} after {sent} sent ({claims} rows left claimed), FLUSHDB, "
            f"started {replacement}; its claims return after {CLAIM_TIMEOUT.total_seconds():.0f}s")

    async def until_done(self) -> float:
        """Sweep and watch until every row is sent; returns the wall seconds from the first sweep."""
        started = time.monotonic()
        next_sweep, last_report = started, 0.0
        while True:
            now = time.monotonic()
            if now >= next_sweep:
                await self.sweep_once()
                next_sweep = time.monotonic() + self.args.sweep_every
            status = await outbox_status(self.rt)
            total, sent = sum(status.values()), status.get("sent", 0)
            _groups, dirty = await dirty_groups(self.rt)
            if self.t90_s is None and total and sent >= 0.9 * total:
                self.t90_s = round(time.monotonic() - started, 1)
            if not self.kill and total and sent >= self.args.kill_after * total:
                await self.kill_and_flush(sent)
            if total and sent == total and not dirty:
                return time.monotonic() - started
            if now - last_report >= 10:
                log(f"outbox {status}, dirty groups {dirty}, workers {self.workers.alive()}")
                last_report = now
            if now - started > self.args.timeout:
                log(f"timeout: outbox {status}")
                return time.monotonic() - started
            await asyncio.sleep(0.25)


def checks(result: dict[str, Any]) -> dict[str, bool]:
    return {
        "one_digest_per_group": result["digest_groups"] == result["groups"] == result["composed"],
        "all_sent": result["sent"] == result["composed"] and result["lost"] == 0,
        "every_part_delivered": result["missing"] == 0 and result["unexpected"] == 0,
        "nothing_delivered_twice": result["delivered_twice"] == 0,
        "no_rate_violations": result["rate_violations"] == 0,
    }


async def report(run: Run, world: World, fakes: str, wall_s: float) -> dict[str, Any]:
    status = await outbox_status(run.rt)
    groups, _dirty = await dirty_groups(run.rt)
    keys = await expected_keys(run.rt)
    stats = await fake_call(fakes, "GET", "/_stats?keys=1")
    delivered = set(stats.pop("keys"))
    deliveries = await delivery_summary(run.rt)
    messages = stats["unique_msg_uuids"]
    worker_cpu = run.workers.total_cpu_s()
    result: dict[str, Any] = {
        "bench": "notify", "groups": world.spec.groups, "warnings": world.spec.warnings,
        "robots": len(world.robots), "shared_robots": world.spec.shared_robots,
        "shared_groups": world.spec.shared_groups, "digest_groups": groups, "composed": sum(status.values()),
        "parts": len(keys), "sent": status.get("sent", 0),
        "lost": sum(n for s, n in status.items() if s != "sent"), "outbox_status": status,
        "delivered": messages, "missing": len(keys - delivered), "unexpected": len(delivered - keys),
        "delivered_twice": len(stats["delivered_twice"]), "dedup_resends": stats["duplicates"],
        "rate_violations": stats["rate_violations"], "platform_requests": stats["requests"],
        "messages_busiest_robot": max(stats["per_robot"].values(), default=0),
        "wall_s": round(wall_s, 1), "t90_s": run.t90_s, "floor_s": world.floor_seconds(),
        "wall_over_floor": round(wall_s / world.floor_seconds(), 2) if world.floor_seconds() else None,
        "worker_cpu_s": round(worker_cpu, 2), "sweep_cpu_s": round(run.sweep_cpu_s, 2),
        "cpu_ms_per_message": round((worker_cpu + run.sweep_cpu_s) * 1000 / messages, 2) if messages else None,
        "worker_cpu_ms_per_message": round(worker_cpu * 1000 / messages, 2) if messages else None,
        "sweeps": run.sweeps, "sweep_errors": len(run.sweep_errors), "kill": run.kill, **deliveries,
        "world": asdict(world.spec),
    }
    result["checks"] = checks(result)
    result["ok"] = all(result["checks"].values())
    return result


async def bench(args: argparse.Namespace, fakes: str, var_dir: Path) -> dict[str, Any]:
    settings = bench_settings(args, fakes, var_dir)
    log(f"database {args.database}: recreate and migrate")
    await recreate_database(args.database)
    async with runtime(settings) as rt:
        await upgrade(rt.engine, settings)
        spec = WorldSpec(args.groups, args.warnings, args.shared_groups, args.shared_robots)
        world = await build_world(rt, spec, log=log)
        robots = [{"token": r.token, "secret": r.secret} for r in world.robots]
        await fake_call(fakes, "POST", "/_robots", {"robots": robots})
        redis = await create_pool(redis_settings(settings))
        await redis.flushdb()
        workers = Workers(worker_env(settings), var_dir / "logs")
        result: dict[str, Any] = {}
        try:
            for _ in range(args.workers):
                workers.start()
            log(f"started workers {workers.alive()}; floor {world.floor_seconds()}s")
            run = Run(rt, redis, workers, args)
            wall_s = await run.until_done()
            result = await report(run, world, fakes, wall_s)
        finally:
            workers.stop_all()
            if not result.get("ok"):
                log(workers.tail())
            await redis.flushdb()
            await redis.aclose()
    return result


def main() -> None:
    args = parse_args()
    fake_proc, fakes = start_fakes()
    log(f"fake platforms at {fakes} (pid {fake_proc.pid})")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-notify-") as tmp:
            result = asyncio.run(bench(args, fakes, Path(tmp)))
    finally:
        fake_proc.terminate()
        fake_proc.wait(timeout=10)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
