"""The admin CLI (``bzops``): migrate, seed, import, export, template, user, worker, scan, warnings, rules,
holidays, payroll.

``portal.cli`` adds ``web`` and ``run`` on top (the portal sits above tasks in the import order).
Every command prints a one-line summary; exit code 0 is success, 1 a refused or failed command,
3 an import that kept its valid rows but rejected others (``--partial``).
"""

from __future__ import annotations

import logging

import click

from models.core.runtime import Runtime
from tasks.cli.common import CONTEXT, run_async


@click.group(context_settings=CONTEXT)
@click.option("-v", "--verbose", is_flag=True, help="输出调试日志 / debug logging")
def cli(verbose: bool) -> None:
    """BZOps 机构编制实名制数据治理 —— 预警、提醒、审批与红黑榜。

    配置来自环境变量 BZOPS_*（见 deploy/env.example）。每个子命令都有 --help。
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:  # migrations list every plugin at INFO; only problems matter on the console
        logging.getLogger("alembic").setLevel(logging.WARNING)


@cli.command(context_settings=CONTEXT)
@click.option("--revision", default="head", show_default=True, help="目标版本")
@click.pass_context
def migrate(ctx: click.Context, revision: str) -> None:
    """升级数据库结构（Alembic）。"""
    from models.migrate import upgrade

    async def _go(rt: Runtime) -> None:
        await upgrade(rt.engine, rt.settings, revision)

    run_async(ctx, _go)
    click.echo(f"数据库已升级到 {revision}")


def _register_all() -> None:
    from tasks.cli import data, holidays, items, rules, seed, targets, users, worker

    for module in (data, holidays, items, rules, seed, targets, users, worker):
        module.register(cli)
    from tasks.cli import robot  # bzops stream

    robot.register(cli)
    from tasks.cli import payroll  # bzops payroll import|list

    payroll.register(cli)
    from tasks.cli import unittasks  # bzops task list|show

    unittasks.register(cli)
    from tasks.cli import colours  # bzops colours --month

    colours.register(cli)
    from tasks.cli import locks  # bzops lock --month

    locks.register(cli)
    from tasks.cli import scores  # bzops score --month

    scores.register(cli)


_register_all()
