"""``bzops target add|list|test|disable|enable`` as an admin runs them.

Sync tests drive the CLI like a shell would (it runs its own event loop; ``rt`` is requested for
its clean-up). Tests that need the fake platforms or the worker are async and run the CLI in a
thread, so the fakes keep serving on the test's loop meanwhile."""

from __future__ import annotations

import asyncio
import re

from click.testing import CliRunner
from sqlalchemy import select

from models.core.runtime import runtime
from models.notify.tables import Outbox, Target
from models.notify.targets import decrypt_config
from portal.cli import cli
from tests.factories import add_units, unit_record
from tests.tasks.conftest import SECRET

TOKEN = "robot-token-cli-42"
ADDED = re.compile(r"已添加通知目标 #(\d+)")


def invoke(settings, *args: str):
    return CliRunner().invoke(cli, list(args), obj=settings)


def with_unit(settings) -> None:
    async def _go() -> None:
        async with runtime(settings) as rt:
            await add_units(rt, unit_record("U1", name="甲县财政局"))
    asyncio.run(_go())


def add_robot(settings, *extra: str):
    return invoke(settings, "target", "add", "财政局群", "--kind", "dingtalk", "--unit", "U1", "--subtree",
                  "--purpose", "digest", "--purpose", "s1", "--config", f"access_token={TOKEN}",
                  "--config", f"secret={SECRET}", *extra)


def stored(settings, target_id: int):
    async def _go():
        async with runtime(settings) as rt, rt.sessions() as session:
            target = await session.get(Target, target_id)
            return target, decrypt_config(rt.cipher, target)
    return asyncio.run(_go())


def test_it_adds_and_lists_targets_without_showing_secrets(settings, rt):
    with_unit(settings)
    added = add_robot(settings)
    assert added.exit_code == 0, added.output
    target_id = int(ADDED.search(added.output).group(1))
    target, config = stored(settings, target_id)
    assert config["access_token"] == TOKEN and config["secret"] == SECRET
    assert (target.purposes, target.subtree, target.created_by) == (",digest,s1,", True, "cli")
    listing = invoke(settings, "target", "list")
    assert "财政局群" in listing.output and "U1+下级" in listing.output and "digest,s1" in listing.output
    assert "共 1 个" in listing.output
    assert TOKEN not in added.output + listing.output and SECRET not in added.output + listing.output


def test_it_refuses_a_bad_config_naming_fields_not_values(settings, rt):
    with_unit(settings)
    bad = invoke(settings, "target", "add", "群", "--kind", "dingtalk", "--config", "secret=hunter2-secret")
    assert bad.exit_code == 1 and "access_token" in bad.output and "secret" in bad.output
    assert "hunter2" not in bad.output
    unit = add_robot(settings, "--unit", "NOPE")
    assert unit.exit_code == 1 and "机构编码 NOPE 不存在" in unit.output
    assert invoke(settings, "target", "add", "x", "--kind", "log", "--config", "oops").exit_code == 1
    assert "共 0 个" in invoke(settings, "target", "list").output


def test_disable_and_enable(settings, rt):
    with_unit(settings)
    target_id = ADDED.search(add_robot(settings).output).group(1)
    off = invoke(settings, "target", "disable", target_id, "--reason", "群已解散")
    assert off.exit_code == 0 and "已停用" in off.output
    assert "停用（群已解散）" in invoke(settings, "target", "list").output
    refused = invoke(settings, "target", "test", target_id)
    assert refused.exit_code == 1 and "已停用" in refused.output
    assert invoke(settings, "target", "enable", target_id).exit_code == 0
    assert stored(settings, int(target_id))[0].enabled
    assert invoke(settings, "target", "disable", "999", "--reason", "x").exit_code == 1


async def test_a_test_message_is_sent_by_the_real_worker(notify_settings, nrt, redis, run_worker):
    added = await asyncio.to_thread(invoke, notify_settings, "target", "add", "开发日志", "--kind", "log")
    target_id = ADDED.search(added.output).group(1)
    queued = await asyncio.to_thread(invoke, notify_settings, "target", "test", target_id)
    assert queued.exit_code == 0 and "worker 会发送它（已加入发送队列）" in queued.output
    await run_worker()
    [written] = (notify_settings.var_dir / "outbox").glob("*.md")
    assert "BZOps 测试消息" in written.read_text(encoding="utf-8")
    async with nrt.sessions() as session:
        row = (await session.scalars(select(Outbox))).one()
    assert (row.purpose, row.status) == ("test", "sent")


async def test_now_sends_in_process_to_the_fake_dingtalk(notify_settings, nrt, redis, fakes):
    fakes.dingtalk.add_robot(TOKEN, secret=SECRET)
    await add_units(nrt, unit_record("U1", name="甲县财政局"))
    added = await asyncio.to_thread(add_robot, notify_settings)
    target_id = ADDED.search(added.output).group(1)
    sent = await asyncio.to_thread(invoke, notify_settings, "target", "test", target_id, "--now")
    assert sent.exit_code == 0 and "发送成功" in sent.output, sent.output
    [delivered] = fakes.dingtalk.delivered
    assert "BZOps 测试消息" in delivered.text
    fakes.dingtalk.robots.clear()  # the robot is gone: the error is shown, not the token
    failed = await asyncio.to_thread(invoke, notify_settings, "target", "test", target_id, "--now")
    assert "发送失败" in failed.output and "400101" in failed.output and TOKEN not in failed.output
    listing = await asyncio.to_thread(invoke, notify_settings, "target", "list")
    assert "自动停用" in listing.output and TOKEN not in listing.output
