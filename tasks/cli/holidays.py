"""CLI: ``bzops holidays list|set|unset|import|year`` — the working-day calendar (节假日与调休).

Every change goes through ``models.warnings.calendar_change.change_calendar``: the rows, the
recomputed deadlines of live warnings and one audit row (actor ``cli`` unless ``--actor``) commit
together. ``import`` reads the notice file first and writes nothing when any line is bad.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from models.core.calendar import CalendarChange, CalendarDay, CalendarError, DayEntry, load_calendar, year_days
from models.core.db import local_today, transaction
from models.core.runtime import Runtime
from models.core.schedule import ScheduleError, import_year, parse_schedule
from models.core.workdays import SOURCE_LABELS, WEEKDAYS, YEAR_LABELS
from models.warnings.calendar_change import change_calendar
from tasks.cli.common import CONTEXT, fail, path_arg, run_async, settings_of

DATE = click.DateTime(formats=["%Y-%m-%d"])
ACTOR = click.option("--actor", default="cli", show_default=True, help="记入审计日志的操作人")


@click.group("holidays", context_settings=CONTEXT)
def holidays() -> None:
    """节假日与调休（工作日日历）：查看、设置某一天、导入国务院节假日安排、标记某年已录入。

    整改期限按工作日计算。chinese_calendar 库没有的年份，录入国务院通知之前按法定节假日估算并标“估算”；
    每次修改都会重算相关预警的期限，并写入审计日志。
    """


@holidays.command("list", context_settings=CONTEXT)
@click.option("--year", type=int, help="年份（默认今年）")
@click.pass_context
def list_(ctx: click.Context, year: int | None) -> None:
    """列出某年的节假日、调休上班日和管理员设置，注明来源：法定(库) / 管理员设置 / 估算。"""
    year = year or local_today(settings_of(ctx).tz).year

    async def _go(rt: Runtime) -> tuple[str, list[CalendarDay]]:
        async with rt.sessions() as session:
            calendar = await load_calendar(session)
            return calendar.year_source(year), await year_days(session, year=year)

    source, days = run_async(ctx, _go)
    click.echo(f"{year}年：{YEAR_LABELS[source]}")
    for d in days:
        kind = "班" if d.is_workday else "休"
        line = f"{d.day.isoformat()} {WEEKDAYS[d.day.weekday()]} {kind} {SOURCE_LABELS[d.source]} {d.name}"
        click.echo(line.rstrip())
    click.echo(f"共 {len(days)} 天")


@holidays.command("set", context_settings=CONTEXT)
@click.argument("day", type=DATE, metavar="DATE")
@click.option("--workday/--holiday", "workday", default=None, help="设为上班日（班）或休息日（休）")
@click.option("--note", default="", help="备注，如“春节调休”")
@ACTOR
@click.pass_context
def set_(ctx: click.Context, day: datetime, workday: bool | None, note: str, actor: str) -> None:
    """把某一天设为上班日或休息日（优先于库和估算）。DATE 如 2027-02-14。"""
    if workday is None:
        fail("请指定 --workday（上班）或 --holiday（休息）")
        return
    entry = DayEntry(day.date(), workday, note.strip())
    moved = _change(ctx, CalendarChange("set", set_days=(entry,)), actor)
    click.secho(f"已将 {_day(entry.day)}设为{'上班日' if workday else '休息日'}；{_moved(moved)}", fg="green")


@holidays.command(context_settings=CONTEXT)
@click.argument("day", type=DATE, metavar="DATE")
@ACTOR
@click.pass_context
def unset(ctx: click.Context, day: datetime, actor: str) -> None:
    """取消管理员对某一天的设置，恢复为库或估算的结果。"""
    moved = _change(ctx, CalendarChange("unset", unset_days=(day.date(),)), actor)
    click.secho(f"已取消 {_day(day.date())} 的设置；{_moved(moved)}", fg="green")


@holidays.command("import", context_settings=CONTEXT)
@click.argument("file", type=path_arg())
@click.option("--year", type=int, help="通知所属年份（默认为文件中最晚的年份）")
@ACTOR
@click.pass_context
def import_(ctx: click.Context, file: Path, year: int | None, actor: str) -> None:
    """导入国务院节假日安排（文本文件），并把该年标记为已录入（不再估算）。

    \b
    每行“日期[~日期],休或班[,备注]”，# 开头为注释，例如：
      2027-01-01,休,元旦
      2027-02-05~2027-02-11,休,春节
      2027-02-14,班,春节调休
    有任何一行不对，整个文件都不导入，并列出出错的行号。
    """
    try:
        schedule = parse_schedule(file.read_bytes())
        marked = import_year(schedule, year)
    except ScheduleError as error:
        fail(str(error))
        return
    change = CalendarChange("import", set_days=schedule.entries, entered={marked: True})
    moved = _change(ctx, change, actor)
    click.secho(f"已导入 {len(schedule.entries)} 天，{marked}年标记为已录入国务院安排；{_moved(moved)}", fg="green")


@holidays.command(context_settings=CONTEXT)
@click.argument("year", type=int)
@click.option("--official/--estimated", "official", default=None,
              help="--official：该年国务院安排已全部录入；--estimated：撤销，恢复估算")
@ACTOR
@click.pass_context
def year(ctx: click.Context, year: int, official: bool | None, actor: str) -> None:
    """标记某年的国务院节假日安排已全部录入（去掉“估算”），或撤销该标记。"""
    if official is None:
        fail("请指定 --official（已录入）或 --estimated（撤销）")
        return
    moved = _change(ctx, CalendarChange("year", entered={year: official}), actor)
    state = "已录入国务院安排" if official else "未录入国务院安排（按估算）"
    click.secho(f"{year}年标记为{state}；{_moved(moved)}", fg="green")


def _change(ctx: click.Context, change: CalendarChange, actor: str) -> int:
    async def _go(rt: Runtime) -> int:
        async with transaction(rt.sessions) as session:
            return await change_calendar(session, change=change, actor=actor)
    try:
        return run_async(ctx, _go)
    except CalendarError as error:
        fail(str(error))
        raise AssertionError("unreachable: fail() exits") from None


def _day(day: date) -> str:
    return f"{day.isoformat()}（{WEEKDAYS[day.weekday()]}）"


def _moved(count: int) -> str:
    return f"{count} 条预警的整改期限已重算" if count else "没有预警的整改期限需要改变"


def register(group: click.Group) -> None:
    group.add_command(holidays)
