"""CLI: ``bzops payroll import|list`` — 财政's monthly payroll roster (工资统发名单, rules D4)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from models.core.db import local_today
from models.core.runtime import Runtime
from models.payroll.query import BatchView, list_batches
from models.staffing.scope import Scope
from tasks.cli.common import CONTEXT, fail, path_arg, run_async, settings_of
from tasks.importing.payroll import MonthError, RosterResult, import_roster, parse_month
from tasks.scanning import scan_now

SHOWN_PROBLEMS = 20


@click.group(context_settings=CONTEXT)
def payroll() -> None:
    """财政工资统发名单：按月导入，与在编记录核对（吃空饷风险，规则 D4）。"""


@payroll.command("import", context_settings=CONTEXT)
@click.argument("file", type=path_arg())
@click.option("--month", required=True, help="工资所属月份 YYYY-MM，如 2026-11")
@click.option("--actor", default="cli", show_default=True, help="记入审计日志的操作人")
@click.option("--scan", "scan_after", is_flag=True, help="导入后立即运行一次扫描（默认由后台几分钟内扫描）")
@click.pass_context
def import_(ctx: click.Context, file: Path, month: str, actor: str, scan_after: bool) -> None:
    """导入某月的工资统发名单（.xlsx 或 .csv）：列为 身份证号、姓名、单位编码（或单位名称）、工资类别，
    可选 应发金额。

    全有或全无：任何一行有错就不导入，并在文件旁写出错误报告。同一月份再次导入即替换该月名单。
    退出码：0 已导入（或与已导入的相同）；1 未导入。
    """
    today = local_today(settings_of(ctx).tz)
    try:
        first_day = parse_month(month, today)
    except MonthError as error:
        fail(str(error))
        return

    async def _go(rt: Runtime) -> RosterResult:
        result = await import_roster(rt.sessions, rt.cipher, file, month=first_day, actor=actor,
                                     scope=Scope(everything=True), today=today, report=True)
        if scan_after and result.status == "active":
            click.echo((await scan_now(rt, as_of=today)).summary())
        return result

    result = run_async(ctx, _go)
    _print(result)
    if not result.imported:
        sys.exit(1)


def _print(result: RosterResult) -> None:
    if result.ignored_headers:
        click.echo(f"提示：以下列不在名单格式中，已忽略：{'、'.join(result.ignored_headers)}")
    for problem in result.problems[:SHOWN_PROBLEMS]:
        click.secho(f"  {problem.describe()}", fg="yellow")
    if len(result.problems) > SHOWN_PROBLEMS:
        click.echo(f"  …… 另有 {len(result.problems) - SHOWN_PROBLEMS} 处错误")
    if result.report:
        click.echo(f"错误报告：{result.report}")
    click.secho(result.summary(), fg="green" if result.imported else "red")


@payroll.command("list", context_settings=CONTEXT)
@click.pass_context
def list_(ctx: click.Context) -> None:
    """列出已导入的名单：月份、状态、行数、错误行数、导入人和时间（最新在前）。"""

    async def _go(rt: Runtime) -> list[BatchView]:
        async with rt.sessions() as session:
            return await list_batches(session, scope=Scope(everything=True))

    batches = run_async(ctx, _go)
    if not batches:
        click.echo("尚未导入工资统发名单：吃空饷核对规则（D4）不产生预警。")
    tz = settings_of(ctx).tz
    for b in batches:
        click.echo(f"{b.month_label}  {b.status_label}  {b.rows}行  错误{b.errors}行  {b.uploader}  "
                   f"{_local(b, tz)}  {b.source_name}")


def _local(batch: BatchView, tz: str) -> str:
    from zoneinfo import ZoneInfo

    return batch.uploaded_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def register(group: click.Group) -> None:
    group.add_command(payroll)
