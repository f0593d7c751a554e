"""Admin: notification targets (bindings) — list, add, edit, send a test, disable/enable, and each
target's delivery history. Admins change; auditors read. Every change is audited by models.targets."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import registry
from bot.render import make_test_message
from models.accounts.names import names_for
from models.accounts.permissions import Action, can
from models.core.db import saved_id, transaction, utcnow
from models.notify.deliveries import deliveries_for_target, queue_test_message, target_row, unit_id_for
from models.notify.tables import PURPOSES, Outbox, Target
from models.notify.targets import (
    TargetError,
    TargetSpec,
    create_target,
    decrypt_config,
    list_targets,
    purposes_of,
    set_enabled,
    update_target,
)
from portal.auth import requires
from portal.context import actor
from portal.keys import ACCOUNT, ARQ, RUNTIME, SETTINGS
from portal.render import render
from portal.views.callbacks import receipt_url
from portal.views.target_forms import (
    GROUP_BY,
    INTS,
    config_fields,
    config_raw,
    config_redisplay,
    config_values,
    parse_config,
    read_settings,
    values_of,
)
from tasks.notify.sweep import job_id

TIMING = ("quiet_start", "quiet_end", "quiet_on_holidays", "s1_bypass", *INTS)
NOTICES = {"queued": "测试消息已加入发送队列，稍后刷新本页查看发送结果。",
           "sweeper": "测试消息已写入发件箱。任务队列（Redis）暂不可用，后台巡检会在恢复后自动发送（约每30秒一次）。",
           "disabled": "该目标已停用，不能发送测试消息，请先启用。"}



def _common(request: web.Request) -> dict[str, Any]:
    return {"purposes": PURPOSES, "kinds": dict(registry.kind_choices()), "group_by": GROUP_BY,
            "purposes_of": purposes_of, "now": utcnow(),
            "editable": can(request[ACCOUNT].role, Action.EDIT_TARGETS)}  # type: ignore[union-attr]


async def _row(session: AsyncSession, request: web.Request) -> dict[str, Any]:
    row = await target_row(session, target_id=int(request.match_info["target_id"]))
    if row is None:
        raise web.HTTPNotFound()
    return row


def _form(request: web.Request, *, target: Target | None, kind: str, values: dict[str, Any], config: dict[str, Any],
          errors: dict[str, str], status: int = 200) -> web.Response:
    context = {"target": target, "kind": kind, "fields": config_fields(kind), "v": values, "cfg": config,
               "errors": errors, **_common(request)}
    return render(request, "targets/form.html", context, partial="targets/_config.html", status=status)


@requires(Action.VIEW_TARGETS)
async def target_list(request: web.Request) -> web.StreamResponse:
    async with request.app[RUNTIME].sessions() as session:
        rows = await list_targets(session)
    return render(request, "targets/list.html", {"rows": rows, **_common(request)})


@requires(Action.EDIT_TARGETS)
async def target_new(request: web.Request) -> web.StreamResponse:
    kind = request.query.get("kind", "dingtalk")
    kind = kind if kind in registry.CHANNELS else "dingtalk"
    values = values_of(Target(name="", kind=kind, config_enc=b""), None)
    return _form(request, target=None, kind=kind, values=values, config=config_values(kind, {}), errors={})


@requires(Action.EDIT_TARGETS)
async def target_create(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    kind = str(form.get("kind", ""))
    values, errors = read_settings(form)
    if kind not in registry.CHANNELS:
        kind, errors["kind"] = "dingtalk", "请选择类型"
    config, config_errors = parse_config(kind, config_raw(kind, form, None))
    errors |= config_errors
    if not errors:
        try:
            target_id = await _create(request, kind, values, config)
        except TargetError as error:
            errors["unit_code"] = str(error)
        else:
            raise web.HTTPSeeOther(f"/admin/targets/{target_id}")
    return _form(request, target=None, kind=kind, values=values, config=config_redisplay(kind, form, None),
                 errors=errors, status=400)


async def _create(request: web.Request, kind: str, values: dict[str, Any], config: dict[str, Any]) -> int:
    rt = request.app[RUNTIME]
    spec = TargetSpec(name=values["name"], kind=kind, config=config, purposes=tuple(values["purposes"]),
                      unit_code=values["unit_code"] or None, subtree=values["subtree"], group_by=values["group_by"])
    async with transaction(rt.sessions) as session:
        target = await create_target(session, rt.cipher, spec, actor=actor(request).login)
        for name in TIMING:
            setattr(target, name, values[name])
        session.add(target)
        return saved_id(target)


@requires(Action.EDIT_TARGETS)
async def target_edit(request: web.Request) -> web.StreamResponse:
    rt = request.app[RUNTIME]
    async with rt.sessions() as session:
        row = await _row(session, request)
    target = row["target"]
    config = config_values(target.kind, decrypt_config(rt.cipher, target))
    return _form(request, target=target, kind=target.kind, values=values_of(target, row["unit_code"]),
                 config=config, errors={})


@requires(Action.EDIT_TARGETS)
async def target_update(request: web.Request) -> web.StreamResponse:
    rt, form = request.app[RUNTIME], await request.post()
    async with rt.sessions() as session:
        target = (await _row(session, request))["target"]
    old = decrypt_config(rt.cipher, target)
    values, errors = read_settings(form)
    config, config_errors = parse_config(target.kind, config_raw(target.kind, form, old))
    errors |= config_errors
    if not errors:
        try:
            await _update(request, saved_id(target), values, None if config == old else config)
        except TargetError as error:
            errors["unit_code"] = str(error)
        else:
            raise web.HTTPSeeOther(f"/admin/targets/{target.id}")
    return _form(request, target=target, kind=target.kind, values=values,
                 config=config_redisplay(target.kind, form, old), errors=errors, status=400)


async def _update(request: web.Request, target_id: int, values: dict[str, Any], config: dict[str, Any] | None) -> None:
    """Apply only what changed, so the audit row names exactly the changed fields."""
    rt = request.app[RUNTIME]
    async with transaction(rt.sessions) as session:
        target = await session.get(Target, target_id)
        assert target is not None
        fields = {name: values[name] for name in (*TIMING, "name", "subtree", "group_by")}
        fields["unit_id"] = await unit_id_for(session, code=values["unit_code"])
        changes = {name: value for name, value in fields.items() if getattr(target, name) != value}
        if set(values["purposes"]) != set(purposes_of(target)):
            changes["purposes"] = values["purposes"]
        if changes or config is not None:
            await update_target(session, rt.cipher, target, actor=actor(request).login, config=config, **changes)


@requires(Action.VIEW_TARGETS)
async def target_detail(request: web.Request) -> web.StreamResponse:
    async with request.app[RUNTIME].sessions() as session:
        row = await _row(session, request)
        deliveries = await deliveries_for_target(session, target_id=row["target"].id)
        creator = (await names_for(session, logins={row["target"].created_by}))[row["target"].created_by]
    sms_url = receipt_url(request.app[SETTINGS]) if row["target"].kind == "sms" else None
    context = {"row": row, "t": row["target"], "deliveries": deliveries, "receipt_url": sms_url, "show_target": False,
               "creator": creator,
               "notice": NOTICES.get(request.query.get("notice", "")), **_common(request)}
    return render(request, "targets/detail.html", context)


@requires(Action.EDIT_TARGETS)
async def target_test(request: web.Request) -> web.StreamResponse:
    """Queue a test message through the real pipeline (outbox → worker → channel → delivery row)."""
    rt, settings = request.app[RUNTIME], request.app[SETTINGS]
    async with transaction(rt.sessions) as session:
        target = (await _row(session, request))["target"]
        row = None
        if target.enabled:
            message = make_test_message(label=registry.get(target.kind).label, portal_url=settings.public_url,
                                        now=datetime.now(ZoneInfo(settings.tz)))
            row = await queue_test_message(session, target=target, title=message.title, body=message.body,
                                           link=message.link, actor=actor(request).login)
    notice = await _enqueue(request, row) if row else "disabled"
    raise web.HTTPSeeOther(f"/admin/targets/{target.id}?notice={notice}")


async def _enqueue(request: web.Request, row: Outbox) -> str:
    """Queue the send now; without Redis the sweeper finds the due row on its own."""
    pool = request.app[ARQ]
    if pool is None:
        return "sweeper"
    try:
        await pool.enqueue_job("send_outbox", row.id, _job_id=job_id(saved_id(row), row.next_attempt_at))
    except (RedisError, OSError):
        return "sweeper"
    return "queued"


@requires(Action.EDIT_TARGETS)
async def target_toggle(request: web.Request) -> web.StreamResponse:
    """POST …/disable (with a reason) or …/enable."""
    enable = request.path.endswith("/enable")
    reason = str((await request.post()).get("reason", "")).strip()[:300] or "管理员停用"
    async with transaction(request.app[RUNTIME].sessions) as session:
        target = (await _row(session, request))["target"]
        await set_enabled(session, target, enabled=enable, reason=None if enable else reason,
                          actor=actor(request).login)
    raise web.HTTPSeeOther(f"/admin/targets/{target.id}")
