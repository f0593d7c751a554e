"""Faults in the notification pipeline with real ``bzops worker`` processes: a worker SIGKILLed in
the middle of sending and a flushed Redis must neither lose a digest nor deliver one twice.

The world is ``tests/bench/bench_notify.py``'s, small: 40 unit groups with 400 open warnings, 32
units with a robot each and 8 sharing one (8 digests and as many resends stay under its
20-per-minute limit). The fake platforms run in this process on a loopback port that the worker
subprocesses reach. A gate in front of the fake DingTalk lets the first 10 messages through, then
delivers each message but holds its reply, so the kill always lands while both workers hold
claimed rows whose messages the robot already took (and never after everything is sent): the dead
worker's rows must be recovered and re-sent under the same ``msgUuid``, which the robot drops as
repeats. The dead worker's claims are aged by ``CLAIM_TIMEOUT`` instead of waiting two minutes:
the sweeper's recovery then runs for real. The test drives the sweeps (the workers' cron does the
same every 30 s) and polls the database against a deadline; it never sleeps a fixed time.

The second test pins down the rate limiter across a flush: the 20-per-minute window of a robot
lives in Redis, and a flushed Redis must not let a 21st message through within the minute.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select
from sqlmodel import col

from bot.http import ApiClient
from models.core.db import transaction
from models.core.runtime import Runtime
from models.notify.tables import Outbox, Target
from tasks.notify.send import send_one
from tasks.notify.sweep import CLAIM_TIMEOUT, sweep
from tests.bench.notify_helpers import (
    Workers,
    WorldSpec,
    age_claims,
    build_world,
    claimed_by,
    delivery_summary,
    dirty_groups,
    expected_keys,
    outbox_status,
    worker_env,
    worker_name,
)
from tests.factories import add_units, unit_record
from tests.fakes.platforms import FakePlatforms

SPEC = WorldSpec(groups=40, warnings=400, shared_groups=8, shared_robots=1, prefix="NF")
FIRST_THROUGH = 10
DEADLINE = 45.0  # seconds for the whole run after the workers start


class Gate:
    """Lets the first ``first`` robot messages through; after that the robot accepts and delivers
    each message but holds its reply until ``open()`` — the case where a sender dies after the
    platform took its message and before it could record that."""

    def __init__(self, first: int) -> None:
        self.first, self.passed, self.held = first, 0, 0
        self.opened = asyncio.Event()

    def wrap(self, handler: Callable[[web.Request], Awaitable[web.Response]]) -> Callable[..., Any]:
        async def gated(request: web.Request) -> web.Response:
            if self.passed < self.first or self.opened.is_set():
                self.passed += 1
                return await handler(request)
            reply = await handler(request)
            self.held += 1
            await self.opened.wait()
            return reply
        return gated

    def open(self) -> None:
        self.opened.set()


@pytest.fixture
async def gated(aiohttp_server: Any) -> tuple[FakePlatforms, Gate]:
    platforms = FakePlatforms()
    gate = Gate(FIRST_THROUGH)
    platforms.dingtalk.send = gate.wrap(platforms.dingtalk.send)
    server = await aiohttp_server(platforms.app())
    platforms.base_url = str(server.make_url("")).rstrip("/")
    return platforms, gate


@pytest.fixture
def frt(rt: Runtime, gated: tuple[FakePlatforms, Gate]) -> Runtime:
    """The runtime, with settings that reach the gated fakes (the workers get the same)."""
    fakes, _gate = gated
    settings = rt.settings.model_copy(update={
        "dingtalk_api_url": fakes.url("dingtalk"), "zzd_api_url": fakes.url("zzd"),
        "wecom_api_url": fakes.url("wecom"), "aliyun_sms_url": fakes.url("sms"), "allow_private_urls": True})
    return Runtime(settings, rt.engine, rt.sessions, rt.cipher)


async def wait_for(what: str, check: Callable[[], Awaitable[bool]], deadline: float) -> None:
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class Throttle:
    def __init__(self, every: float) -> None:
        self.every, self.last = every, 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now - self.last < self.every:
            return False
        self.last = now
        return True


async def unsent(frt: Runtime) -> list[tuple[Any, ...]]:
    """For a failure message: the rows that did not make it, and why."""
    async with frt.sessions() as session:
        rows = await session.execute(select(col(Outbox.id), col(Outbox.status), col(Outbox.attempts),
                                            col(Outbox.next_attempt_at), col(Outbox.claimed_by), col(Outbox.error))
                                     .where(col(Outbox.status) != "sent"))
        return [tuple(row) for row in rows]


async def claims_of(frt: Runtime, pids: list[int]) -> dict[int, int]:
    return {pid: await claimed_by(frt, worker_name(pid)) for pid in pids}


async def test_a_killed_worker_and_a_flushed_redis_lose_no_digest_and_deliver_none_twice(frt, gated, redis, tmp_path):
    fakes, gate = gated
    world = await build_world(frt, SPEC)
    for robot in world.robots:
        fakes.dingtalk.add_robot(robot.token, secret=robot.secret)
    # Composed before the workers start, so their cron sweep cannot race this one for the same groups.
    assert (await sweep(frt, redis)).composed == SPEC.groups
    workers = Workers(worker_env(frt.settings), tmp_path / "logs")
    try:
        pids = [workers.start(), workers.start()]
        deadline = time.monotonic() + DEADLINE

        async def both_busy() -> bool:
            # 10 sent, every other row claimed (its reply held at the gate), both workers holding claims.
            # Nothing is left queued: a queued job read by a worker just before the flush finds its data
            # gone, arq records it as "expired" and keeps that result for a minute, during which the
            # sweeper cannot queue the row again under the same job id (a delay, not a loss, but slow).
            status = await outbox_status(frt)
            return (status.get("sent", 0) >= FIRST_THROUGH and not status.get("pending")
                    and all((await claims_of(frt, pids)).values()))

        await wait_for("10 sent, the rest claimed by both workers", both_busy, deadline)
        claims = await claims_of(frt, pids)
        victim = max(pids, key=claims.__getitem__)
        workers.kill(victim)
        await redis.flushdb()
        workers.start()
        gate.open()
        stuck = await age_claims(frt, worker_name(victim), CLAIM_TIMEOUT + timedelta(seconds=1))
        assert stuck, "the victim held no claim: the kill did not land mid-send"
        swept = Throttle(0.5)

        async def all_sent() -> bool:
            if swept.due():
                await sweep(frt, redis)
            return await outbox_status(frt) == {"sent": SPEC.groups}

        await wait_for("every outbox row sent", all_sent, deadline)
    except AssertionError:
        print(workers.tail(200), await unsent(frt), sep="\n")
        raise
    finally:
        gate.open()
        workers.stop_all()

    print(f"victim held {stuck} claims; robot dropped {fakes.dingtalk.duplicates} resends; gate held {gate.held}")
    assert await dirty_groups(frt) == (SPEC.groups, 0)
    keys = await expected_keys(frt)
    delivered = Counter(d.payload["msgUuid"] for d in fakes.dingtalk.delivered)
    assert delivered == Counter(keys) and len(keys) == SPEC.groups  # each digest exactly once, none lost
    assert 1 <= fakes.dingtalk.duplicates <= stuck  # resends of what the victim sent but never recorded
    assert fakes.dingtalk.rate_violations == 0
    summary = await delivery_summary(frt)
    assert summary["deliveries_ok"] == SPEC.groups and summary["rows_recorded_ok_twice"] == 0
    async with frt.sessions() as session:  # the victim's rows were recovered and sent on a second claim
        retried = (await session.scalars(select(col(Outbox.attempts)).where(col(Outbox.attempts) > 1))).all()
    assert len(retried) == stuck


async def test_a_flushed_redis_does_not_forget_a_robots_last_minute(nrt, fakes, redis, add_target):
    await add_units(nrt, unit_record("U1"))
    target = await add_target("财政局群", "U1")
    async with transaction(nrt.sessions) as session:
        for n in range(21):
            session.add(Outbox(target_id=target.id, purpose="digest", title=f"第{n}条", body=f"正文{n}",
                               idempotency_key=f"k{n}"))
    async with aiohttp.ClientSession() as http_session:
        http = ApiClient(http_session, allow_private=True)
        sent = [(await send_one(nrt, redis, http, n, "w")).status for n in range(1, 21)]
        assert sent == ["sent"] * 20
        await redis.flushdb()  # Redis restarted or flushed: the limiter's booking log is gone
        await send_one(nrt, redis, http, 21, "w")
    assert fakes.dingtalk.rate_violations == 0, "the 21st message within a minute reached the robot"
    async with nrt.sessions() as session:
        assert (await session.get(Target, target.id)).paused_until is None
