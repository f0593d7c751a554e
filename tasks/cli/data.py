"""CLI: template, import, export (seed lives in tasks.cli.seed)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from models.core.runtime import Runtime
from models.staffing.unit_writer import unit_code_map
from models.staffing.units import stream_units
from tasks.cli.common import CONTEXT, fail, path_arg, run_async
from tasks.importing.bodies import import_bodies
from tasks.importing.columns import UNIT_COLUMNS
from tasks.importing.export import PersonSelection, export_bodies, export_persons, export_records
from tasks.importing.persons import import_persons
from tasks.importing.progress import bar
from tasks.importing.reader import FileError
from tasks.importing.result import ImportResult
from tasks.importing.templates import write_template
from tasks.importing.units import import_units

KIND = click.Choice(["units", "persons", "bodies"])
KIND_LABELS = {"units": "机构", "persons": "人员", "bodies": "内设机构"}
SHOWN_PROBLEMS = 20


@click.command(context_settings=CONTEXT)
@click.argument("kind", type=KIND)
@click.argument("out", type=path_arg(exists=False))
def template(kind: str, out: Path) -> None:
    """写出导入模板：KIND 为 units（机构）、persons（人员）或 bodies（内设机构）。"""
    write_template(kind, out)
    click.echo(f"已写出模板 {out}")


@click.command("import", context_settings=CONTEXT)
@click.argument("kind", type=KIND)
@click.argument("file", type=path_arg())
@click.option("--partial", is_flag=True, help="只导入正确的行，错误行写入报告（默认：有错则全部不导入）")
@click.option("--actor", default="cli", show_default=True, help="记入审计日志的操作人")
@click.pass_context
def import_(ctx: click.Context, kind: str, file: Path, partial: bool, actor: str) -> None:
    """导入 .xlsx 或 .csv（UTF-8 或 GB18030）。按 机构编码 / 身份证号 / 单位编码+内设机构编码 更新已有记录。

    退出码：0 全部导入；1 有错误、未导入任何数据；3 已导入正确的行，错误行见报告。
    """
    started = time.monotonic()
    try:
        result = run_async(ctx, lambda rt: _import(rt, kind, file, partial, actor))
    except FileError as error:
        fail(f"无法导入 {file.name}：{error}")
        return
    _print_result(result, time.monotonic() - started)
    if result.problems:
        sys.exit(3 if result.committed else 1)


async def _import(rt: Runtime, kind: str, file: Path, partial: bool, actor: str) -> ImportResult:
    progress = bar(_estimate_rows(file), f"导入{KIND_LABELS[kind]}")
    if kind == "units":
        return await import_units(rt.sessions, file, partial=partial, actor=actor, progress=progress)
    if kind == "bodies":
        return await import_bodies(rt.sessions, file, partial=partial, actor=actor, progress=progress)
    return await import_persons(rt.sessions, rt.cipher, file, partial=partial, actor=actor,
                                chunk_rows=rt.settings.import_chunk_rows, progress=progress)


def _estimate_rows(file: Path) -> int | None:
    if file.suffix.lower() != ".csv":
        return None
    with file.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1


def _print_result(result: ImportResult, seconds: float) -> None:
    if result.ignored_headers:
        click.echo(f"提示：以下列不在模板中，已忽略：{'、'.join(result.ignored_headers)}")
    for problem in result.problems[:SHOWN_PROBLEMS]:
        click.secho(f"  {problem.describe()}", fg="yellow")
    if len(result.problems) > SHOWN_PROBLEMS:
        click.echo(f"  …… 另有 {len(result.problems) - SHOWN_PROBLEMS} 处错误")
    if result.report:
        click.echo(f"错误报告：{result.report}")
    color = "green" if not result.problems else ("yellow" if result.committed else "red")
    click.secho(f"{result.summary()}（用时 {seconds:.1f} 秒）", fg=color)


@click.command(context_settings=CONTEXT)
@click.argument("kind", type=KIND)
@click.argument("out", type=path_arg(exists=False))
@click.option("--unit", "unit_code", help="只导出该机构（编制所在）的人员")
@click.option("--incomplete", is_flag=True, help="只导出必填信息不全的在编人员")
@click.option("--actor", default="cli", show_default=True, help="记入审计日志的操作人（人员导出含完整身份证号）")
@click.pass_context
def export(ctx: click.Context, kind: str, out: Path, unit_code: str | None, incomplete: bool, actor: str) -> None:
    """导出为 .xlsx 或 .csv，列与导入模板相同，可修改后重新导入。

    人员导出含完整身份证号和手机号：文件仅本人可读（权限600），每次导出记入审计日志。
    """
    count = run_async(ctx, lambda rt: _export(rt, kind, out, unit_code, incomplete, actor))
    click.secho(f"已导出 {count} 条到 {out}", fg="green")


async def _export(rt: Runtime, kind: str, out: Path, unit_code: str | None, incomplete: bool, actor: str) -> int:
    progress = bar(None, "导出")
    if kind == "units":
        async with rt.sessions() as session:
            return await export_records(stream_units(session), out, "机构", UNIT_COLUMNS,
                                        lambda: progress.update(1))
    if kind == "bodies":
        return await export_bodies(rt.sessions, out, lambda: progress.update(1))
    selection = PersonSelection(unit_code=unit_code, incomplete=incomplete)
    if unit_code:
        async with rt.sessions() as session:
            codes = await unit_code_map(session)
        if unit_code not in codes:
            fail(f"机构编码 {unit_code} 不存在")
        selection = PersonSelection([codes[unit_code]], unit_code, incomplete)
    return await export_persons(rt.sessions, rt.cipher, out, selection=selection, actor=actor,
                                on_row=lambda: progress.update(1))


def register(group: click.Group) -> None:
    for command in (template, import_, export):
        group.add_command(command)
