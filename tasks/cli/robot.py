"""CLI: ``bzops stream`` (the app robot over DingTalk Stream mode, for hosts without a public address)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from typing import Any

import click
from aiohttp import ClientSession

from models.core.runtime import runtime
from models.core.settings import Settings
from tasks.cli.common import CONTEXT, fail, settings_of

MISSING_APP = ("请先设置钉钉企业内部应用的 AppKey 和 AppSecret："
               "BZOPS_DINGTALK_APP_KEY、BZOPS_DINGTALK_APP_SECRET（或 BZOPS_DINGTALK_APP_SECRET_FILE）")


@click.command(context_settings=CONTEXT)
@click.pass_context
def stream(ctx: click.Context) -> None:
    """钉钉 Stream 模式：主动连接钉钉接收机器人指令（待办、确认、查、帮助），无需公网地址。"""
    settings = settings_of(ctx)
    if not settings.dingtalk_app_key or not settings.dingtalk_app_secret.get_secret_value():
        fail(MISSING_APP)
    click.echo("钉钉 Stream 已启动，按 Ctrl+C 停止")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))
    click.echo("已停止")


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Answer robot messages until ``stop`` is set (or SIGINT/SIGTERM arrives)."""
    from bot.http import ApiClient
    from tasks.robot.stream import CommandHandler, run_until, stream_client

    stop = stop or _stop_on_signals()
    async with runtime(settings) as rt, _redis(settings) as redis, ClientSession() as session:
        http = ApiClient(session, allow_private=settings.allow_private_urls)
        await run_until(stream_client(settings, CommandHandler(rt, redis, http)), stop)


def _stop_on_signals() -> asyncio.Event:
    stop, loop = asyncio.Event(), asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


@contextlib.asynccontextmanager
async def _redis(settings: Settings) -> AsyncIterator[Any]:
    """Redis remembers answered messages; without it commands still work (a resend may be answered twice)."""
    from redis.asyncio import Redis

    from tasks.redis_check import redis_reachable

    if not await redis_reachable(settings.redis_url):
        click.secho("Redis 不可用：仍会处理指令，但重发的消息可能被回答两次", fg="yellow", err=True)
        yield None
        return
    client = Redis.from_url(settings.redis_url, socket_connect_timeout=2.0, socket_timeout=5.0)
    try:
        yield client
    finally:
        await client.aclose()


def register(group: click.Group) -> None:
    group.add_command(stream)
