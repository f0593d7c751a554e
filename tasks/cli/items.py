"""CLI: ``bzops item list|show|decide|submit`` — approval items (事项) for scripts and tests.

``--as LOGIN`` names the account acting (its role, scope and name, as in the portal); every move
goes through the same engine as the portal (``models.approvals.engine``). Exit code 0 on success,
1 when the move or the submission is refused (the Chinese reason on stderr).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import click

import models.approvals.kinds  # noqa: F401  (registers the item kinds)
from models.accounts.permissions import PermissionDenied
from models.approvals.engine import decide, submit
from models.approvals.kind import KINDS, Application, ItemRefused
from models.approvals.labels import MOVE_LABELS, STATUS_LABELS
from models.approvals.outcome import ItemError, Outcome
from models.approvals.query import ItemDetail, ItemRow, item_detail, list_items, my_items
from models.approvals.signers import actor_of, scope_of
from models.approvals.words import figure_lines
from models.core.db import local_today, transaction
from models.core.decision import Actor
from models.core.runtime import Runtime
from models.staffing.edits import unit_ids_of
from models.staffing.scope import Scope
from tasks.cli.common import CONTEXT, fail, run_async, settings_of
from tasks.cli.item_text import detail_lines, row_line
from tasks.importing.safe_cells import visible

REFUSALS = (ItemError, ItemRefused, PermissionDenied)


class Refused(Exception):
    """A refusal to print in red with exit code 1."""


@click.group(context_settings=CONTEXT)
def item() -> None:
    """审批事项：列出、查看、审批、提交（用编、入编、出编、核职、任免、解锁、整改销号、情况说明）。"""


async def _actor(session: Any, login: str) -> Actor:
    found = await actor_of(session, login)
    if found is None:
        raise Refused(f"账号 {login} 不存在或已锁定")
    return found


@item.command("list", context_settings=CONTEXT)
@click.option("--as", "login", help="以该账号查看其事项箱（不填：全部事项）")
@click.option("--box", type=click.Choice(["todo", "submitted", "done"]), default="todo", show_default=True,
              help="todo 待我审批 / submitted 我提交的 / done 已办（需 --as）")
@click.option("--status", type=click.Choice(list(STATUS_LABELS)), help="按状态筛选（全部事项时）")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def list_command(ctx: click.Context, login: str | None, box: str, status: str | None, fmt: str) -> None:
    """列出事项：类型、单位、标题、状态、当前环节、时效。"""
    today = local_today(settings_of(ctx).tz)

    async def _go(rt: Runtime) -> list[ItemRow]:
        async with rt.sessions() as session:
            if login is None:
                return await list_items(session, scope=Scope(everything=True), today=today, status=status, limit=500)
            actor = await _actor(session, login)
            scope = await scope_of(session, login=actor.login, role=actor.role)
            return await my_items(session, login=login, scope=scope, box=box, today=today,  # type: ignore[arg-type]
                                  limit=500)
    rows = _run(ctx, _go)
    if fmt == "json":
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, default=str, indent=1))
        return
    for row in rows:
        click.echo(visible(row_line(row)))
    click.echo(f"共 {len(rows)} 件")


@item.command(context_settings=CONTEXT)
@click.argument("item_id", type=int)
@click.option("--as", "login", help="以该账号查看（按其管辖范围；并列出其可执行的操作）")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def show(ctx: click.Context, item_id: int, login: str | None, fmt: str) -> None:
    """查看一个事项：环节、审批人、时间线、数字。"""
    settings = settings_of(ctx)
    today = local_today(settings.tz)

    async def _go(rt: Runtime) -> ItemDetail | None:
        async with rt.sessions() as session:
            if login is None:
                return await item_detail(session, item_id, scope=Scope(everything=True), today=today)
            actor = await _actor(session, login)
            scope = await scope_of(session, login=actor.login, role=actor.role)
            return await item_detail(session, item_id, scope=scope, today=today, login=actor.login, role=actor.role)
    found = _run(ctx, _go)
    if found is None:
        fail(f"事项 {item_id} 不存在或不在管辖范围内")
        return
    if fmt == "json":
        click.echo(json.dumps(asdict(found), ensure_ascii=False, default=_plain, indent=1))
        return
    click.echo("\n".join(visible(line) for line in detail_lines(found, settings.tz)))


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, frozenset | set) else str(value)


@item.command("decide", context_settings=CONTEXT)
@click.argument("item_id", type=int)
@click.argument("move", type=click.Choice([*MOVE_LABELS]))
@click.option("--as", "login", required=True, help="审批人（或申请人）的登录名")
@click.option("--note", help="意见（不同意、退回、评论、解除暂缓时必填）")
@click.option("--to", "to_login", help="转交或加签的对象（登录名）")
@click.option("--to-step", type=click.IntRange(min=1), help="退回到第几个环节（从 1 起；不填则退回申请人）")
@click.option("--doc-no", help="文号（终审同意时）")
@click.option("--version", type=int, help="您看到的事项版本（防止重复或过时的操作）")
@click.option("--field", "fields", multiple=True, help="重新提交时修改的字段，如 --field count=2（JSON值）")
@click.pass_context
def decide_command(ctx: click.Context, item_id: int, move: str, login: str, note: str | None, to_login: str | None,
                   to_step: int | None, doc_no: str | None, version: int | None, fields: tuple[str, ...]) -> None:
    """审批一个事项：approve 同意 / reject 不同意 / return 退回 / transfer 转交 / add_signer 加签 /
    comment 评论 / withdraw 撤回 / resubmit 重新提交 / lift 解除暂缓。"""
    today, payload = local_today(settings_of(ctx).tz), _fields(fields) if fields else None

    async def _go(rt: Runtime) -> Outcome:
        async with transaction(rt.sessions) as session:
            actor = await _actor(session, login)
            return await decide(session, item_id, actor, move, today=today, note=note, version=version,
                                to_login=to_login, to_step=None if to_step is None else to_step - 1, doc_no=doc_no,
                                payload=payload, tz=settings_of(ctx).tz)
    click.secho(_said(_run(ctx, _go)), fg="green")


@item.command("submit", context_settings=CONTEXT)
@click.option("--as", "login", required=True, help="申请人的登录名")
@click.option("--kind", required=True, help=f"事项类型：{'、'.join(f'{k.code} {k.label}' for k in KINDS.values())}")
@click.option("--unit", "unit_code", required=True, help="机构编码")
@click.option("--title", required=True, help="事项标题")
@click.option("--field", "fields", multiple=True, help="事项内容，如 --field est_type=XZ --field count=2（JSON值）")
@click.option("--basis", "basis_id", type=int, help="入编所依据的用编事项编号")
@click.option("--person", "person_id", type=int, help="人员编号（出编、任免）")
@click.option("--warning", "warning_id", type=int, help="预警编号（整改销号、情况说明）")
@click.pass_context
def submit_command(ctx: click.Context, login: str, kind: str, unit_code: str, title: str, fields: tuple[str, ...],
                   basis_id: int | None, person_id: int | None, warning_id: int | None) -> None:
    """提交一个事项（先做预检：超编、类型不符、超职数等会被拒绝，并给出数字）。"""
    today, payload = local_today(settings_of(ctx).tz), _fields(fields)

    async def _go(rt: Runtime) -> Outcome:
        async with transaction(rt.sessions) as session:
            actor = await _actor(session, login)
            unit_id = (await unit_ids_of(session, [unit_code])).get(unit_code)
            if unit_id is None:
                raise Refused(f"机构编码 {unit_code} 不存在")
            application = Application(kind, unit_id, title, payload, warning_id, person_id, basis_id)
            return await submit(session, application, actor, today=today)
    outcome = _run(ctx, _go)
    click.secho(f"事项 {outcome.item_id}：{_said(outcome)}", fg="green")


def _fields(fields: tuple[str, ...]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for field in fields:
        key, sep, raw = field.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"应为 名称=值：{field}", param_hint="--field")
        try:
            parsed[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            parsed[key.strip()] = raw  # plain text needs no quotes
    return parsed


def _said(outcome: Outcome) -> str:
    lines = [outcome.message, *figure_lines(outcome.figures)]
    return "；".join(line for line in lines if line) + f"（版本 {outcome.version}）"


def _run(ctx: click.Context, work: Any) -> Any:
    try:
        return run_async(ctx, work)
    except (Refused, *REFUSALS) as refused:
        fail(str(refused))


def register(group: click.Group) -> None:
    group.add_command(item)

