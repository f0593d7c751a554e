"""CLI: ``bzops target add|list|test|disable|enable`` — notification targets (bindings).

Secrets are validated, stored encrypted and never printed: listings show kind and scope only,
and config errors name the fields, never the values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import registry
from bot.render import make_test_message
from models.core.db import saved_id, transaction
from models.core.runtime import Runtime
from models.notify.deliveries import deliveries_for_target, queue_test_message, target_row
from models.notify.tables import PURPOSES, Outbox, Target
from models.notify.targets import TargetError, TargetSpec, create_target, list_targets, purposes_of, set_enabled
from tasks.cli.common import CONTEXT, fail, run_async
from tasks.notify.record import SendResult
from tasks.redis_check import redis_reachable

RESULTS = {"sent": "发送成功", "skipped": "已由其他 worker 处理", "deferred": "已推迟（限流或暂停中）",
           "retry": "发送失败，稍后重试", "failed": "发送失败", "suppressed": "未发送（重复内容）",
           "cancelled": "已取消（目标已停用）"}


@click.group(context_settings=CONTEXT)
def target() -> None:
    """通知目标（群机器人、工作通知、短信、本地文件）：添加、列出、测试、停用、启用。"""


def _config(kind: str, pairs: tuple[str, ...]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            fail(f"--config 应为 key=value：{name}")
        raw[name.strip()] = value
    try:
        return registry.stored_config(registry.parse_config(kind, raw))
    except ValidationError as exc:
        # Field names only: pydantic messages quote the input, which may be a secret.
        fields = "、".join(".".join(str(p) for p in error["loc"]) or "-" for error in exc.errors())
        fail(f"通道配置无效：{fields}（可用字段：{'、'.join(registry.get(kind).Config.model_fields)}）")
        raise AssertionError("unreachable: fail() exits") from None


@target.command(context_settings=CONTEXT)
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(list(registry.CHANNELS)), help="通道类型")
@click.option("--unit", "unit_code", help="机构编码（不填表示全部机构）")
@click.option("--subtree", is_flag=True, help="包括下级机构")
@click.option("--purpose", "purposes", multiple=True, type=click.Choice(list(PURPOSES)),
              help="用途（可多次），默认 digest")
@click.option("--group-by", type=click.Choice(["unit", "all"]), default="unit", show_default=True)
@click.option("--config", "pairs", multiple=True, help="通道配置 key=value（可多次），如 access_token=…")
@click.option("--actor", default="cli", show_default=True)
@click.pass_context
def add(ctx: click.Context, name: str, kind: str, unit_code: str | None, subtree: bool, purposes: tuple[str, ...],
        group_by: str, pairs: tuple[str, ...], actor: str) -> None:
    """添加通知目标。密钥加密保存，不会显示。"""
    spec = TargetSpec(name=name, kind=kind, config=_config(kind, pairs), purposes=purposes or ("digest",),
                      unit_code=unit_code, subtree=subtree, group_by=group_by)

    async def _go(rt: Runtime) -> int:
        async with transaction(rt.sessions) as session:
            return saved_id(await create_target(session, rt.cipher, spec, actor=actor))
    try:
        target_id = run_async(ctx, _go)
    except TargetError as error:
        fail(str(error))
        return
    click.secho(f"已添加通知目标 #{target_id} {name}（{registry.get(kind).label}）", fg="green")


def _line(row: dict[str, Any]) -> str:
    t: Target = row["target"]
    scope = f"{row['unit_code']}{'+下级' if t.subtree else ''}" if row["unit_code"] else "全部机构"
    state = "启用" if t.enabled else f"停用（{t.disabled_reason or ''}）"
    error = f"  最近错误：{t.last_error}" if t.last_error else ""
    return f"{t.id:<5} {t.name:<16} {t.kind:<10} {scope:<14} {','.join(purposes_of(t)):<20} {state}{error}"


@target.command("list", context_settings=CONTEXT)
@click.pass_context
def list_(ctx: click.Context) -> None:
    """列出通知目标（编号、名称、类型、范围、用途、状态、最近错误）。"""
    async def _go(rt: Runtime) -> list[dict[str, Any]]:
        async with rt.sessions() as session:
            return await list_targets(session)
    rows = run_async(ctx, _go)
    for row in rows:
        click.echo(_line(row))
    click.echo(f"共 {len(rows)} 个")


async def _load(session: AsyncSession, target_id: int) -> Target:
    row = await target_row(session, target_id=target_id)
    if row is None:
        raise TargetError(f"通知目标 #{target_id} 不存在")
    return row["target"]  # type: ignore[no-any-return]


async def _queue_test(rt: Runtime, target_id: int) -> Outbox:
    now = datetime.now(ZoneInfo(rt.settings.tz))
    async with transaction(rt.sessions) as session:
        target = await _load(session, target_id)
        if not target.enabled:
            raise TargetError(f"通知目标 #{target_id} 已停用，请先启用")
        message = make_test_message(label=registry.get(target.kind).label, portal_url=rt.settings.public_url, now=now)
        return await queue_test_message(session, target=target, title=message.title, body=message.body,
                                        link=message.link, actor="cli")


async def _enqueue(rt: Runtime, row: Outbox) -> bool:
    from arq import create_pool

    from tasks.notify.sweep import job_id
    from tasks.worker import redis_settings

    if not await redis_reachable(rt.settings.redis_url):
        return False
    pool = await create_pool(redis_settings(rt.settings))
    try:
        await pool.enqueue_job("send_outbox", row.id, _job_id=job_id(saved_id(row), row.next_attempt_at))
    finally:
        await pool.aclose()
    return True


async def _send_now(rt: Runtime, row: Outbox) -> tuple[SendResult, str | None]:
    """Send in this process, through the same code the worker runs; the last delivery's error."""
    from aiohttp import ClientSession
    from arq import create_pool

    from bot.http import ApiClient
    from tasks.notify.send import send_one
    from tasks.worker import redis_settings

    pool = await create_pool(redis_settings(rt.settings))
    try:
        async with ClientSession() as http_session:
            http = ApiClient(http_session, allow_private=rt.settings.allow_private_urls)
            result = await send_one(rt, pool, http, saved_id(row), "cli")
    finally:
        await pool.aclose()
    async with rt.sessions() as session:
        latest = await deliveries_for_target(session, target_id=row.target_id, limit=1)
    return result, latest[0]["d"].error if latest else None


@target.command(context_settings=CONTEXT)
@click.argument("target_id", type=int)
@click.option("--now", "now_", is_flag=True, help="在本进程立即发送并显示结果（不经 worker）")
@click.pass_context
def test(ctx: click.Context, target_id: int, now_: bool) -> None:
    """发送测试消息：写入发件箱，由 worker 发送；--now 立即发送。"""
    async def _go(rt: Runtime) -> str:
        row = await _queue_test(rt, target_id)
        if now_:
            result, error = await _send_now(rt, row)
            return f"测试消息 #{row.id}：{RESULTS.get(result.status, result.status)}" + (f"：{error}" if error else "")
        where = "已加入发送队列" if await _enqueue(rt, row) else "Redis 暂不可用，后台巡检会补发"
        return f"测试消息 #{row.id} 已写入发件箱，worker 会发送它（{where}）。用 bzops target list 查看结果。"
    try:
        click.echo(run_async(ctx, _go))
    except TargetError as error:
        fail(str(error))


def _toggle(ctx: click.Context, target_id: int, *, enabled: bool, reason: str | None) -> None:
    async def _go(rt: Runtime) -> str:
        async with transaction(rt.sessions) as session:
            target = await _load(session, target_id)
            await set_enabled(session, target, enabled=enabled, reason=reason, actor="cli")
            return target.name
    try:
        name = run_async(ctx, _go)
    except TargetError as error:
        fail(str(error))
        return
    click.secho(f"通知目标 #{target_id} {name} 已{'启用' if enabled else '停用'}", fg="green")


@target.command(context_settings=CONTEXT)
@click.argument("target_id", type=int)
@click.option("--reason", required=True, help="停用原因（显示在门户中）")
@click.pass_context
def disable(ctx: click.Context, target_id: int, reason: str) -> None:
    """停用通知目标：不再发送，待发消息保留，启用后继续。"""
    _toggle(ctx, target_id, enabled=False, reason=reason)


@target.command(context_settings=CONTEXT)
@click.argument("target_id", type=int)
@click.pass_context
def enable(ctx: click.Context, target_id: int) -> None:
    """启用通知目标（同时解除限流暂停）。"""
    _toggle(ctx, target_id, enabled=True, reason=None)


def register(group: click.Group) -> None:
    group.add_command(target)

