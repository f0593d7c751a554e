"""CLI: ``bzops lock --month YYYY-MM [--as-of DATE]`` — the month-end lock job, re-runnable: a second
run locks nobody twice and sends nothing twice (``tasks.locks``)."""

from __future__ import annotations

from datetime import date, datetime

import click

from models.core.db import local_today
from models.core.runtime import Runtime
from models.locks.monthend import LockRun
from tasks.cli.common import CONTEXT, fail, run_async
from tasks.locks import run_lock_month, run_summary


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD：{text}") from None


@click.command("lock", context_settings=CONTEXT)
@click.option("--month", required=True, help="要判定的月份 YYYY-MM（须已结束）")
@click.option("--as-of", "as_of", help="按哪一天判定 YYYY-MM-DD（默认：办公时区的今天）")
@click.pass_context
def lock(ctx: click.Context, month: str, as_of: str | None) -> None:
    """月末锁定：本月有效自查少于规定次数的单位，锁定其专员账号（可重复运行，不会重复锁定或重复通知）。"""
    day = _day(as_of)

    async def _go(rt: Runtime) -> LockRun | None:
        return await run_lock_month(rt, month=month, as_of=day or local_today(rt.settings.tz), actor="cli")

    try:
        run = run_async(ctx, _go)
    except ValueError as error:
        fail(str(error))
        return
    click.echo(run_summary(run))


def register(cli: click.Group) -> None:
    cli.add_command(lock)
