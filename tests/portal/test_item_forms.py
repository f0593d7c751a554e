"""The new-item forms, started where the user is: 出编 and 任免 from a person, 整改销号 from a warning,
核职, 入编 and 解锁 from a unit; the room while typing; each refusal with its figures, the form kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import col

from models.approvals.engine import decide, submit
from models.approvals.kind import Application
from models.core.db import transaction
from models.core.decision import Actor
from models.staffing.tables import Person
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from tests.factories import add_persons, make_id, person_record
from tests.portal.conftest import csrf_token
from tests.portal.items_support import item_id_of, item_row, leader, switch

__all__ = ["leader"]
TODAY = date.today()


async def post(client, path: str, **fields: str):
    return await client.post(path, data={"_csrf": await csrf_token(client), **fields}, allow_redirects=False)


async def person_id(rt, name: str) -> int:
    async with rt.sessions() as session:
        return int((await session.scalars(select(col(Person.id)).where(col(Person.name) == name))).one())


async def test_exit_and_appointment_start_from_the_person_page(client, as_user, world, rt):
    await add_persons(rt, person_record("C1-A", seq=101, name="张三"))
    zhang = await person_id(rt, "张三")
    await as_user("steward")
    page = await (await client.get(f"/persons/{zhang}")).text()
    assert f"/items/new/exit?person={zhang}" in page and f"/items/new/appoint?person={zhang}" in page
    assert "张三" in await (await client.get(f"/items/new/exit?person={zhang}")).text()
    filed = await post(client, "/items/new/exit", person=str(zhang), reason="退休", date=TODAY.isoformat())
    item = await item_row(rt, item_id_of(filed))
    assert item.kind == "exit" and item.person_id == zhang
    assert [s["name"] for s in item.steps][:2] == ["科室初审", "复核"]
    refused = await post(client, "/items/new/appoint", person=str(zhang), leader_kind="unit_chief", title="局长",
                         doc_no="甲委〔2026〕1号", date=TODAY.isoformat())
    assert refused.status == 303  # 单位正职核定 1 名，实配 0 名: room for one
    second = await post(client, "/items/new/appoint", person=str(zhang), leader_kind="unit_chief", title="局长",
                        doc_no="甲委〔2026〕2号", date=TODAY.isoformat())
    assert second.status == 400 and "已有任免事项在审批中" in await second.text()


async def test_over_the_posts_is_refused_with_the_figures(client, as_user, world, rt):
    await add_persons(rt, person_record("C1-A", seq=101, name="张三", leader_kind="unit_chief"),
                      person_record("C1-A", seq=103, name="李四"))
    await as_user("steward")
    refused = await post(client, "/items/new/appoint", person=str(await person_id(rt, "李四")),
                         leader_kind="unit_chief", title="局长", doc_no="甲委〔2026〕3号", date=TODAY.isoformat())
    page = await refused.text()
    assert refused.status == 400 and "超职数：单位领导正职核定 1 名，实配 1 名" in page and "甲委〔2026〕3号" in page


async def test_rectify_starts_from_the_warning_and_is_refused_while_the_problem_remains(client, as_user, world, rt):
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)))  # 6 on 5: 超编
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=TODAY, full=True)
    async with rt.sessions() as session:
        warning = (await session.scalars(select(Warning).where(col(Warning.rule_code) == "C1_OVER_QUOTA"))).one()
    await as_user("steward")
    assert f"/items/new/rectify?warning={warning.id}" in await (await client.get(f"/warnings/{warning.id}")).text()
    refused = await post(client, "/items/new/rectify", warning=str(warning.id), text="已调出一人")
    assert refused.status == 400 and "数据中问题仍在" in await refused.text()
    await switch(client, "outsider")
    assert (await client.get(f"/items/new/rectify?warning={warning.id}")).status == 404


async def test_posts_unlock_and_the_room_from_a_unit(client, as_user, world, rt):
    await as_user("steward")
    unit = str(world.units["C1-A"])
    page = await (await client.get(f"/units/{unit}")).text()
    assert f"/items/new/posts?unit={unit}" in page and f"/items/new/use_quota?unit={unit}" in page
    assert "可用 <b>1</b> 名" in await (await client.get(f"/items/room?unit={unit}&est_type=GQ")).text()
    filed = await post(client, "/items/new/posts", unit=unit, scope="unit", deputy="3")
    assert (await item_row(rt, item_id_of(filed))).payload == {"scope": "unit", "deputy": "3"}
    refused = await post(client, "/items/new/unlock", unit=unit, reason="已完成自查")
    assert refused.status == 400 and "没有被锁定的专员账号" in await refused.text()


async def test_entry_draws_on_an_approved_use_of_quota(client, as_user, world, leader, rt):
    unit = world.units["C1-A"]
    async with transaction(rt.sessions) as session:
        basis = (await submit(session, Application("use_quota", unit, "用编", {"est_type": "XZ", "count": 1,
                                                                            "reason": "补员"}),
                              Actor("steward", "steward", "王专员"), today=TODAY)).item_id
    for who in (Actor("officer", "officer", "李科长"), Actor("leader", "leader", "孙局长")):
        async with transaction(rt.sessions) as session:
            await decide(session, basis, who, "approve", today=TODAY)
    await as_user("steward")
    form = await (await client.get(f"/items/new/enter?unit={unit}")).text()
    assert f"#{basis} 行政编制 1 名，尚可入编 1 名" in form
    fields = {"unit": str(unit), "basis": str(basis), "est_type": "XZ", "name": "赵六", "identity": "cadre",
              "id_number": make_id(birth=date(1995, 3, 2), seq=211), "entry_date": TODAY.isoformat()}
    item = await item_row(rt, item_id_of(await post(client, "/items/new/enter", **fields)))
    assert item.kind == "enter" and item.basis_id == basis and "id_number" not in item.payload
    assert item.payload["id_masked"].startswith("3301") and item.payload["sex"] == "M"
    page = await (await client.get(f"/items/{item.id}")).text()
    assert make_id(birth=date(1995, 3, 2), seq=211) not in page and "赵六" in page
