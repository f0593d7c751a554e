"""CLI: ``bzops seed`` — generated test data (files or database) and the demo data set."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import click

from models.core.enums import Role, label
from tasks.cli.common import CONTEXT, fail, run_async
from tasks.importing.progress import bar
from tasks.seed.defects import TITLES
from tasks.seed.demo import DemoResult, seed_demo
from tasks.seed.generate import SeedOptions, SeedResult
from tasks.seed.writer import SeedRefused, seed_database, seed_files

T = TypeVar("T")


@click.command(context_settings=CONTEXT)
@click.option("--demo", is_flag=True, help="演示数据：安吉县约40个机构、约1500人，每类缺陷2–3处，另建各角色演示账号")
@click.option("--units", type=click.IntRange(min=1), help="机构数（精确生成这么多）")
@click.option("--persons", type=click.IntRange(min=0), help="人员数（精确生成这么多）")
@click.option("--seed", "seed_value", type=int, default=1, show_default=True,
              help="随机种子：参数相同则输出逐字节相同")
@click.option("--defects", "rate", type=click.FloatRange(0, 0.05), default=0.01, show_default=True,
              help="每类缺陷涉及的机构/人员比例，0 为无缺陷数据")
@click.option("--to-files", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="写成 DIR/units.csv、DIR/persons.csv（可用 bzops import 导入）和 DIR/defects.json，不写数据库")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="基准日期 YYYY-MM-DD（默认今天）：年龄、退休、入编日期都相对此日")
@click.pass_context
def seed(ctx: click.Context, demo: bool, units: int | None, persons: int | None, seed_value: int, rate: float,
         out_dir: Path | None, as_of: datetime | None) -> None:
    """生成测试数据：机构树（省→市→县→乡镇）、实名制人员和已知缺陷清单。

    \b
    bzops seed --demo                                      空数据库写入演示数据和演示账号
    bzops seed --units 50000 --persons 1000000 --seed 7    写入数据库（须为空库）
    bzops seed --units 60 --persons 1000 --to-files out/   写成可导入的 CSV 文件

    缺陷清单（每类规则及涉及的机构编码/脱敏身份证号）写到 DIR/defects.json 或 var/seed-defects.json。
    身份证号类缺陷（A1–A4）导入时会被拒绝，所以只在直接写数据库时注入，文件输出中没有。
    """
    day = as_of.date() if as_of else date.today()
    if demo:
        if units is not None or persons is not None or out_dir is not None:
            fail("--demo 不能与 --units、--persons、--to-files 同时使用")
        print_demo(_guard(lambda: run_async(ctx, lambda rt: seed_demo(rt, day, bar(1500, "生成人员", "人")))))
        return
    if units is None or persons is None:
        fail("请给出 --units 和 --persons，或使用 --demo")
        return
    options = SeedOptions(units, persons, seed_value, day, rate, to_files=out_dir is not None)
    progress = bar(persons, "生成人员", "人")
    if out_dir is not None:
        result = _guard(lambda: asyncio.run(seed_files(options, out_dir, progress)))
    else:
        result = _guard(lambda: run_async(ctx, lambda rt: seed_database(rt, options, progress)))
    _print_result(result)


def _guard(work: Callable[[], T]) -> T:
    try:
        return work()
    except (SeedRefused, ValueError) as error:
        fail(str(error))
        raise SystemExit(1) from error  # not reached: fail() exits


def _print_result(result: SeedResult) -> None:
    _print_counts(result.manifest.counts())
    click.echo(f"缺陷清单：{result.manifest_path}")
    click.secho(result.summary(), fg="green")


def _print_counts(counts: dict[str, int]) -> None:
    shown = [f"{kind} {TITLES[kind]} {n}" for kind, n in counts.items() if n]
    if shown:
        click.echo("注入缺陷：" + "；".join(shown))


def print_demo(result: DemoResult) -> None:
    _print_counts(result.counts)
    click.echo(f"缺陷清单：{result.manifest_path}")
    click.echo("演示账号（密码均为 bzops-demo）：")
    click.echo(f"  {_pad('登录名', 10)}{_pad('角色', 18)}可见范围")
    for account in result.accounts:
        click.echo(f"  {_pad(account.login, 10)}{_pad(label(Role, account.role), 18)}{account.scope}")
    if result.items:  # 事项 in every state: open 门户 → 事项 as officer, leader or steward2 to act on them
        click.echo("演示事项（门户“事项”页）：" + "；".join(result.items))
    click.secho(result.summary, fg="green")


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal: CJK characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)


def register(group: click.Group) -> None:
    group.add_command(seed)
