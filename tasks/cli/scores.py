"""CLI: ``bzops score --month YYYY-MM [--as-of DATE] [--publish]`` — draft (or re-draft) a month's scores,
idempotently, and optionally publish its preview runs with their notices (``tasks.scoring``)."""

from __future__ import annotations

from datetime import date, datetime

import click

from models.core.db import local_today
from models.core.decision import Actor, DecisionError
from models.core.runtime import Runtime
from tasks.cli.common import CONTEXT, fail, run_async
from tasks.scoring import draft_summary, publish_month, run_draft


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD：{text}") from None


@click.command("score", context_settings=CONTEXT)
@click.option("--month", required=True, help="评分月份 YYYY-MM")
@click.option("--as-of", "as_of", help="按哪一天计算 YYYY-MM-DD（默认：办公时区的今天）")
@click.option("--publish", is_flag=True, help="计算后发布该月的预览榜单（须无待处理申诉）")
@click.pass_context
def score(ctx: click.Context, month: str, as_of: str | None, publish: bool) -> None:
    """月度评分：计算（可重复运行，已发布的榜单不变），可选发布红黑榜。"""
    day = _day(as_of)

    async def _go(rt: Runtime) -> str:
        drafted = await run_draft(rt, month=month, as_of=day or local_today(rt.settings.tz), actor="cli")
        text = draft_summary(drafted)
        if publish:
            published = await publish_month(rt, month=month, actor=Actor("cli", "admin", "命令行"))
            text += f"；发布榜单 {published} 个"
        return text

    try:
        click.echo(run_async(ctx, _go))
    except (ValueError, DecisionError) as error:
        fail(str(error))


def register(cli: click.Group) -> None:
    cli.add_command(score)
