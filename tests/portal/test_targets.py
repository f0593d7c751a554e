"""Admin pages for notification targets: access by persona, the generic config form, secrets that
never come back, edit-keeps-secret, send test through the real send path, disable/enable."""

from __future__ import annotations

import re
from datetime import date

import aiohttp
import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.http import ApiClient
from models.core.db import transaction
from models.core.runtime import Runtime
from models.core.tables import AuditLog
from models.notify.marks import scan_and_mark
from models.notify.tables import Delivery, Outbox, Target
from models.notify.targets import TargetSpec, create_target, decrypt_config
from models.warnings.tables import Warning, WarningEvent
from portal.app import create_app
from tasks.notify.send import send_one
from tests.factories import add_account, add_persons, person_record
from tests.fakes.fixtures import fakes
from tests.portal.conftest import csrf_token, login

__all__ = ["fakes"]
TOKEN = "robot-token-7f3a9c"  # stands for a webhook access_token: a secret
SIGN = "SEC9d8e7f6a5b4c3d2e1f00112233"
WEBHOOK = f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}"
TARGET_URL = re.compile(r"/admin/targets/(\d+)$")


def form(**overrides: str) -> dict[str, str]:
    values = {"name": "甲县财政局群", "kind": "dingtalk", "cfg.access_token": WEBHOOK, "cfg.secret": SIGN,
              "cfg.card": "on", "purposes": "digest", "unit_code": "C1", "subtree": "on", "group_by": "unit",
              "quiet_start": "22:00", "quiet_end": "07:30", "quiet_on_holidays": "on", "s1_bypass": "on",
              "group_wait_s": "0", "group_interval_s": "1800", "repeat_workdays": "1"}
    return {**values, **overrides}


async def post(client, path: str, data: dict[str, str] | None = None):
    return await client.post(path, data={"_csrf": await csrf_token(client), **(data or {})}, allow_redirects=False)


async def create(client, **overrides: str) -> int:
    response = await post(client, "/admin/targets/new", form(**overrides))
    assert response.status == 303, await response.text()
    return int(TARGET_URL.search(response.headers["Location"]).group(1))


async def load(rt, target_id: int) -> Target:
    async with rt.sessions() as session:
        return await session.get(Target, target_id)


async def send(rt, redis, outbox_id: int, fakes=None) -> str:
    """Send one outbox row as the worker would, with DingTalk pointed at the fake."""
    update = {"dingtalk_api_url": fakes.url("dingtalk"), "allow_private_urls": True} if fakes else {}
    runner = Runtime(rt.settings.model_copy(update=update), rt.engine, rt.sessions, rt.cipher)
    async with aiohttp.ClientSession() as session:
        return (await send_one(runner, redis, ApiClient(session, allow_private=True), outbox_id, "test")).status


async def pages(client, target_id: int) -> str:
    paths = ("/admin/targets", f"/admin/targets/{target_id}", f"/admin/targets/{target_id}/edit")
    return "".join([await (await client.get(path)).text() for path in paths])


@pytest.mark.parametrize("persona", ["steward", "officer", "outsider"])
async def test_only_admins_and_auditors_reach_targets(as_user, persona):
    client = await as_user(persona)
    for path in ("/admin/targets", "/admin/targets/new"):
        assert (await client.get(path)).status == 403
    assert (await post(client, "/admin/targets/new", form())).status == 403
    assert "/admin/targets" not in await (await client.get("/")).text()


async def test_an_auditor_reads_but_cannot_change(client, world, rt):
    await add_account(rt, "auditor", "auditor", [])
    assert (await login(client, "admin")).status == 303
    target_id = await create(client)
    await post(client, "/logout")
    assert (await login(client, "auditor")).status == 303
    listing = await (await client.get("/admin/targets")).text()
    assert "甲县财政局群" in listing and "/admin/targets/new" not in listing
    assert (await client.get(f"/admin/targets/{target_id}")).status == 200
    assert (await post(client, f"/admin/targets/{target_id}/disable", {"reason": "x"})).status == 403
    assert (await client.get(f"/admin/targets/{target_id}/edit")).status == 403


async def test_an_admin_adds_a_target_and_its_secrets_never_show(as_user, rt):
    client = await as_user("admin")
    target_id = await create(client, purposes="s1")
    target = await load(rt, target_id)
    assert decrypt_config(rt.cipher, target) == {"access_token": TOKEN, "secret": SIGN, "keyword": None, "card": True}
    assert (target.subtree, target.group_wait_s, target.purposes) == (True, 0, ",s1,")
    html = await pages(client, target_id)
    assert "甲县财政局群" in html and "钉钉群机器人" in html
    assert "甲县（C1）及下级" in html and "严重预警即时通知" in html
    assert TOKEN not in html and SIGN not in html and "oapi.dingtalk.com" not in html
    async with rt.sessions() as session:
        actions = (await session.scalars(select(col(AuditLog.action)).where(AuditLog.object_type == "target"))).all()
    assert actions == ["target.create"]


async def test_the_form_shows_each_kinds_fields_and_secrets_as_passwords(as_user):
    client = await as_user("admin")
    partial = await (await client.get("/admin/targets/new?kind=sms", headers={"HX-Request": "true"})).text()
    assert "<html" not in partial and 'id="config-fields"' in partial
    assert 'type="password" name="cfg.access_key_secret"' in partial and 'name="cfg.phone_numbers"' in partial
    page = await (await client.get("/admin/targets/new")).text()
    assert 'name="cfg.access_token"' in page and "严重预警即时通知" in page and 'name="_csrf"' in page


async def test_errors_are_chinese_and_never_echo_what_was_typed(as_user, rt):
    client = await as_user("admin")
    bad = form(**{"cfg.access_token": "", "cfg.secret": "hunter2-not-a-sign", "quiet_start": "25:00",
                  "group_wait_s": "-1"})
    del bad["purposes"]
    response = await post(client, "/admin/targets/new", bad)
    html = await response.text()
    assert response.status == 400
    for text in ("加签密钥应以 SEC 开头", "必填", "时间格式应为 HH:MM", "至少选择一种用途", "应为 0–86400 的整数"):
        assert text in html
    assert "hunter2" not in html and 'value="甲县财政局群"' in html
    unknown = await post(client, "/admin/targets/new", form(unit_code="NOPE"))
    assert unknown.status == 400 and "机构编码 NOPE 不存在" in await unknown.text()
    async with rt.sessions() as session:
        assert (await session.scalars(select(Target))).all() == []


async def test_editing_with_a_blank_secret_keeps_the_stored_one(as_user, rt):
    client = await as_user("admin")
    target_id = await create(client)
    edited = form(name="甲县财政局工作群", unit_code="C1-A", **{"cfg.access_token": "", "cfg.secret": "",
                                                        "cfg.keyword": "预警"})
    del edited["subtree"]
    response = await post(client, f"/admin/targets/{target_id}/edit", edited)
    assert response.status == 303, await response.text()
    target = await load(rt, target_id)
    assert decrypt_config(rt.cipher, target) == {"access_token": TOKEN, "secret": SIGN, "keyword": "预警", "card": True}
    assert (target.name, target.subtree) == ("甲县财政局工作群", False)
    cleared = form(**{"cfg.access_token": "", "cfg.secret": "", "cfg.secret.clear": "on"})
    await post(client, f"/admin/targets/{target_id}/edit", cleared)
    assert decrypt_config(rt.cipher, await load(rt, target_id))["secret"] is None
    async with rt.sessions() as session:
        details = (await session.scalars(select(col(AuditLog.detail)).where(AuditLog.action == "target.update"))).all()
    assert details[0]["fields"] == ["name", "subtree", "unit_id", "config"]


async def test_send_test_queues_a_row_that_reaches_the_fake_dingtalk(as_user, rt, redis, fakes):
    fakes.dingtalk.add_robot(TOKEN, secret=SIGN)
    client = await as_user("admin")
    target_id = await create(client)
    response = await post(client, f"/admin/targets/{target_id}/test")
    assert response.headers["Location"] == f"/admin/targets/{target_id}?notice=queued"
    async with rt.sessions() as session:
        [row] = (await session.scalars(select(Outbox))).all()
    assert (row.purpose, row.target_id, row.status) == ("test", target_id, "pending")
    assert await redis.exists(f"arq:job:send:{row.id}:{int(row.next_attempt_at.timestamp() * 1000)}")
    assert await send(rt, redis, row.id, fakes) == "sent"
    [sent] = fakes.dingtalk.delivered
    assert "BZOps 测试消息" in sent.text and "【紧急】" not in sent.text
    assert sent.payload["msgUuid"] == row.idempotency_key
    html = await (await client.get(f"/admin/targets/{target_id}?notice=queued")).text()
    assert "测试消息已加入发送队列" in html and "测试消息 · BZOps 测试消息" in html and "成功" in html
    assert TOKEN not in html and SIGN not in html
    second = await post(client, f"/admin/targets/{target_id}/test")
    assert second.status == 303
    async with rt.sessions() as session:
        keys = (await session.scalars(select(col(Outbox.idempotency_key)))).all()
    assert len(set(keys)) == 2


async def test_without_redis_the_test_row_waits_for_the_sweeper(aiohttp_client, settings, rt, world):
    client = await aiohttp_client(create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})))
    assert (await login(client, "admin")).status == 303
    target_id = await create(client, kind="log")
    response = await post(client, f"/admin/targets/{target_id}/test")
    assert response.headers["Location"].endswith("notice=sweeper")
    html = await (await client.get(response.headers["Location"])).text()
    assert "后台巡检会在恢复后自动发送" in html
    async with rt.sessions() as session:
        assert (await session.scalars(select(Outbox))).one().status == "pending"


async def test_a_failed_send_shows_its_error_and_last_error(as_user, rt, redis, fakes):
    client = await as_user("admin")
    target_id = await create(client, **{"cfg.access_token": "removed", "cfg.secret": ""})
    await post(client, f"/admin/targets/{target_id}/test")
    async with rt.sessions() as session:
        outbox_id = (await session.scalars(select(col(Outbox.id)))).one()
    assert await send(rt, redis, outbox_id, fakes) == "failed"
    listing = await (await client.get("/admin/targets")).text()
    assert "已停用" in listing and "最近错误" in listing and "400106" in listing
    detail = await (await client.get(f"/admin/targets/{target_id}")).text()
    assert "失败（不再重试）" in detail and "自动停用" in detail and "发送测试消息" not in detail


async def test_disable_and_enable_with_a_reason(as_user, rt):
    client = await as_user("admin")
    target_id = await create(client, kind="log")
    assert (await post(client, f"/admin/targets/{target_id}/disable", {"reason": "群已解散"})).status == 303
    target = await load(rt, target_id)
    assert (target.enabled, target.disabled_reason) == (False, "群已解散")
    assert "停用原因：群已解散" in await (await client.get("/admin/targets")).text()
    refused = await post(client, f"/admin/targets/{target_id}/test")
    assert refused.headers["Location"].endswith("notice=disabled")
    await post(client, f"/admin/targets/{target_id}/enable")
    assert (await load(rt, target_id)).enabled
    async with rt.sessions() as session:
        assert (await session.scalars(select(Outbox))).all() == []
        actions = (await session.scalars(select(col(AuditLog.action)).where(AuditLog.object_type == "target"))).all()
    assert actions == ["target.create", "target.disable", "target.enable"]


async def test_posts_without_the_csrf_token_are_refused(as_user, rt):
    client = await as_user("admin")
    response = await client.post("/admin/targets/new", data=form(kind="log"), allow_redirects=False)
    assert response.status == 303 and "expired=1" in response.headers["Location"]
    async with rt.sessions() as session:
        assert (await session.scalars(select(Target))).all() == [], "the refused form created nothing"


async def test_a_log_target_is_written_by_the_real_send_path(as_user, rt, redis, settings):
    client = await as_user("admin")
    target_id = await create(client, kind="log")
    await post(client, f"/admin/targets/{target_id}/test")
    async with rt.sessions() as session:
        outbox_id = (await session.scalars(select(col(Outbox.id)))).one()
    assert await send(rt, redis, outbox_id) == "sent"
    [written] = (settings.var_dir / "outbox").glob("*.md")
    assert "BZOps 测试消息" in written.read_text(encoding="utf-8")
    async with rt.sessions() as session:
        delivery = (await session.scalars(select(Delivery))).one()
    assert delivery.message_id == written.name


@pytest.fixture
async def notified(rt, world, redis):
    """C1-A over quota (the steward's unit); a digest carrying the warning sent to a log target."""
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)))
    async with transaction(rt.sessions) as session:
        await scan_and_mark(session, as_of=date(2026, 11, 23), full=True)
        warning_id = (await session.scalars(select(col(Warning.id)).where(Warning.rule_code == "C1_OVER_QUOTA"))).one()
        target = await create_target(session, rt.cipher, TargetSpec("财政局日志", "log", {}, unit_code="C1-A"),
                                     actor="test")
        outbox = Outbox(target_id=target.id, purpose="digest", title="甲县财政局：编制预警新增1条", body="…",
                        idempotency_key="digest-1", warning_ids=[warning_id or 0])
        other = Outbox(target_id=target.id, purpose="digest", title="别的汇总", body="…", idempotency_key="digest-2")
        session.add_all([outbox, other])
    for row in (outbox, other):
        assert await send(rt, redis, row.id) == "sent"
    return warning_id


async def test_a_warning_lists_the_deliveries_that_carried_it(as_user, notified, client):
    steward = await as_user("steward")
    html = await (await steward.get(f"/warnings/{notified}")).text()
    assert "通知记录" in html and "甲县财政局：编制预警新增1条" in html and "财政局日志" in html and "成功" in html
    assert "别的汇总" not in html
    await post(client, "/logout")
    assert (await login(client, "outsider")).status == 303
    assert (await client.get(f"/warnings/{notified}")).status == 404


async def read_events(rt, warning_id: int) -> list[str]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(col(WarningEvent.actor)).where(
            WarningEvent.warning_id == warning_id, WarningEvent.kind == "read").order_by(WarningEvent.id))).all())


async def test_opening_from_chat_records_one_read_per_user(as_user, notified, client, rt):
    steward = await as_user("steward")
    await steward.get(f"/warnings/{notified}")
    assert await read_events(rt, notified) == []  # opened in the portal, not from a chat link
    for _ in range(2):
        html = await (await steward.get(f"/warnings/{notified}?via=chat")).text()
    assert await read_events(rt, notified) == ["steward"]
    assert "已读未办" in html and "王专员" in html
    await post(client, "/logout")
    await login(client, "officer")
    await client.get(f"/warnings/{notified}?via=chat")
    assert await read_events(rt, notified) == ["steward", "officer"]
    listed = await (await client.get("/warnings?read=1")).text()
    assert f'href="/warnings/{notified}"' in listed


async def test_the_read_filter_shows_only_live_warnings_someone_read(as_user, notified, rt):
    client = await as_user("officer")
    assert f'href="/warnings/{notified}"' not in await (await client.get("/warnings?read=1")).text()
    await client.get(f"/warnings/{notified}?via=chat")
    async with transaction(rt.sessions) as session:
        warning = await session.get(Warning, notified)
        warning.status = "resolved"
    assert f'href="/warnings/{notified}"' not in await (await client.get("/warnings?read=1")).text()
    assert "已读未办" not in await (await client.get(f"/warnings/{notified}")).text()
