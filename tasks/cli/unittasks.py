"""CLI: ``bzops task list`` and ``bzops task show ID`` — tasks to units (任务流转) for admins and scripts:
completion rates, and one task's per-unit board. Everything is read with an all-units scope."""

from __future__ import annotations

from datetime import date

import click

from models.core.db import local_today
from models.core.runtime import Runtime
from models.staffing.scope import Scope
from models.unittasks.query import TargetView, TaskSummary, TaskView, board, office_tasks, task_in_scope
from tasks.cli.common import CONTEXT, fail, run_async, settings_of
from tasks.importing.safe_cells import visible

EVERYTHING = Scope(everything=True)


@click.group(context_settings=CONTEXT)
def task() -> None:
    """任务流转：查看编办下发给单位的任务及其完成情况。"""


@task.command("list", context_settings=CONTEXT)
@click.option("--limit", default=50, show_default=True, help="最多列出多少项（最新的在前）")
@click.pass_context
def task_list(ctx: click.Context, limit: int) -> None:
    """列出任务：编号、状态、截止日期、已反馈/单位数、完成率、逾期单位数、标题。"""
    today = local_today(settings_of(ctx).tz)

    async def _go(rt: Runtime) -> list[TaskSummary]:
        async with rt.sessions() as session:
            return await office_tasks(session, scope=EVERYTHING, login="", today=today, limit=limit)

    for s in run_async(ctx, _go):
        p = s.progress
        click.echo(f"{s.task.id}\t{s.task.status_label}\t{s.task.deadline}\t{p.completed}/{p.total}\t{p.rate}\t"
                   f"逾期{p.overdue}\t{visible(s.task.title)}")


@task.command("show", context_settings=CONTEXT)
@click.argument("task_id", type=int)
@click.pass_context
def task_show(ctx: click.Context, task_id: int) -> None:
    """显示一项任务和各单位的办理状态（逾期的标注“逾期”）。"""
    today = local_today(settings_of(ctx).tz)

    async def _go(rt: Runtime) -> tuple[TaskView | None, list[TargetView]]:
        async with rt.sessions() as session:
            found = await task_in_scope(session, scope=EVERYTHING, login="", task_id=task_id)
            return found, await board(session, scope=EVERYTHING, task_id=task_id) if found else []

    found, rows = run_async(ctx, _go)
    if found is None:
        fail(f"没有编号为 {task_id} 的任务")
        return
    click.echo(f"{visible(found.title)}（{found.status_label}，截止 {found.deadline}，{len(rows)} 个单位）")
    for row in rows:
        click.echo(_line(row, today))


def _line(row: TargetView, today: date) -> str:
    late = "\t逾期" if row.overdue(today) else ""
    grade = f"\t{row.grade_label} {row.points}分" if row.grade else ""
    return f"{row.id}\t{visible(row.unit_name)}\t{row.status_label}{late}{grade}"


def register(group: click.Group) -> None:
    group.add_command(task)
