"""Each robot command as a person uses it: a signed callback in, a reply on the session webhook out,
the database checked behind it. Scope is the point: nothing outside the sender's units leaks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.accounts.platform_ids import link
from models.accounts.store import ScopeSpec
from models.core.db import transaction
from models.core.tables import AuditLog
from models.warnings.tables import Warning, WarningEvent
from tests.factories import add_account, add_persons, make_id, person_record
from tests.robot.conftest import USERS


async def status_of(rt, warning_id: int) -> str:
    async with rt.sessions() as session:
        return (await session.get(Warning, warning_id)).status


async def test_help_lists_every_command_and_unknown_text_gets_it_too(ask):
    for text in ("帮助", "你好", ""):
        reply = await ask(text)
        assert reply.payload["msgtype"] == "markdown"
        for command in ("待办", "确认 编号", "查 姓名", "帮助"):
            assert command in reply.text


async def test_todo_counts_and_lists_the_senders_warnings_with_portal_links(ask, robot_world):
    reply = await ask("待办")
    mine, theirs = robot_world.mine, robot_world.theirs
    assert "王专员" in reply.text and "未关闭预警" in reply.text
    assert f"W{mine.id}" in reply.text
    assert f"(http://portal.test/warnings/{mine.id})" in reply.text
    assert f"W{theirs.id}" not in reply.text and "乙县" not in reply.text



async def test_todo_is_reused_for_a_minute_but_counted_afresh_after_a_confirm(ask, rt, robot_world):
    mine = robot_world.mine
    first = await ask("待办")
    assert "统计）" in first.text and "（已确认）" not in first.text
    async with transaction(rt.sessions) as session:  # changed in the portal: 待办 may lag a minute
        warning = await session.get(Warning, mine.id)
        warning.status = "acknowledged"
    assert (await ask("待办")).text == first.text
    async with transaction(rt.sessions) as session:
        (await session.get(Warning, mine.id)).status = "open"
    await ask(f"确认 W{mine.id}")  # a 确认 through the robot forgets the sender's 待办
    assert "（已确认）" in (await ask("待办")).text


async def acknowledged_events(rt, warning_id: int) -> list[WarningEvent]:
    async with rt.sessions() as session:
        query = select(WarningEvent).where(WarningEvent.warning_id == warning_id, WarningEvent.kind == "acknowledged")
        return list((await session.scalars(query)).all())


async def test_unknown_and_locked_senders_get_a_polite_refusal_and_nothing_else(ask, rt, robot_world):
    mine = robot_world.mine
    for sender in ("dt-nobody", ""):
        reply = await ask("待办", sender=sender)
        assert "尚未关联 BZOps 账号" in reply.text and f"W{mine.id}" not in reply.text
    reply = await ask(f"确认 W{mine.id}", sender=USERS["locked"])
    assert "已停用" in reply.text
    assert await status_of(rt, mine.id) == "open"


async def test_todo_in_a_group_mentions_the_sender(ask, robot_world):
    reply = await ask("待办", group=True)
    assert reply.payload["at"] == {"atUserIds": [USERS["steward"]]}
    assert f"W{robot_world.mine.id}" in reply.text


async def test_todo_with_nothing_open_says_so(ask, rt, robot_world):
    await add_account(rt, "quiet", "steward", [ScopeSpec("C1-B", False)], display_name="钱专员")
    async with transaction(rt.sessions) as session:
        await link(session, login="quiet", platform="dingtalk", user_id="dt-quiet", actor="test")
    reply = await ask("待办", sender="dt-quiet")
    assert "**钱专员**，您负责的范围内暂无未关闭的预警" in reply.text


@pytest.mark.parametrize("typed", ["确认 W{id}", "确认 w{id}", "确认 {id}", "确认W{id}", "确认：#{id}",
                                   "　确认　W{id}　"])
async def test_ack_acknowledges_once_through_the_decision_step(ask, rt, robot_world, typed):
    mine = robot_world.mine
    reply = await ask(typed.format(id=mine.id))
    assert f"已确认预警 **W{mine.id}**" in reply.text and "甲县财政局" in reply.text
    assert await status_of(rt, mine.id) == "acknowledged"
    again = await ask(f"确认 W{mine.id}")
    assert f"预警 W{mine.id} 当前为「已确认」" in again.text
    events = await acknowledged_events(rt, mine.id)
    assert [e.actor for e in events] == ["steward"]
    async with rt.sessions() as session:
        audit = (await session.scalars(select(AuditLog).where(AuditLog.action == "warning.acknowledged"))).all()
    assert [(a.actor, a.object_id) for a in audit] == [("steward", str(mine.id))]


async def test_ack_outside_the_scope_reads_like_a_warning_that_does_not_exist(ask, rt, robot_world):
    theirs = robot_world.theirs
    refused = await ask(f"确认 W{theirs.id}")
    assert f"未找到预警 W{theirs.id}，或它不在您负责的范围内" in refused.text
    assert "乙县" not in refused.text and "超编" not in refused.text
    missing = await ask("确认 W987654")
    assert missing.text == refused.text.replace(str(theirs.id), "987654")
    assert await status_of(rt, theirs.id) == "open"


async def test_ack_by_a_role_that_may_not_acknowledge_is_refused(ask, rt, robot_world):
    reply = await ask(f"确认 W{robot_world.mine.id}", sender=USERS["org"])  # sees the unit, may not act
    assert "您的角色不能执行此操作" in reply.text
    assert await status_of(rt, robot_world.mine.id) == "open"


async def test_ack_without_a_usable_number_explains_itself(ask):
    for typed in ("确认", "确认 第三条", "确认 W12345678901"):
        assert "请在「确认」后写预警编号" in (await ask(typed)).text


async def test_find_in_a_one_to_one_chat_shows_names_and_only_masked_ids(ask):
    reply = await ask("查 张三")
    assert "共 6 人" in reply.text and reply.text.count("- 张三 · 3301＊") == 6
    assert "甲县财政局 · 科员 · 在编" in reply.text
    for seq in range(101, 113, 2):
        number = make_id(seq=seq)
        assert number not in reply.text and number[4:12] not in reply.text


async def test_find_in_a_group_masks_names(ask):
    reply = await ask("查张三", group=True)
    assert reply.text.count("- 张＊ · 3301＊") == 6 and "张三 ·" not in reply.text


async def test_find_sees_only_the_senders_units(ask):
    mine = await ask("查 李四")  # six of them, all in the other county
    assert "在您负责的单位中未找到姓名为「李四」的人员" in mine.text and "乙县" not in mine.text
    theirs = await ask("查 李四", sender=USERS["outsider"])
    assert theirs.text.count("乙县财政局") == 6
    assert "未找到" in (await ask("查 张三", sender=USERS["outsider"])).text


async def test_find_lists_at_most_ten(ask, rt, robot_world):
    await add_persons(rt, *(person_record("C1-B", seq=301 + 2 * i, name="周七") for i in range(12)))
    reply = await ask("查 周七", sender=USERS["officer"])
    assert "超过 10 人，仅显示前 10 人" in reply.text and reply.text.count("- 周七 ·") == 10


async def test_find_shows_markup_in_records_as_typed(ask, rt, robot_world):
    name = "[点我](http://evil.example)"
    await add_persons(rt, person_record("C1-A", seq=401, name=name))
    reply = await ask(f"查 {name}")
    assert "](http" not in reply.text and "http://evil" not in reply.text
    assert "［点我］（http：//evil.example）" in reply.text


async def test_find_without_a_name_explains_itself(ask):
    assert "请在「查」后写要查找的姓名" in (await ask("查")).text
