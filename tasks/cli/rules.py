"""CLI: ``bzops scan``, ``bzops warnings``, ``bzops rules`` (list and change the catalogue)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click

from models.core.db import local_today, transaction
from models.core.runtime import Runtime
from models.staffing.scope import Scope
from models.warnings.config import RuleConfigError, change_rule, load_rules
from models.warnings.query import WarningFilter, WarningRow, list_warnings
from models.warnings.rules.base import SEVERITIES
from tasks.cli.common import CONTEXT, fail, run_async, settings_of
from tasks.importing.safe_cells import csv_row, visible
from tasks.scanning import scan_now

DATE = click.DateTime(formats=["%Y-%m-%d"])
WARNING_COLUMNS = ("id", "rule_code", "severity", "unit_code", "subject", "masked_id", "status", "detected_on",
                   "due_date", "overdue", "summary")


@click.command(context_settings=CONTEXT)
@click.option("--full", is_flag=True, help="全量扫描（默认增量：只扫描上次以来变化的机构和人员）")
@click.option("--as-of", type=DATE, help="按该日评估规则（审计、月末重跑、测试），默认今天")
@click.pass_context
def scan(ctx: click.Context, full: bool, as_of: Any) -> None:
    """运行规则扫描，生成、更新、自动解决预警。"""
    day = as_of.date() if as_of else local_today(settings_of(ctx).tz)
    outcome = run_async(ctx, lambda rt: scan_now(rt, as_of=day, full=full))
    click.secho(outcome.summary(), fg="green")


@click.command(context_settings=CONTEXT)
@click.option("--unit", "unit_code", help="机构编码")
@click.option("--rule", help="规则编码，如 C1_OVER_QUOTA")
@click.option("--severity", type=click.Choice(list(SEVERITIES)), help="级别")
@click.option("--status", type=click.Choice(["open", "acknowledged", "snoozed", "disputed", "resolved", "exception",
                                             "all"]), help="状态（默认：全部未关闭的）")
@click.option("--overdue", is_flag=True, help="只看已逾期的")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_context
def warnings(ctx: click.Context, unit_code: str | None, rule: str | None, severity: str | None, status: str | None,
             overdue: bool, fmt: str) -> None:
    """列出预警（供管理员和脚本使用）。身份证号只显示掩码。"""
    filters = WarningFilter(rule=rule, severity=severity, unit_code=unit_code, status=status, overdue=overdue)
    today = local_today(settings_of(ctx).tz)

    async def _go(rt: Runtime) -> list[WarningRow]:
        async with rt.sessions() as session:
            return await list_warnings(session, scope=Scope(everything=True), filters=filters, today=today, limit=None)

    rows = [{c: row.as_dict()[c] for c in WARNING_COLUMNS} for row in run_async(ctx, _go)]
    click.echo(_render(rows, fmt), nl=False)


def _render(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, default=str, indent=1) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)  # summaries and names may start with "=": written inert (safe_cells)
        writer.writerow(WARNING_COLUMNS)
        writer.writerows(csv_row(row[c] for c in WARNING_COLUMNS) for row in rows)
        return out.getvalue()
    # Control characters (ESC …) from imported names must not reach the terminal.
    lines = [visible(" ".join(_cell(r, c) for c in WARNING_COLUMNS[:10]) + f"  {r['summary']}") for r in rows]
    return "\n".join([*lines, f"共 {len(rows)} 条"]) + "\n"


def _cell(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    if column == "overdue":
        return "逾期" if value else "-"
    width = {"id": 6, "rule_code": 18, "severity": 2, "unit_code": 14, "subject": 12, "masked_id": 18}.get(column, 10)
    return str("-" if value is None else value).ljust(width)


@click.group(context_settings=CONTEXT, invoke_without_command=True)
@click.pass_context
def rules(ctx: click.Context) -> None:
    """列出规则目录（编码、名称、级别、期限、参数、是否启用）；子命令 set 修改规则。"""
    if ctx.invoked_subcommand is not None:
        return

    async def _go(rt: Runtime) -> None:
        async with rt.sessions() as session:
            for r in await load_rules(session):
                state = "启用" if r.enabled else "停用"
                deadline = f"{r.deadline_days}个工作日" if r.deadline_days else "-"
                params = json.dumps(r.params, ensure_ascii=False) if r.params else ""
                click.echo(f"{r.code:<18} {r.severity} {state} v{r.version:<3} {deadline:<8} {r.rule.title}  {params}")
    run_async(ctx, _go)


@rules.command("set", context_settings=CONTEXT)
@click.argument("code")
@click.option("--enable/--disable", default=None, help="启用或停用")
@click.option("--severity", type=click.Choice(list(SEVERITIES)))
@click.option("--deadline", type=int, help="整改期限（工作日）")
@click.option("--param", "params", multiple=True, help="阈值，如 --param vacancy_percent=30（JSON值）")
@click.option("--actor", default="cli", show_default=True)
@click.pass_context
def set_rule(ctx: click.Context, code: str, enable: bool | None, severity: str | None, deadline: int | None,
             params: tuple[str, ...], actor: str) -> None:
    """修改规则：启用/停用、级别、期限、阈值。每次修改都有版本和审计记录，下次扫描为全量。"""
    parsed = dict(_param(p) for p in params)

    async def _go(rt: Runtime) -> int:
        async with transaction(rt.sessions) as session:
            changed = await change_rule(session, code=code, actor=actor, enabled=enable, severity=severity,
                                        deadline_days=deadline, params=parsed)
            return changed.version
    try:
        version = run_async(ctx, _go)
    except RuleConfigError as error:
        fail(str(error))
        return
    click.secho(f"规则 {code} 已更新为第 {version} 版", fg="green")


def _param(text: str) -> tuple[str, Any]:
    name, _, raw = text.partition("=")
    try:
        return name.strip(), json.loads(raw)
    except json.JSONDecodeError:
        return name.strip(), raw


def register(group: click.Group) -> None:
    for command in (scan, warnings, rules):
        group.add_command(command)
