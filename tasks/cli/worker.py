"""CLI: ``bzops worker`` (the arq worker with its cron jobs)."""

from __future__ import annotations

import asyncio

import click

from tasks.cli.common import CONTEXT, fail, settings_of
from tasks.redis_check import redis_reachable, redis_unreachable_message


@click.command(context_settings=CONTEXT)
@click.option("--burst", is_flag=True, help="处理完队列中的任务后退出")
@click.pass_context
def worker(ctx: click.Context, burst: bool) -> None:
    """运行后台任务进程（arq + Redis）：扫描、推送、提醒、锁定、评分。"""
    from arq.worker import Worker

    from tasks.worker import worker_settings

    settings = settings_of(ctx)
    if not asyncio.run(redis_reachable(settings.redis_url)):
        fail(redis_unreachable_message(settings.redis_url))
    Worker(**{**worker_settings(settings, burst=burst), "handle_signals": True}).run()


def register(group: click.Group) -> None:
    group.add_command(worker)
