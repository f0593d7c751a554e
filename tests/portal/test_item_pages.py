"""What people read on the item pages, found trying the demo as its users would: a held item waits in
the officer's 待我审批 (or nobody finds it), a signer of an ended step no longer reads 待审批, 加签 and
转交 are told apart, a portal-filed 用编申请 carries its reason in its title, and a refused card link
points back to 我的事项."""

from __future__ import annotations

import re
from datetime import date, timedelta

from models.accounts.store import ScopeSpec
from models.core.db import transaction
from models.warnings.scan import run_scan
from tests.factories import add_account, add_persons, person_record
from tests.portal.items_support import file_use_quota, item_id_of, leader, move, switch

__all__ = ["leader"]
COUNT = re.compile(r"待我审批\s*<[^>]*>(\d+)<")


def todo_count(page: str) -> int:
    found = COUNT.search(page)
    assert found, "the 待我审批 tab shows its count"
    return int(found.group(1))


def signer_line(page: str, name: str) -> str:
    found = re.search(rf"<li>{name}：.*?</li>", page, re.S)
    assert found, f"{name} is listed under the step"
    return found.group(0)


async def test_a_held_item_waits_in_the_officers_todo_box_until_lifted(client, as_user, world, rt):
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)))  # 超编 (S1)
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=date.today() - timedelta(days=90), full=True)  # found long ago: overdue
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"], count=1, est_type="GQ"))
    assert f"/items/{item_id}" not in await (await client.get("/items")).text()  # the steward cannot lift it
    await switch(client, "officer")
    todo = await (await client.get("/items")).text()
    assert f"/items/{item_id}" in todo and "暂缓审批" in todo and todo_count(todo) == 1
    await move(client, item_id, "lift", note="已整改，正在核实")
    todo = await (await client.get("/items")).text()
    assert f"/items/{item_id}" in todo and "科室初审" in todo and todo_count(todo) == 1  # now as its step


async def test_a_withdrawn_items_signer_no_longer_reads_as_waiting(client, as_user, world):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    await move(client, item_id, "withdraw")
    page = await (await client.get(f"/items/{item_id}")).text()
    assert "待审批" not in signer_line(page, "李科长") and "未审批" in signer_line(page, "李科长")


async def test_an_added_signer_reads_as_added_and_the_title_carries_the_reason(client, as_user, world, leader):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    await switch(client, "officer")
    page = await move(client, item_id, "add_signer", to_login="leader")
    assert "李科长加签" in signer_line(page, "孙局长") and "转交" not in signer_line(page, "孙局长")
    assert "申请使用行政编制2名：补充退休空缺" in await (await client.get("/items")).text()


async def test_a_signer_handed_the_item_reads_as_transferred(client, as_user, world, rt):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    await add_account(rt, "officer2", "officer", [ScopeSpec("C1", True)], display_name="赵科员")  # joined later
    await switch(client, "officer")
    page = await move(client, item_id, "transfer", to_login="officer2")
    assert "李科长转交" in signer_line(page, "赵科员") and "已转交" in signer_line(page, "李科长")


async def test_a_refused_item_link_points_to_my_items_not_warnings(client, as_user, world):
    await as_user("officer")
    page = await (await client.get("/a/i/not-a-token")).text()
    assert "无法使用此链接" in page and 'href="/items"' in page and 'href="/warnings"' not in page.split("<main")[-1]
