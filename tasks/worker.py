"""The arq worker: job functions and cron jobs, with shared resources created once in ``startup``.

Jobs take ids and primitives only (arq pickles arguments) and load what they need from the
database, which is the source of truth; Redis is transport. ``bzops worker`` runs this with
:func:`worker_settings`; ``bzops run`` runs the same worker inside the web process.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import ClientSession
from arq import cron, func
from arq.connections import RedisSettings

from bot.http import ApiClient
from models.core.db import create_engine, local_today, utcnow
from models.core.runtime import Runtime, runtime_for
from models.core.settings import Settings
from tasks.colours import colour_month
from tasks.locks import month_end_locks, run_summary
from tasks.notify.escalate import escalate
from tasks.notify.item_remind import remind_items
from tasks.notify.remind import write_reminders
from tasks.notify.selfcheck_remind import write_selfcheck_reminders
from tasks.notify.send import send_one
from tasks.notify.sweep import job_id, sweep
from tasks.notify.task_remind import write_task_reminders
from tasks.scanning import scan_now
from tasks.scoring import draft_summary, month_end_scores

logger = logging.getLogger(__name__)
Ctx = dict[str, Any]
HEARTBEAT_KEY = "bzops:worker:heartbeat"
HEARTBEAT_TTL = 600
SHORT_DEFER = timedelta(seconds=65)


async def startup(ctx: Ctx) -> None:
    settings: Settings = ctx["settings"]
    engine = create_engine(settings)
    ctx["rt"] = runtime_for(settings, engine)
    ctx["http_session"] = ClientSession()
    ctx["http"] = ApiClient(ctx["http_session"], allow_private=settings.allow_private_urls)
    ctx["worker_name"] = f"{socket.gethostname()}:{os.getpid()}"
    await heartbeat(ctx)


async def shutdown(ctx: Ctx) -> None:
    await ctx["http_session"].close()
    await ctx["rt"].engine.dispose()


async def send_outbox(ctx: Ctx, outbox_id: int) -> str:
    """Send one outbox row (ids only: the row is the source of truth).

    A short deferral (the rate limiter's next free slot) is queued at once; longer ones (backoff,
    a paused target) are left to the sweeper, which enqueues every row whose time has come.
    """
    result = await send_one(ctx["rt"], ctx["redis"], ctx["http"], outbox_id, ctx["worker_name"])
    if result.retry_at is not None and result.retry_at - utcnow() <= SHORT_DEFER:
        await ctx["redis"].enqueue_job("send_outbox", outbox_id, _job_id=job_id(outbox_id, result.retry_at),
                                       _defer_until=result.retry_at)
    return result.status


async def sweep_outbox(ctx: Ctx) -> str:
    """Cron: recover stale claims, compose due digests, enqueue everything due."""
    outcome = await sweep(ctx["rt"], ctx["redis"])
    return f"recovered {outcome.recovered}, composed {outcome.composed}, enqueued {outcome.enqueued}"


async def heartbeat(ctx: Ctx) -> float:
    """Record that a worker is alive; ``/healthz`` reports its age."""
    now = time.time()
    await ctx["redis"].set(HEARTBEAT_KEY, str(now), ex=HEARTBEAT_TTL)
    return now


def redis_settings(settings: Settings) -> RedisSettings:
    redis = RedisSettings.from_dsn(settings.redis_url)
    redis.conn_timeout, redis.conn_retries = 2, 1
    return redis


async def incremental_scan(ctx: Ctx) -> str:
    """Cron: scan what changed since the last scan (falls back to full when rules changed)."""
    rt: Runtime = ctx["rt"]
    outcome = await scan_now(rt, as_of=local_today(rt.settings.tz))
    return outcome.summary()


async def full_scan(ctx: Ctx) -> str:
    """Cron, nightly: evaluate every rule on all data."""
    rt: Runtime = ctx["rt"]
    outcome = await scan_now(rt, as_of=local_today(rt.settings.tz), full=True)
    return outcome.summary()


async def remind_and_escalate(ctx: Ctx) -> str:
    """Cron, hourly in office hours: deadline reminders and escalations (idempotent per day).

    The rows they write are sent by the next sweep, like every other outbox row.
    """
    rt: Runtime = ctx["rt"]
    reminders, escalations = await write_reminders(rt), await escalate(rt)
    task_reminders = await write_task_reminders(rt)  # 任务流转: units owing feedback on tasks due soon
    item_notices = await remind_items(rt)  # 事项: 催办 of steps near or past their deadline, and escalation
    selfchecks = await write_selfcheck_reminders(rt)  # 自查: units behind on the month's reminder days
    return (f"reminders {len(reminders)}, task reminders {len(task_reminders)}, escalations {len(escalations)}, "
            f"item reminders {item_notices}, self-check reminders {len(selfchecks)}")


async def month_end_colours(ctx: Ctx) -> str:
    """Cron, the 1st at 00:40 (after the month-end locks and scores): 三色管理 of the month just ended."""
    rt: Runtime = ctx["rt"]
    today = local_today(rt.settings.tz)
    month = f"{(today - timedelta(days=1)):%Y-%m}"
    return (await colour_month(rt, month=month, as_of=today)).summary()


async def month_end_scores_job(ctx: Ctx) -> str:
    """Cron, 00:20 on the 1st (after the locks): draft last month's scores, opening the appeal window."""
    return draft_summary(await month_end_scores(ctx["rt"]))


async def month_end_locks_job(ctx: Ctx) -> str:
    """Cron, 00:05 on the 1st (office zone): lock the units short of self-checks last month (idempotent)."""
    return run_summary(await month_end_locks(ctx["rt"]))


def cron_jobs(settings: Settings) -> list[Any]:
    every = settings.scan_every_minutes
    return [
        cron(heartbeat, second={0}),
        cron(incremental_scan, minute=set(range(0, 60, every)), second={30}, timeout=1800),
        cron(full_scan, hour={settings.full_scan_hour}, minute={settings.full_scan_minute}, timeout=3600),
        cron(sweep_outbox, second={0, 30}, timeout=300),
        cron(remind_and_escalate, hour=set(range(8, 19)), minute={5}, timeout=900),
        cron(month_end_locks_job, day={1}, hour={0}, minute={5}, timeout=1800),  # the office zone's 00:05 on the 1st
        cron(month_end_scores_job, day={1}, hour={0}, minute={20}, second={0}, timeout=1800),
        cron(month_end_colours, day={1}, hour={0}, minute={40}, second={0}, timeout=1800),
    ]


def worker_settings(settings: Settings, *, burst: bool = False) -> dict[str, Any]:
    """Keyword arguments for :class:`arq.worker.Worker`."""
    return {
        "functions": [heartbeat, func(incremental_scan, name="incremental_scan", timeout=1800),
                      func(full_scan, name="full_scan", timeout=3600), func(send_outbox, name="send_outbox"),
                      func(sweep_outbox, name="sweep_outbox", timeout=300),
                      func(remind_and_escalate, name="remind_and_escalate", timeout=900),
                      func(month_end_locks_job, name="month_end_locks_job", timeout=1800),
                      func(month_end_scores_job, name="month_end_scores_job", timeout=1800),
                      func(month_end_colours, name="month_end_colours", timeout=1800)],
        "cron_jobs": cron_jobs(settings),
        "timezone": ZoneInfo(settings.tz),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": redis_settings(settings),
        "ctx": {"settings": settings},
        "burst": burst,
        "handle_signals": False,
        "max_jobs": 20,
        "keep_result": 60,
    }
