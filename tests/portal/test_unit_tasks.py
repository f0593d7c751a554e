"""任务流转 in the portal: the officer publishes from the form, the steward receives and feeds back
with a file, the officer evaluates or returns; scope (404), double taps and bad input."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from urllib.parse import unquote

from aiohttp import FormData
from sqlalchemy import func, select

from models.core.db import local_today, transaction
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from models.unittasks.tables import UnitTask, UnitTaskEvent, UnitTaskTarget
from portal.app import create_app
from tests.portal.conftest import csrf_token, login

PDF = b"%PDF-1.4\n" + b"0" * 100


async def publish_form(client, rt, **fields):
    deadline = (local_today(rt.settings.tz) + timedelta(days=10)).isoformat()
    data = {"_csrf": await csrf_token(client), "title": "11 月底前完成人员学历信息核对", "body": "请逐人核对学历。",
            "deadline": deadline, "mode": "subtree", "intent": "publish", **fields}
    return await client.post("/tasks/new", data=data, allow_redirects=False)


async def targets_by_unit(rt, world) -> dict[str, UnitTaskTarget]:
    names = {v: k for k, v in world.units.items()}
    async with rt.sessions() as session:
        rows = (await session.scalars(select(UnitTaskTarget))).all()
    return {names[r.unit_id]: r for r in rows}


async def post(client, path: str, **fields):
    return await client.post(path, data={"_csrf": await csrf_token(client), **fields}, allow_redirects=False)


async def switch(client, name: str) -> None:
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    assert (await login(client, name)).status == 303


async def test_publish_receive_feed_back_with_a_file_and_evaluate(as_user, client, rt, world):
    async with transaction(rt.sessions) as session:  # the unit's work group hears of its tasks
        group = await create_target(session, rt.cipher, TargetSpec("财政局工作群", "log", {}, ("reminder",), "C1-A"),
                                    actor="test")
    officer = await as_user("officer")
    response = await publish_form(officer, rt, root=str(world.units["C1"]))  # 包含本级 unticked: 甲县 left out
    assert response.status == 303
    board = await (await officer.get(response.headers["Location"])).text()
    assert "任务已发布给3个单位" in board and "甲县财政局" in board and "甲县第一中学" in board and "0/3" in board
    [notice] = (await _outbox(rt))
    assert notice.target_id == group.id and "收到新任务" in notice.title and "学历信息核对" in notice.body
    target = (await targets_by_unit(rt, world))["C1-A"]
    await switch(client, "steward")
    mine = await (await client.get("/tasks")).text()
    assert "本单位任务" in mine and "请接收任务" in mine and "甲县教育局" not in mine
    assert (await post(client, f"/tasks/targets/{target.id}/receive", version="1")).status == 303
    form = FormData()
    for key, value in {"_csrf": await csrf_token(client), "text": "已核对 21 人，更正 2 人。", "version": "2"}.items():
        form.add_field(key, value)
    form.add_field("attachment", PDF, filename="核对名单.pdf", content_type="application/pdf")
    response = await client.post(f"/tasks/targets/{target.id}/feedback", data=form, allow_redirects=False)
    page = await (await client.get(response.headers["Location"])).text()
    assert "反馈已提交，等待编办评价" in page and "核对名单.pdf" in page
    file_link = re.search(r'href="(/tasks/targets/\d+/files/\d+)"', page).group(1)
    download = await client.get(file_link)
    assert await download.read() == PDF and unquote(download.headers["Content-Disposition"]).endswith("核对名单.pdf")
    await switch(client, "officer")
    assert "1/3" in await (await client.get(f"/tasks/{target.task_id}")).text()
    response = await post(client, f"/tasks/targets/{target.id}/evaluate", grade="excellent", points="98",
                          comment="核对细致", version="3")
    assert "评价已保存" in await (await client.get(response.headers["Location"])).text()
    assert "编办评价：优（98分）" in await (await client.get(f"/tasks/targets/{target.id}")).text()
    told = (await _outbox(rt))[-1]
    assert told.target_id == group.id and "已评价（优）" in told.title


async def _outbox(rt) -> list[Outbox]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(Outbox).order_by(Outbox.id))).all())


async def test_a_steward_cannot_see_or_touch_another_units_target(as_user, client, rt, world):
    officer = await as_user("officer")
    await publish_form(officer, rt, root=str(world.units["C1"]), include_root="1")
    others = await targets_by_unit(rt, world)
    await switch(client, "steward")
    other = others["C1-B"]
    assert (await client.get(f"/tasks/targets/{other.id}")).status == 404
    assert (await post(client, f"/tasks/targets/{other.id}/receive")).status == 404
    assert (await client.get(f"/tasks/targets/{other.id}/files/1")).status == 404
    await switch(client, "outsider")
    assert (await client.get(f"/tasks/{other.task_id}")).status == 404
    assert (await post(client, f"/tasks/targets/{others['C1-A'].id}/receive")).status == 404
    assert (await targets_by_unit(rt, world))["C1-B"].status == "published"


async def test_officers_cannot_act_for_a_unit_and_stewards_cannot_publish_or_judge(as_user, client, rt, world):
    officer = await as_user("officer")
    await publish_form(officer, rt, root=str(world.units["C1"]))
    target = (await targets_by_unit(rt, world))["C1-A"]
    assert (await post(client, f"/tasks/targets/{target.id}/receive")).status == 403
    await switch(client, "steward")
    assert (await client.get("/tasks/new")).status == 403
    assert (await post(client, f"/tasks/targets/{target.id}/return", reason="不行")).status == 403
    assert (await targets_by_unit(rt, world))["C1-A"].status == "published"


async def test_a_double_tap_on_receive_acts_once(aiohttp_client, as_user, client, settings, rt, world):
    officer = await as_user("officer")
    await publish_form(officer, rt, root=str(world.units["C1"]))
    target = (await targets_by_unit(rt, world))["C1-A"]
    await switch(client, "steward")
    second = await aiohttp_client(create_app(settings))
    await login(second, "steward")
    answers = await asyncio.gather(*(post(c, f"/tasks/targets/{target.id}/receive", version="1")
                                     for c in (client, second)))
    assert [a.status for a in answers] == [303, 303]
    pages = [await (await c.get(a.headers["Location"])).text() for c, a in zip((client, second), answers, strict=True)]
    assert sum("已接收任务" in p for p in pages) == 1
    assert sum("已被他人处理" in p or "已经处理过" in p for p in pages) == 1
    async with rt.sessions() as session:
        events = await session.scalar(select(func.count()).select_from(UnitTaskEvent).where(
            UnitTaskEvent.target_id == target.id))
    assert events == 1


async def test_a_return_needs_a_reason_and_the_unit_reads_it(as_user, client, rt, world):
    officer = await as_user("officer")
    await publish_form(officer, rt, root=str(world.units["C1"]))
    target = (await targets_by_unit(rt, world))["C1-A"]
    await switch(client, "steward")
    await post(client, f"/tasks/targets/{target.id}/receive")
    await post(client, f"/tasks/targets/{target.id}/feedback", text="已完成")
    await switch(client, "officer")
    response = await post(client, f"/tasks/targets/{target.id}/return", reason="")
    assert "退回时请填写理由" in await (await client.get(response.headers["Location"])).text()
    await post(client, f"/tasks/targets/{target.id}/return", reason="缺少核对名单")
    await switch(client, "steward")
    assert "被退回，请重做" in await (await client.get("/tasks")).text()
    page = await (await client.get(f"/tasks/targets/{target.id}")).text()
    assert "反馈被退回：缺少核对名单" in page and "提交反馈" in page


async def test_bad_input_shows_the_form_again_with_the_typing_kept(as_user, rt, world):
    officer = await as_user("officer")
    response = await publish_form(officer, rt, title="", root=str(world.units["C1"]), body="保留的内容")
    page = await response.text()
    assert response.status == 200 and "请填写任务标题" in page and "保留的内容" in page
    response = await publish_form(officer, rt, mode="units", unit_ids=[str(world.units["C2-A"])])
    assert "不在您管辖范围" in await response.text()
    async with rt.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(UnitTask)) == 0


async def test_a_draft_waits_for_its_publisher_then_the_task_can_be_closed(as_user, client, rt, world):
    officer = await as_user("officer")
    response = await publish_form(officer, rt, intent="draft", mode="units",
                                  unit_ids=[str(world.units["C1-A"]), str(world.units["C1-B"])])
    task_path = response.headers["Location"]
    assert "已存为草稿" in await (await officer.get(task_path)).text() and await targets_by_unit(rt, world) == {}
    assert "已发布给2个单位" in await (await officer.get((await post(officer, f"{task_path}/publish")).headers[
        "Location"])).text()
    assert "已经处理过" in await (await officer.get((await post(officer, f"{task_path}/publish")).headers[
        "Location"])).text()
    await post(officer, f"{task_path}/close", note="提前结束")
    target = (await targets_by_unit(rt, world))["C1-A"]
    await switch(client, "steward")
    response = await post(client, f"/tasks/targets/{target.id}/receive")
    assert "任务已结束" in await (await client.get(response.headers["Location"])).text()
