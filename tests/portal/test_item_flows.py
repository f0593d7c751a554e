"""The admin's flow editor (add, move, remove steps without scripts; validated; versioned; a stale
form refused with the typing kept) and the timeliness page (办理时效)."""

from __future__ import annotations

import re

from tests.portal.conftest import csrf_token
from tests.portal.items_support import file_use_quota, item_id_of, item_row, leader, move, switch

__all__ = ["leader"]
STEP_NAMES = re.compile(r'name="name" value="([^"]*)"')


def form(version: str, steps: list[tuple[str, str, str, str]], op: str = "save") -> list[tuple[str, str]]:
    fields = [("kind", "use_quota"), ("region", ""), ("version", version), ("op", op)]
    for name, role, mode, days in steps:
        fields += [("name", name), ("role", role), ("mode", mode), ("days", days)]
    return fields


DEFAULT = [("科室初审", "officer", "any", "2"), ("分管领导终审", "leader", "any", "2")]


async def edit(client, version: str, steps: list[tuple[str, str, str, str]], op: str = "save"):
    data = [("_csrf", await csrf_token(client)), *form(version, steps, op)]
    return await client.post("/admin/flows/edit", data=data, allow_redirects=False)


async def test_an_admin_edits_a_flow_and_new_items_walk_it(client, as_user, world, leader, rt):
    await as_user("admin")
    page = await (await client.get("/admin/flows")).text()
    assert "用编申请" in page and "科室初审 → 分管领导终审" in page and "系统默认" in page
    added = await (await edit(client, "0", DEFAULT, op="add")).text()
    assert len(STEP_NAMES.findall(added)) == 3, "添加环节 draws one more step, unsaved"
    moved = await (await edit(client, "0", [*DEFAULT, ("组织部会签", "org", "all", "3")], op="up-2")).text()
    assert STEP_NAMES.findall(moved) == ["科室初审", "组织部会签", "分管领导终审"]
    bad = await edit(client, "0", [("科室初审", "officer", "any", "0")])
    assert bad.status == 400 and "期限须为 1 至 30 个工作日" in await bad.text()
    steps = [("科室初审", "officer", "any", "2"), ("组织部会签", "org", "all", "3"),
             ("分管领导终审", "leader", "any", "2")]
    saved = await edit(client, "0", steps)
    assert saved.status == 303 and "第 1 版" in await (await client.get("/admin/flows")).text()
    stale = await edit(client, "0", DEFAULT)
    assert stale.status == 400 and "已被他人修改" in await stale.text() and "分管领导终审" in await stale.text()
    await switch(client, "steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    assert [s["name"] for s in (await item_row(rt, item_id)).steps] == ["科室初审", "组织部会签", "分管领导终审"]
    await switch(client, "admin")
    reset = await client.post("/admin/flows/reset", data={"_csrf": await csrf_token(client), "kind": "use_quota",
                                                          "region": ""}, allow_redirects=False)
    assert reset.status == 303 and "系统默认" in await (await client.get("/admin/flows")).text()


async def test_timeliness_shows_the_steps_and_the_median(client, as_user, world, leader):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    for who in ("officer", "leader"):
        await switch(client, who)
        await move(client, item_id, "approve")
    page = await (await client.get("/items/stats")).text()
    assert "用编申请" in page and "已批准 1 件" in page and "科室初审" in page and "李科长" in page
    await switch(client, "steward")
    assert (await client.get("/items/stats")).status == 403
