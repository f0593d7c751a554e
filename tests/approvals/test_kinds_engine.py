"""The kinds through the real engine: 用编 → 入编 across 科室初审, 分管领导终审 and 财政局; a refusal at filing;
出编 with 二人复核 resolving the retirement warning; 核职 and 任免 checked again at the final approval."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.approvals.engine import submit
from models.approvals.kind import Application, ItemRefused
from models.approvals.kinds.person_payload import enter_payload
from models.approvals.outcome import ItemError
from models.approvals.tables import Item
from models.core.db import transaction
from models.notify.marks import scan_and_mark
from models.staffing.tables import Person
from models.warnings.tables import Warning
from tests.approvals.engine_fixtures import TODAY, County, act, county
from tests.approvals.kinds_support import person_values
from tests.factories import add_persons, person_record

__all__ = ["county"]


async def filed(rt, county: County, application: Application, login: str = "steward"):
    async with transaction(rt.sessions) as session:
        return await submit(session, application, county.actor(login), today=TODAY)


async def walk(rt, county: County, item_id: int, *logins: str):
    outcome = None
    for login in logins:
        outcome = await act(rt, county, item_id, login, "approve")
    return outcome


async def item(rt, item_id: int) -> Item:
    async with rt.sessions() as session:
        found = await session.get(Item, item_id)
    assert found is not None
    return found


async def test_a_plan_then_an_entry_walk_their_default_flows_and_write_the_record(rt, county):
    unit = county.units["C1-A"]  # 行政编制 5, nobody in post
    plan = await filed(rt, county, Application("use_quota", unit, "申请用编 2 名",
                                               {"est_type": "XZ", "count": "2", "reason": "新设窗口"}))
    assert plan.status == "pending" and plan.figures["room"] == 5
    done = await walk(rt, county, plan.item_id, "o1", "leader")
    assert done.status == "approved" and done.figures_after["unused"] == 2
    payload = enter_payload(rt.cipher, person_values())
    entry = await filed(rt, county, Application("enter", unit, "陈新入编", payload, basis_id=plan.item_id))
    assert (entry.figures["basis_count"], entry.figures["basis_claimed"]) == (2, 0)
    middle = await walk(rt, county, entry.item_id, "o1", "leader")
    assert middle.status == "pending" and "财政局" in middle.message, "finance signs last: 起薪"
    async with rt.sessions() as session:
        assert (await session.scalars(select(Person))).first() is None, "no record before the final approval"
    done = await walk(rt, county, entry.item_id, "finance")
    row = await item(rt, entry.item_id)
    async with rt.sessions() as session:
        person = (await session.scalars(select(Person))).one()
    assert done.status == "approved" and row.person_id == person.id and person.in_est
    assert (done.figures_after["in_est"], done.figures_after["unused"], done.figures_after["room"]) == (1, 1, 3)


async def test_over_quota_is_refused_at_filing_with_the_figures(rt, county):
    with pytest.raises(ItemRefused) as refused:
        await filed(rt, county, Application("use_quota", county.units["C1-A"], "申请用编 6 名",
                                            {"est_type": "XZ", "count": 6, "reason": "扩编"}))
    assert str(refused.value) == ("超出核定编制：行政编制核定 5 名，在编 0 名，待入编 0 名，已批未用 0 名，可用 5 名，"
                                  "本次申请 6 名")
    async with rt.sessions() as session:
        assert (await session.scalars(select(Item))).first() is None


async def test_a_plan_that_no_longer_fits_is_refused_at_its_final_approval(rt, county):
    unit = county.units["C1-A"]
    first = await filed(rt, county, Application("use_quota", unit, "用编 3 名", {"est_type": "XZ", "count": 3,
                                                                               "reason": "甲"}))
    second = await filed(rt, county, Application("use_quota", unit, "用编 3 名", {"est_type": "XZ", "count": 3,
                                                                                "reason": "乙"}))
    await walk(rt, county, first.item_id, "o1", "leader")
    await walk(rt, county, second.item_id, "o1")
    with pytest.raises(ItemRefused) as refused:
        await act(rt, county, second.item_id, "leader", "approve")
    assert "可用 2 名，本次申请 3 名" in str(refused.value)
    assert (await item(rt, second.item_id)).status == "pending", "nothing was decided"


async def test_an_exit_needs_two_officers_and_resolves_the_retirement_warning(rt, county):
    await add_persons(rt, person_record("C1-A", seq=151, birth=date(1960, 6, 15), name="老王"))
    async with transaction(rt.sessions) as session:
        await scan_and_mark(session, as_of=TODAY, units=[county.units["C1-A"]])
        person = (await session.scalars(select(Person))).one()
    leaving = await filed(rt, county, Application("exit", person.unit_id, "老王退休出编",
                                                  {"reason": "退休", "date": "2020-06-30"}, person_id=person.id))
    assert [s["name"] for s in (await item(rt, leaving.item_id)).steps] == ["科室初审", "复核", "财政局（停薪）"]
    await act(rt, county, leaving.item_id, "o1", "approve")
    with pytest.raises(ItemError):
        await act(rt, county, leaving.item_id, "o1", "approve")  # the same officer cannot review his own check
    done = await walk(rt, county, leaving.item_id, "o2", "finance")
    assert done.status == "approved" and done.figures_after["rescan"] == "done"
    async with rt.sessions() as session:
        status = await session.scalar(select(col(Warning.status)).where(Warning.rule_code == "B3_OVERDUE_RETIRE"))
        record = await session.get(Person, person.id)
    assert status == "resolved" and record is not None and not record.in_est


async def test_two_appointments_to_the_last_post_cannot_both_be_approved(rt, county):
    await add_persons(rt, person_record("C1-A", seq=101, name="甲"), person_record("C1-A", seq=103, name="乙"))
    async with rt.sessions() as session:
        people = {p.name: p for p in (await session.scalars(select(Person))).all()}
    filed_items = []
    for name in ("甲", "乙"):  # the department has 1 单位正职, none held: each fits when filed
        payload = {"leader_kind": "unit_chief", "title": "局长", "doc_no": "甲委〔2026〕1号", "date": "2026-11-20"}
        filed_items.append(await filed(rt, county, Application("appoint", people[name].unit_id, f"{name}任局长",
                                                               payload, person_id=people[name].id)))
    await walk(rt, county, filed_items[0].item_id, "o1", "leader")
    await walk(rt, county, filed_items[1].item_id, "o1")
    with pytest.raises(ItemRefused) as refused:
        await act(rt, county, filed_items[1].item_id, "leader", "approve")
    assert str(refused.value) == "超职数：单位领导正职核定 1 名，实配 1 名"
