"""The person page: history in words, and the full ID number as a separate, audited action."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.core.audit import recent
from models.staffing.person_detail import HistoryEntry, PersonView, person_history, person_in_scope
from models.staffing.scope import Scope
from models.staffing.tables import Person
from tasks.importing.persons import import_persons
from tests.factories import add_account, add_persons, make_id, person_record
from tests.files import PERSON_HEADERS, person_row, write_csv
from tests.portal.conftest import csrf_token

NUMBER = make_id(seq=101)
TAGS = re.compile(r"<[^>]+>")


async def person_id(rt) -> int:
    async with rt.sessions() as session:
        return int((await session.scalars(select(col(Person.id)))).one())


async def changed_by_import(rt, tmp_path: Path) -> int:
    """One person created from the portal, then changed by the officer's import in many fields."""
    await add_persons(rt, person_record("C1-A", seq=101, retire_basis=None))
    row = person_row(NUMBER, "C1-A", 姓名="张三", 在编状态="出编", 人员状态="调出", 离岗日期="2026-03-01",
                     任职机构编码="C1-B", 编制类型="工勤编制", 人员身份="工人", 领导职务类别="单位副职",
                     手机号="13700002222", 退休年龄特殊规定="58岁6个月（依据文件）", 学历="本科",
                     入编日期="2010-09-01", 现任职务="科员")
    result = await import_persons(rt.sessions, rt.cipher, write_csv(tmp_path / "p.csv", PERSON_HEADERS, [row]),
                                  actor="officer")
    assert result.committed and result.counts.updated == 1, [p.describe() for p in result.problems]
    return await person_id(rt)


def visible(html: str) -> str:
    return " ".join(TAGS.sub(" ", html).split())


async def test_history_speaks_chinese_names_people_and_units_and_shows_no_codes(as_user, rt, world, tmp_path):
    pid = await changed_by_import(rt, tmp_path)
    client = await as_user("officer")
    text = visible(await (await client.get(f"/persons/{pid}")).text())
    history = text[text.index("历史轨迹"):]
    for line in ("在编状态： 在编 → 出编", "人员状态： 在职 → 调出", "任职机构： 甲县财政局 → 甲县教育局",
                 "编制类型： 行政编制 → 工勤编制", "人员身份： 干部 → 工人", "领导职务类别： 无 → 单位副职",
                 "离岗日期： （空） → 2026-03-01", "手机号： *******8000 → *******2222",
                 "退休年龄： （空） → 58岁6个月"):
        assert line.replace(" ", "") in history.replace(" ", ""), line
    assert "变更 李科长（批量导入）" in history and "建档 系统（门户）" in history
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} 变更", history), "times carry the year"
    for raw in ("True", "False", "officer", "import", "portal", "post_unit_id", "GQ", "worker", "unit_deputy",
                "transferred", "None"):
        assert raw not in history, raw


async def test_the_detail_queries_return_frozen_rows(rt, world, tmp_path):
    pid = await changed_by_import(rt, tmp_path)
    async with rt.sessions() as session:
        person = await person_in_scope(session, scope=Scope(everything=True), person_id=pid)
        history = await person_history(session, person_id=pid, actor_names={"officer": "李科长"})
    assert isinstance(person, PersonView) and all(isinstance(e, HistoryEntry) for e in history)
    with pytest.raises(dataclasses.FrozenInstanceError):
        person.name = "x"  # type: ignore[misc]
    assert person.id_masked == NUMBER[:4] + "*" * 14 and person.missing == ()


async def reveal(client, pid: int, **form: str):
    data = {"_csrf": await csrf_token(client), **form}
    return await client.post(f"/persons/{pid}/reveal", data=data, allow_redirects=False)


async def test_the_steward_sees_the_full_number_once_with_a_reason_and_it_is_audited(as_user, rt, world):
    await add_persons(rt, person_record("C1-A", seq=101))
    pid = await person_id(rt)
    client = await as_user("steward")
    page = await (await client.get(f"/persons/{pid}")).text()
    assert NUMBER not in page and "查看完整身份证号" in page
    shown = await reveal(client, pid, reason="核对档案中的身份证复印件")
    html = await shown.text()
    assert shown.status == 200 and NUMBER in html and "已记入审计日志" in html
    assert shown.headers["Cache-Control"] == "no-store" and NUMBER not in str(shown.url)
    assert NUMBER not in await (await client.get(f"/persons/{pid}")).text(), "shown once, not kept"
    async with rt.sessions() as session:
        [row] = await recent(session, action="person.reveal_id")
    assert (row.actor, row.object_type, row.object_id) == ("steward", "person", str(pid))
    assert row.detail is not None
    assert row.detail["reason"] == "核对档案中的身份证复印件" and row.detail["field"] == "身份证号"
    assert NUMBER not in str(row.detail)


async def test_the_mobile_is_revealed_the_same_way(as_user, rt, world):
    await add_persons(rt, person_record("C1-A", seq=101, mobile="13912345678"))
    pid = await person_id(rt)
    client = await as_user("officer")
    html = await (await reveal(client, pid, field="mobile", reason="电话核实入编信息")).text()
    assert "13912345678" in html and NUMBER not in html
    async with rt.sessions() as session:
        assert [r.actor for r in await recent(session, action="person.reveal_mobile")] == ["officer"]


async def test_no_reason_no_number_and_roles_without_the_right_get_nothing(as_user, rt, world, client):
    await add_persons(rt, person_record("C1-A", seq=101))
    pid = await person_id(rt)
    steward = await as_user("steward")
    refused = await reveal(steward, pid, reason=" 看 ")
    assert refused.status == 400 and NUMBER not in await refused.text() and "请填写查看理由" in await refused.text()
    await steward.post("/logout", data={"_csrf": await csrf_token(steward)})
    await add_account(rt, "auditor", "auditor", [])
    auditor = await as_user("auditor")
    assert "查看完整身份证号" not in await (await auditor.get(f"/persons/{pid}")).text()
    denied = await reveal(auditor, pid, reason="审计抽查需要")
    assert denied.status == 403 and NUMBER not in await denied.text()
    async with rt.sessions() as session:
        assert await recent(session, action="person.reveal_id") == []
