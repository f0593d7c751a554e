"""The ``bzops`` console script: the admin CLI of :mod:`tasks.cli` plus ``web`` and ``run``.

``bzops run`` is the one-process development and demo mode: it migrates, seeds the demo county
into an empty database, then serves the portal and runs the arq worker in the same event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

import click
from aiohttp import web

from models.core.settings import Settings
from tasks.cli import cli

__all__ = ["cli", "main"]
from tasks.cli.common import CONTEXT, fail, settings_of
from tasks.redis_check import redis_reachable, redis_unreachable_message


@cli.command("web", context_settings=CONTEXT)
@click.option("--host", help="监听地址（默认 BZOPS_HOST）")
@click.option("--port", type=int, help="监听端口（默认 BZOPS_PORT）")
@click.pass_context
def web_(ctx: click.Context, host: str | None, port: int | None) -> None:
    """运行门户网站（aiohttp）。可与多个 worker 共用同一 PostgreSQL 和 Redis。"""
    from portal.app import create_app

    settings = settings_of(ctx)
    web.run_app(create_app(settings), host=host or settings.host, port=port or settings.port,
                print=lambda _: click.echo(f"门户已启动：{settings.public_url}"))



@cli.command(context_settings=CONTEXT)
@click.option("--port", type=int, help="监听端口（默认 BZOPS_PORT）")
@click.pass_context
def run(ctx: click.Context, port: int | None) -> None:
    """开发与演示：迁移数据库，空库时写入演示数据，同时运行门户和后台任务。"""
    settings = settings_of(ctx)
    if port:
        settings = settings.model_copy(update={"port": port})
    if not asyncio.run(redis_reachable(settings.redis_url)):
        fail(redis_unreachable_message(settings.redis_url))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run_all(settings))
    click.echo("已停止")


async def _run_all(settings: Settings) -> None:
    await _prepare(settings)
    from arq.worker import Worker

    from portal.app import create_app
    from tasks.worker import worker_settings

    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    worker = Worker(**worker_settings(settings))
    click.secho(f"门户已启动：http://{settings.host}:{settings.port}   （Ctrl+C 停止）", fg="green")
    click.echo(f"消息中的链接指向 BZOPS_PUBLIC_URL={settings.public_url}；"
               f"log 通道的消息写在 {settings.var_dir / 'outbox'}")
    try:
        await _until_stopped(worker)
    finally:
        await worker.close()
        await runner.cleanup()


async def _until_stopped(worker: object) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.create_task(worker.async_run())  # type: ignore[attr-defined]
    await stop.wait()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _prepare(settings: Settings) -> None:
    from models.core.runtime import runtime
    from models.migrate import upgrade
    from tasks.bootstrap import demo_card_link, seed_demo_if_empty
    from tasks.cli.seed import print_demo

    async with runtime(settings) as rt:
        await upgrade(rt.engine, settings)
        click.echo("首次启动：写入演示数据……" if await _empty(rt) else "数据库已有数据，跳过演示数据。")
        result = await seed_demo_if_empty(rt)
        link = await demo_card_link(rt)
    if result is not None:
        print_demo(result)
    else:
        click.echo("演示账号（若未修改）：admin、officer、leader、steward1 等，密码 bzops-demo；"
                   "账号列表见 bzops user list")
    if link:
        click.echo(f"试用消息卡片上的按钮（以 steward1 / bzops-demo 登录后确认一条预警）：\n  {link}")


async def _empty(rt: object) -> bool:
    from tasks.bootstrap import database_is_empty

    return await database_is_empty(rt)  # type: ignore[arg-type]


def main() -> None:
    cli(prog_name="bzops")


if __name__ == "__main__":
    main()
