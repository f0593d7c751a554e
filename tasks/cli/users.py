"""CLI: ``bzops user create|list|reset|lock|unlock|unblock-ip|link``."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click

from models.accounts.platform_ids import LABELS, Platform, linked_by_account
from models.accounts.platform_ids import link as link_platform_id
from models.accounts.store import (
    AccountError,
    AccountRow,
    ScopeSpec,
    account_rows,
    create_account,
    default_subtree,
    set_lock,
    unblock_address,
)
from models.accounts.store import reset_password as reset_account_password
from models.core.db import transaction, utcnow
from models.core.enums import Role, label
from models.core.runtime import Runtime
from tasks.cli.common import CONTEXT, fail, run_async

ROLE = click.Choice([r.value for r in Role])


@click.group(context_settings=CONTEXT)
def user() -> None:
    """账号管理（创建、列出、重置密码、锁定、解锁、解除地址限制、关联钉钉/浙政钉）。

    角色：steward 单位数据管理专员，officer 编办科室干部，leader 编办分管领导，org 组织部门，
    hr 人社部门，finance 财政部门，admin 系统管理员，auditor 审计员。
    """


@user.command(context_settings=CONTEXT)
@click.argument("login")
@click.option("--name", "display_name", required=True, help="显示名")
@click.option("--role", type=ROLE, required=True, help="角色")
@click.option("--unit", "units", multiple=True, help="可见机构编码（可多次）；管理员和审计员可见全部")
@click.option("--mobile", help="手机号（短信提醒用）")
@click.option("--dingtalk-userid", help="钉钉 userid（在钉钉中免密登录用）")
@click.option("--zzd-userid", help="浙政钉 accountId（在浙政钉中免密登录用）")
@click.password_option(help="密码（至少8位）")
@click.pass_context
def create(ctx: click.Context, login: str, display_name: str, role: str, units: tuple[str, ...],
           mobile: str | None, dingtalk_userid: str | None, zzd_userid: str | None, password: str) -> None:
    """创建账号。单位专员只看本单位，编办等角色看所选机构及其下级。"""
    scopes = [ScopeSpec(code, default_subtree(role)) for code in units]

    async def _go(rt: Runtime) -> None:
        async with transaction(rt.sessions) as session:  # the account and its links, or nothing
            await create_account(session, login=login, display_name=display_name, role=role,
                                 password=password, scopes=scopes, mobile=mobile)
            for platform, user_id in _given(dingtalk_userid, zzd_userid):
                await link_platform_id(session, login=login, platform=platform, user_id=user_id, actor="cli")
    _guard(ctx, _go)
    click.secho(f"已创建账号 {login}（{label(Role, role)}）", fg="green")


@user.command("list", context_settings=CONTEXT)
@click.pass_context
def list_(ctx: click.Context) -> None:
    """列出全部账号、锁定状态（管理员锁定，或多次密码错误后的暂时锁定）和是否已关联钉钉/浙政钉。"""
    async def _go(rt: Runtime) -> None:
        async with rt.sessions() as session:
            links = await linked_by_account(session)
            for a in await account_rows(session, now=utcnow()):
                linked = "".join(f" 已关联{LABELS[p]}" for p in links.get(a.id, []))
                click.echo(f"{a.login:<16} {a.display_name:<10} {label(Role, a.role):<10} {_state(a, rt.settings.tz)}"
                           f"{linked}")
    run_async(ctx, _go)


@user.command(context_settings=CONTEXT)
@click.argument("login")
@click.option("--dingtalk-userid", help="钉钉 userid；空字符串表示解除关联")
@click.option("--zzd-userid", help="浙政钉 accountId；空字符串表示解除关联")
@click.pass_context
def link(ctx: click.Context, login: str, dingtalk_userid: str | None, zzd_userid: str | None) -> None:
    """关联（或解除关联）钉钉 / 浙政钉账号：关联后在应用中打开门户链接即可免密登录。
    一个钉钉 userid 或浙政钉 accountId 只能关联一个账号。"""
    given = _given(dingtalk_userid, zzd_userid)
    if not given:
        fail("请至少指定 --dingtalk-userid 或 --zzd-userid")

    async def _go(rt: Runtime) -> None:
        async with transaction(rt.sessions) as session:
            for platform, user_id in given:
                await link_platform_id(session, login=login, platform=platform, user_id=user_id, actor="cli")
    _guard(ctx, _go)
    for platform, user_id in given:
        click.secho(f"{login}：已{'关联' if user_id.strip() else '解除关联'}{LABELS[platform]}", fg="green")


def _given(dingtalk_userid: str | None, zzd_userid: str | None) -> list[tuple[Platform, str]]:
    pairs: list[tuple[Platform, str | None]] = [("dingtalk", dingtalk_userid), ("zzd", zzd_userid)]
    return [(platform, value) for platform, value in pairs if value is not None]


def _state(a: AccountRow, tz: str) -> str:
    if a.locked:
        return f"已锁定：{a.lock_reason or '未填写原因'}"
    if a.blocked_until:
        until = a.blocked_until.astimezone(ZoneInfo(tz))
        return f"暂时锁定至 {until:%Y-%m-%d %H:%M}（连续{a.failed_logins}次密码错误）"
    return "正常"


@user.command(context_settings=CONTEXT)
@click.argument("login")
@click.password_option(help="新密码（至少8位）")
@click.pass_context
def reset(ctx: click.Context, login: str, password: str) -> None:
    """重置密码（同时清除失败计数和暂时锁定，并让该账号已登录的会话全部失效）。"""
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
    """锁定账号，直到解锁为止（该账号已登录的会话立即失效）。"""
    _set_lock(ctx, login, True, reason)
    click.secho(f"已锁定 {login}", fg="green")


@user.command(context_settings=CONTEXT)
@click.argument("login")
@click.pass_context
def unlock(ctx: click.Context, login: str) -> None:
    """解锁账号：解除管理员锁定，也解除多次密码错误造成的暂时锁定并清零失败计数。"""
    _set_lock(ctx, login, False, None)
    click.secho(f"已解锁 {login}（管理员锁定和暂时锁定均已解除）", fg="green")


@user.command("unblock-ip", context_settings=CONTEXT)
@click.argument("address")
@click.pass_context
def unblock_ip(ctx: click.Context, address: str) -> None:
    """解除某个访问地址因多次密码错误造成的暂时限制（同一单位共用出口地址时）。"""
    async def _go(rt: Runtime) -> bool:
        async with transaction(rt.sessions) as session:
            return await unblock_address(session, ip=address, actor="cli")
    found = run_async(ctx, _go)
    click.secho(f"已解除地址 {address} 的限制" if found else f"地址 {address} 没有失败记录", fg="green")


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
