"""CLI: ``bzops user create|list|reset|lock|unlock``."""

from __future__ import annotations

import click

from models.accounts.store import AccountError, ScopeSpec, create_account, default_subtree, list_accounts, set_lock
from models.accounts.store import reset_password as reset_account_password
from models.core.db import transaction
from models.core.enums import Role, label
from models.core.runtime import Runtime
from tasks.cli.common import CONTEXT, fail, run_async

ROLE = click.Choice([r.value for r in Role])


@click.group(context_settings=CONTEXT)
def user() -> None:
    """账号管理（创建、列出、重置密码、锁定、解锁）。

    角色：steward 单位数据管理专员，officer 编办科室干部，leader 编办分管领导，org 组织部门，
    hr 人社部门，finance 财政部门，admin 系统管理员，auditor 审计员。
    """


@user.command(context_settings=CONTEXT)
@click.argument("login")
@click.option("--name", "display_name", required=True, help="显示名")
@click.option("--role", type=ROLE, required=True, help="角色")
@click.option("--unit", "units", multiple=True, help="可见机构编码（可多次）；管理员和审计员可见全部")
@click.option("--mobile", help="手机号（短信提醒用）")
@click.password_option(help="密码（至少8位）")
@click.pass_context
def create(ctx: click.Context, login: str, display_name: str, role: str, units: tuple[str, ...],
           mobile: str | None, password: str) -> None:
    """创建账号。单位专员只看本单位，编办等角色看所选机构及其下级。"""
    scopes = [ScopeSpec(code, default_subtree(role)) for code in units]

    async def _go(rt: Runtime) -> None:
        async with transaction(rt.sessions) as session:
            await create_account(session, login=login, display_name=display_name, role=role,
                                 password=password, scopes=scopes, mobile=mobile)
    _guard(ctx, _go)
    click.secho(f"已创建账号 {login}（{label(Role, role)}）", fg="green")


@user.command("list", context_settings=CONTEXT)
@click.pass_context
def list_(ctx: click.Context) -> None:
    """列出全部账号。"""
    async def _go(rt: Runtime) -> None:
        async with rt.sessions() as session:
            for a in await list_accounts(session):
                state = f"已锁定：{a.lock_reason}" if a.locked else "正常"
                click.echo(f"{a.login:<16} {a.display_name:<10} {label(Role, a.role):<10} {state}")
    run_async(ctx, _go)


@user.command(context_settings=CONTEXT)
@click.argument("login")
@click.password_option(help="新密码（至少8位）")
@click.pass_context
def reset(ctx: click.Context, login: str, password: str) -> None:
    """重置密码（同时清除失败计数）。"""
    async def _go(rt: Runtime) -> None:
        async with transaction(rt.sessions) as session:
            await reset_account_password(session, login=login, password=password, actor="cli")
    _guard(ctx, _go)
    click.secho(f"已重置 {login} 的密码", fg="green")


@user.command(context_settings=CONTEXT)
@click.argument("login")
@click.option("--reason", required=True, help="锁定原因（登录时显示）")
@click.pass_context
def lock(ctx: click.Context, login: str, reason: str) -> None:
    """锁定账号。"""
    _set_lock(ctx, login, True, reason)
    click.secho(f"已锁定 {login}", fg="green")


@user.command(context_settings=CONTEXT)
@click.argument("login")
@click.pass_context
def unlock(ctx: click.Context, login: str) -> None:
    """解锁账号。"""
    _set_lock(ctx, login, False, None)
    click.secho(f"已解锁 {login}", fg="green")


def _set_lock(ctx: click.Context, login: str, locked: bool, reason: str | None) -> None:
    async def _go(rt: Runtime) -> None:
        async with transaction(rt.sessions) as session:
            await set_lock(session, login=login, locked=locked, reason=reason, actor="cli")
    _guard(ctx, _go)


def _guard(ctx: click.Context, work: object) -> None:
    try:
        run_async(ctx, work)  # type: ignore[arg-type]
    except AccountError as error:
        fail(str(error))


def register(group: click.Group) -> None:
    group.add_command(user)
