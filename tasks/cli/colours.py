"""CLI: ``bzops colours --month YYYY-MM [--as-of DATE]`` — 三色管理's month-end job, re-runnable."""

from __future__ import annotations

from datetime import date, datetime

import click

from models.colours.compute import ColourRun
from models.core.db import local_today
from models.core.runtime import Runtime
from tasks.cli.common import CONTEXT, fail, run_async, settings_of

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("colours", context_settings=CONTEXT)
@click.option("--month", required=True, help="评定月份 YYYY-MM")
@click.option("--as-of", "as_of", type=DATE, help="按哪一天运行（默认今天，须在该月结束之后）")
@click.pass_context
def colours(ctx: click.Context, month: str, as_of: datetime | None) -> None:
    """三色管理：按月评定每个单位的红色/黄色/绿色及原因。可重复运行，结果相同。"""
    from tasks.colours import colour_month

    day: date = as_of.date() if as_of else local_today(settings_of(ctx).tz)

    async def _go(rt: Runtime) -> ColourRun | str:
        try:
            return await colour_month(rt, month=month, as_of=day, actor="cli")
        except ValueError as error:
            return str(error)

    run = run_async(ctx, _go)
    if isinstance(run, str):
        fail(run)
    else:
        click.echo(f"三色评定完成 {run.summary()}")


def register(group: click.Group) -> None:
    group.add_command(colours)
