"""/admin/holidays: the year's days with their source, admins set, restore and upload, others read or
are refused, and every change moves the deadlines it moves."""

from __future__ import annotations

from datetime import date

import aiohttp
from sqlalchemy import select

from models.core.calendar import load_calendar
from models.core.db import transaction
from models.core.tables import AuditLog, HolidayOverride
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from tests.factories import add_persons, person_record
from tests.portal.conftest import csrf_token

NOTICE = "# 2027年节假日安排\n2027-01-01,休,元旦\n2027-02-05~2027-02-11,休,春节\n2027-02-14,班,春节调休\n"


async def post(client, path: str, data: dict[str, str]):
    return await client.post(path, data={"_csrf": await csrf_token(client), **data}, allow_redirects=False)


async def upload(client, content: bytes, year: str = ""):
    form = aiohttp.FormData()
    form.add_field("_csrf", await csrf_token(client))
    form.add_field("back", "2027")
    form.add_field("year", year)
    form.add_field("file", content, filename="2027年安排.txt", content_type="text/plain")
    return await client.post("/admin/holidays/import", data=form, allow_redirects=False)


async def next_page(client, response) -> str:
    return await (await client.get(response.headers["Location"])).text()


async def overrides(rt) -> dict[date, bool]:
    async with rt.sessions() as session:
        return {r.day: r.is_workday for r in (await session.scalars(select(HolidayOverride))).all()}


async def audits(rt) -> list[AuditLog]:
    async with rt.sessions() as session:
        query = select(AuditLog).where(AuditLog.action.startswith("calendar.")).order_by(AuditLog.id)
        return list((await session.scalars(query)).all())


async def test_an_admin_sees_the_estimate_and_sets_and_restores_a_day(as_user, rt):
    client = await as_user("admin")
    page = await (await client.get("/admin/holidays?year=2027")).text()
    assert "国务院安排尚未录入" in page and "2027-02-08 星期一 · 休" in page and "春节" in page
    assert 'action="/admin/holidays/import"' in page and "2027年国务院安排已全部录入" in page
    done = await post(client, "/admin/holidays/day", {"year": "2027", "day": "2027-03-01", "kind": "holiday",
                                                      "note": "地方假日"})
    assert done.status == 303 and done.headers["Location"] == "/admin/holidays?year=2027&notice=day"
    page = await next_page(client, done)
    assert "2027-03-01 星期一 · 休" in page and "管理员设置" in page and "地方假日" in page and "取消设置" in page
    assert await overrides(rt) == {date(2027, 3, 1): False}
    restored = await post(client, "/admin/holidays/day", {"year": "2027", "day": "2027-03-01", "kind": "unset"})
    assert restored.status == 303 and await overrides(rt) == {}
    assert [(a.action, a.actor, a.object_id, a.ip is not None) for a in await audits(rt)] == [
        ("calendar.set", "admin", "2027-03-01", True), ("calendar.unset", "admin", "2027-03-01", True)]


async def test_a_bad_day_comes_back_as_a_message_not_in_the_link(as_user, rt):
    client = await as_user("admin")
    bad = await post(client, "/admin/holidays/day", {"year": "2027", "day": "2027-02-30", "kind": "holiday"})
    assert bad.status == 303 and bad.headers["Location"] == "/admin/holidays?year=2027"
    assert 'role="alert"' in (page := await next_page(client, bad)) and "请填写日期" in page
    long_note = await post(client, "/admin/holidays/day", {"day": "2027-03-01", "kind": "holiday", "note": "长" * 101})
    assert "备注不能超过 100 个字" in await next_page(client, long_note)
    assert await overrides(rt) == {} and await audits(rt) == []


async def test_an_upload_enters_the_year_and_a_bad_one_writes_nothing(as_user, rt):
    client = await as_user("admin")
    bad = await upload(client, "2027-01-01,休\n2027-13-01,休\n2027-02-06,放\n".encode())
    assert bad.status == 303 and bad.headers["Location"] == "/admin/holidays?year=2027"
    page = await next_page(client, bad)
    assert "文件未导入" in page and "第 2 行" in page and "第 3 行" in page and "第 1 行" not in page
    assert await overrides(rt) == {} and await audits(rt) == []
    done = await upload(client, NOTICE.encode())
    assert done.status == 303 and done.headers["Location"] == "/admin/holidays?year=2027&notice=import"
    page = await next_page(client, done)
    assert "国务院安排已录入" in page and "撤销“已录入”标记" in page and "导入了国务院安排" in page
    assert len(await overrides(rt)) == 9
    async with rt.sessions() as session:
        assert (await load_calendar(session)).entered_years == {2027}
    (audit,) = await audits(rt)
    assert (audit.action, audit.actor, (audit.detail or {})["entered"]) == ("calendar.import", "admin", {"2027": True})


async def test_an_upload_without_a_file_or_for_a_year_not_in_it_is_refused(as_user, rt):
    client = await as_user("admin")
    empty = await post(client, "/admin/holidays/import", {"back": "2027"})
    assert "请选择要上传的文件" in await next_page(client, empty)
    wrong_year = await upload(client, NOTICE.encode(), year="2028")
    assert "文件中没有 2028 年的日期" in await next_page(client, wrong_year)
    assert await overrides(rt) == {}


async def test_a_change_moves_deadlines_and_the_page_says_how_many(as_user, rt, world):
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)))
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
    client = await as_user("admin")
    done = await post(client, "/admin/holidays/day", {"year": "2026", "day": "2026-12-04", "kind": "holiday"})
    page = await next_page(client, done)
    async with rt.sessions() as session:
        warning = (await session.scalars(select(Warning).where(Warning.rule_code == "C1_OVER_QUOTA"))).one()
    assert warning.due_date == date(2026, 12, 22)
    moved = ((await audits(rt))[0].detail or {})["deadlines_moved"]
    assert moved >= 1 and f"{moved} 条预警的整改期限随之重算" in page


async def test_officers_read_without_forms_and_stewards_are_refused(as_user, rt):
    client = await as_user("officer")
    page = await (await client.get("/admin/holidays?year=2026")).text()
    assert "法定(库)" in page and "2026-02-14 星期六 · 班" in page and "_csrf" not in page.split("<main>")[1]
    refused = await post(client, "/admin/holidays/day", {"day": "2027-03-01", "kind": "holiday"})
    assert refused.status == 403 and await overrides(rt) == {}
    assert (await upload(client, NOTICE.encode())).status == 403 and await overrides(rt) == {}
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    steward = await as_user("steward")
    assert (await steward.get("/admin/holidays")).status == 403
