"""My items and an item's page: a steward files a 用编申请 (the room shown first, a refusal with the
figures), the officer and the leader decide it from the page, the steward sees it approved; a
double tap and a stale form act once; another county's steward gets 404."""

from __future__ import annotations

from datetime import date, timedelta

from models.core.db import transaction
from models.warnings.scan import run_scan
from tests.factories import add_persons, person_record
from tests.portal.items_support import (
    events,
    file_use_quota,
    item_id_of,
    item_row,
    leader,
    move,
    outbox,
    personal,
    switch,
    version_on_page,
)

__all__ = ["leader", "personal"]


async def test_a_steward_files_and_the_officer_and_the_leader_approve(client, as_user, world, leader, rt):
    await as_user("steward")
    form = await client.get("/items/new/use_quota", allow_redirects=False)
    assert form.status == 302 and form.headers["Location"].endswith(f"?unit={world.units['C1-A']}")  # one unit
    page = await (await client.get(form.headers["Location"])).text()
    assert "可用 <b>5</b> 名" in page and "核定 5，在编 0" in page
    filed = await file_use_quota(client, world.units["C1-A"], count=2)
    item_id = item_id_of(filed)
    page = await (await client.get(f"/items/{item_id}")).text()
    assert "已提交，进入科室初审" in page and "撤回申请" in page and "审批中" in page
    await switch(client, "officer")
    assert "有 1 个事项等待您审批" in await (await client.get("/")).text()
    todo = await (await client.get("/items")).text()
    assert f"/items/{item_id}" in todo and "申请使用行政编制2名" in todo and "王专员" in todo
    assert "同意" in await (await client.get(f"/items/{item_id}")).text()
    page = await move(client, item_id, "approve", note="人数合理")
    assert "分管领导终审" in page
    await switch(client, "leader")
    page = await move(client, item_id, "approve", doc_no="安编办〔2026〕12号")
    assert "已批准" in page and "安编办〔2026〕12号" in page
    await switch(client, "steward")
    page = await (await client.get(f"/items/{item_id}")).text()
    assert "已批准" in page and "批准后" in page and "撤回申请" not in page
    assert (await item_row(rt, item_id)).status == "approved"


async def test_over_the_quota_is_refused_with_the_figures_and_the_form_kept(client, as_user, world):
    await as_user("steward")
    response = await file_use_quota(client, world.units["C1-A"], count=9)
    page = await response.text()
    assert response.status == 400
    assert "超出核定编制：行政编制核定 5 名" in page and "本次申请 9 名" in page
    assert 'value="9"' in page and "补充退休空缺" in page  # nothing typed is lost


async def test_a_double_tap_and_a_stale_form_act_once(client, as_user, world, leader, rt):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    await switch(client, "officer")
    seen = await version_on_page(client, item_id)
    await move(client, item_id, "approve", version=seen)
    again = await move(client, item_id, "approve", version=seen)
    assert "无需重复操作" in again or "请刷新" in again
    assert (await events(rt, item_id)).count("approved_step") == 1


async def test_returned_to_the_applicant_needs_a_reason_and_can_be_resubmitted(client, as_user, world, leader, rt):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    await switch(client, "officer")
    assert "请填写" in await move(client, item_id, "return", back="applicant")
    page = await move(client, item_id, "return", back="applicant", note="请补充招考计划")
    assert "已退回" in page
    await switch(client, "steward")
    page = await (await client.get(f"/items/{item_id}")).text()
    assert "请补充招考计划" in page and "重新提交" in page
    assert 'name="count"' in page and "补充退休空缺" in page  # the fields to change, filled in
    await move(client, item_id, "resubmit", note="已补充", count="1", reason="补充一名退休空缺，拟公开招考")
    item = await item_row(rt, item_id)
    assert item.status == "pending" and item.payload["count"] == "1" and "公开招考" in item.payload["reason"]
    assert item.title == "申请使用行政编制1名：补充一名退休空缺，拟公开招考"  # lists and cards follow


async def test_the_applicant_hurries_the_signers_once_a_day(client, as_user, world, personal, rt):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    before = len(await outbox(rt))
    assert "已催办" in await move(client, item_id, "remind")
    assert "今天已催办过" in await move(client, item_id, "remind")
    hurried = (await outbox(rt))[before:]
    assert [r.target_id for r in hurried] == [personal["officer"]] and "【催办】" in hurried[0].title


async def test_the_applicant_withdraws_before_the_first_decision(client, as_user, world, rt):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    page = await move(client, item_id, "withdraw")
    assert "已撤回" in page and (await item_row(rt, item_id)).status == "withdrawn"


async def test_an_item_of_another_county_reads_as_missing(client, as_user, world):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    await switch(client, "outsider")
    assert (await client.get(f"/items/{item_id}")).status == 404
    data = {"_csrf": "x", "version": "1"}
    assert (await client.post(f"/items/{item_id}/approve", data=data, allow_redirects=False)).status in (303, 404)


async def test_a_held_item_shows_why_and_an_officer_lifts_the_hold(client, as_user, world, rt):
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)))  # 超编 (S1)
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=date.today() - timedelta(days=90), full=True)  # found long ago: overdue
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"], count=1, est_type="GQ"))
    page = await (await client.get(f"/items/{item_id}")).text()
    assert "暂缓审批" in page and "严重预警逾期未整改" in page and "解除暂缓，进入审批" not in page
    await switch(client, "officer")
    assert "请填写" in await move(client, item_id, "lift")
    page = await move(client, item_id, "lift", note="已整改，正在核实")
    assert (await item_row(rt, item_id)).status == "pending" and "科室初审" in page


async def test_a_comment_carries_a_checked_file_that_readers_download_and_the_audit_counts(client, as_user, world, rt):
    from urllib.parse import unquote

    from aiohttp import FormData
    from sqlalchemy import select

    from models.core.tables import AuditLog
    from tests.portal.conftest import csrf_token

    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    pdf = b"%PDF-1.4\n" + b"0" * 100

    async def comment(data: bytes, name: str) -> str:
        form = FormData()
        version = str(await version_on_page(client, item_id))
        for key, value in (("_csrf", await csrf_token(client)), ("version", version), ("note", "附招考计划")):
            form.add_field(key, value)
        form.add_field("attachment", data, filename=name, content_type="application/pdf")
        response = await client.post(f"/items/{item_id}/comment", data=form, allow_redirects=False)
        return await (await client.get(response.headers["Location"])).text()

    assert "内容须与扩展名一致" in await comment(b"MZ\x90\x00 not a pdf", "计划.pdf")
    page = await comment(pdf, "招考计划.pdf")
    assert "招考计划.pdf" in page
    download = await client.get(f"/items/{item_id}/files/1")
    assert download.status == 200 and await download.read() == pdf
    assert unquote(download.headers["Content-Disposition"]).endswith("招考计划.pdf")
    async with rt.sessions() as session:
        uploads = (await session.scalars(select(AuditLog).where(AuditLog.action == "attachment.upload"))).all()
    assert [(a.object_type, a.object_id, a.detail["size"]) for a in uploads] == [("item", str(item_id), len(pdf))]
