"""入编: checked as the importer checks a row, only against an approved 用编 with a post left; the record
is written when the item is approved, through the staffing writer, with an event naming the item."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select, update

from models.approvals.kind import Application
from models.approvals.kinds.person_payload import enter_payload
from models.approvals.tables import Item
from models.core.db import transaction
from models.staffing.ids import CHECKSUM_HINT
from models.staffing.person_detail import person_history
from models.staffing.tables import QUOTA, PersonEvent
from tests.approvals.kinds_support import (
    TODAY,
    add_item,
    approve,
    check,
    enter,
    person_of,
    person_values,
    place,
    refusal,
    use_quota,
)
from tests.factories import add_persons, make_id, person_record

__all__ = ["place"]


async def test_an_approved_entry_creates_the_record_and_names_the_item(rt, place):
    unit = place.units["C1-A"]
    plan = await add_item(rt, use_quota(unit, 2))
    application = enter(rt, unit, plan)
    figures = await check(rt, application)
    assert (figures["basis_id"], figures["basis_count"], figures["basis_claimed"], figures["in_est"]) == (plan, 2, 0, 0)
    clear = person_values()
    stored = json.dumps(application.payload, ensure_ascii=False)
    assert clear["id_number"] not in stored and clear["mobile"] not in stored  # encrypted, never in clear
    assert application.payload["id_masked"].startswith("3301")
    item_id = await add_item(rt, application, status="pending")
    assert await person_of(rt, unit, clear["id_number"]) is None, "nothing is written before the approval"
    after = await approve(rt, item_id)
    person = await person_of(rt, unit, clear["id_number"])
    assert person is not None and person.in_est and person.est_type == "XZ" and person.status == "active"
    assert (person.name, person.entry_date, person.post_unit_id, person.mobile_masked) == (
        "陈新", date(2026, 11, 2), unit, "*******9000")
    assert (after["person_id"], after["in_est"], after["rescan"]) == (person.id, 1, "done")
    async with rt.sessions() as session:
        event = (await session.scalars(select(PersonEvent).where(PersonEvent.person_id == person.id))).one()
        item = await session.get(Item, item_id)
        history = await person_history(session, person_id=person.id, actor_names={"steward": "王专员"})
    assert (event.kind, event.source, event.actor) == ("create", f"item{item_id}", "steward")
    assert item is not None and item.person_id == person.id
    assert history[0].source == f"审批事项 #{item_id}"


async def test_an_entry_turns_the_units_own_record_of_the_person_into_establishment(rt, place):
    unit = place.units["C1-A"]
    number = person_values()["id_number"]
    await add_persons(rt, person_record("C1-A", seq=201, birth=date(1995, 3, 8), id_number=number, in_est=False,
                                        est_type=None, entry_date=None, mobile="13700137000"))
    plan = await add_item(rt, use_quota(unit, 1))
    item_id = await add_item(rt, enter(rt, unit, plan, mobile=None), status="pending")
    await approve(rt, item_id)
    person = await person_of(rt, unit, number)
    assert person is not None and person.in_est and person.est_type == "XZ" and person.entry_date == date(2026, 11, 2)
    assert person.mobile_masked == "*******7000", "what the item leaves empty stays as it was"
    async with rt.sessions() as session:
        events = (await session.scalars(select(PersonEvent).where(PersonEvent.person_id == person.id)
                                        .order_by(PersonEvent.id))).all()
    assert [(e.kind, e.source, e.reviewer) for e in events] == [("create", "portal", None),
                                                                ("update", f"item{item_id}", "o1")]
    assert events[1].changes is not None and events[1].changes["in_est"] == [False, True]


async def test_an_entry_needs_an_approved_plan_of_the_unit_and_type_with_a_post_left(rt, place):
    unit = place.units["C1-A"]
    assert str(await refusal(rt, enter(rt, unit, None))) == "入编须依据本单位已批准的用编申请：请选择用编申请"
    pending = await add_item(rt, use_quota(unit, 2), status="pending")
    assert str(await refusal(rt, enter(rt, unit, pending))) == f"事项 #{pending} 不是本单位已批准的用编申请"
    other_unit = await add_item(rt, use_quota(place.units["C1-S"], 2, "SY"))
    assert "不是本单位已批准的用编申请" in str(await refusal(rt, enter(rt, unit, other_unit)))
    workers = await add_item(rt, use_quota(unit, 1, "GQ"))
    assert "编制类型与入编人员的编制类型不符" in str(await refusal(rt, enter(rt, unit, workers)))
    one = await add_item(rt, use_quota(unit, 1))
    await add_item(rt, enter(rt, unit, one, seq=203), status="pending")
    refused = await refusal(rt, enter(rt, unit, one))
    assert str(refused) == f"用编申请 #{one} 已批 1 名，已入编 0 名，待入编 1 名，没有剩余名额"


async def test_the_person_is_checked_as_an_import_row_is(rt, place):
    unit = place.units["C1-A"]
    plan = await add_item(rt, use_quota(unit, 1))
    wrong = make_id(birth=date(1995, 3, 8), seq=201)
    wrong = wrong[:-1] + ("0" if wrong[-1] != "0" else "1")
    assert str(await refusal(rt, enter(rt, unit, plan, id_number=wrong))) == CHECKSUM_HINT
    assert "性别与身份证号第17位不符" in str(await refusal(rt, enter(rt, unit, plan, sex="F")))
    refused = await refusal(rt, enter(rt, unit, plan, birth_date=date(1995, 3, 9)))
    assert str(refused) == "出生日期与身份证号不符，身份证号中为1995-03-08"
    assert str(await refusal(rt, enter(rt, unit, plan, entry_date=None))) == "请填写入编日期"
    assert str(await refusal(rt, enter(rt, unit, plan, entry_date=date(2099, 1, 1)))) == "入编日期晚于今天"
    assert "手机号应为11位" in str(await refusal(rt, enter(rt, unit, plan, mobile="1234")))
    assert "无法识别的退休年龄特殊规定" in str(await refusal(rt, enter(rt, unit, plan, retire_age="很老")))
    assert str(await refusal(rt, enter(rt, unit, plan, name=""))) == "请填写姓名"
    assert "姓名含有不可见的控制字符" in str(await refusal(rt, enter(rt, unit, plan, name="陈\x00新")))
    clear = Application("enter", unit, "入编", {**person_values(), "birth_date": "1995-03-08"}, basis_id=plan)
    assert str(await refusal(rt, clear)) == "身份证号须经入编表单加密后提交"
    tampered = enter(rt, unit, plan)
    tampered.payload["id_hash"] = "0" * 32
    assert str(await refusal(rt, tampered)) == "身份证号无法读取，请重新填写"


async def test_a_person_already_in_establishment_or_being_entered_is_refused(rt, place):
    unit = place.units["C1-A"]
    plan = await add_item(rt, use_quota(unit, 3))
    number = person_values()["id_number"]
    await add_persons(rt, person_record("C1-S", seq=201, birth=date(1995, 3, 8), id_number=number, est_type="SY"))
    assert str(await refusal(rt, enter(rt, unit, plan))) == \
        "该人员在甲县第一中学仍在编：须先在该单位办理出编（调出），再办理入编"
    other = person_values(seq=205)["id_number"]
    await add_persons(rt, person_record("C1-A", seq=205, birth=date(1995, 3, 8), id_number=other))
    assert str(await refusal(rt, enter(rt, unit, plan, seq=205))) == "该人员已在本单位在编，无需入编"
    first = await add_item(rt, enter(rt, unit, plan, seq=207), status="pending")
    assert str(await refusal(rt, enter(rt, unit, plan, seq=207))) == f"该人员已有入编事项在审批中（事项 #{first}）"


async def test_an_entry_that_would_make_the_unit_over_quota_is_refused(rt, place):
    unit = place.units["C1-A"]
    plan = await add_item(rt, use_quota(unit, 2))
    await add_persons(rt, *(person_record("C1-A", seq=401 + 2 * i) for i in range(8)))
    async with transaction(rt.sessions) as session:  # the quota was cut after the plan was approved
        await session.execute(update(QUOTA).where(QUOTA.c.unit_id == unit, QUOTA.c.est_type == "XZ")
                              .values(approved=8))
    refused = await refusal(rt, enter(rt, unit, plan))
    assert str(refused).startswith("入编后将超编：行政编制核定 8 名，在编 8 名")


async def test_the_payload_keeps_only_what_the_person_form_gave(rt, place):
    payload = enter_payload(rt.cipher, person_values(mobile=None, education=""))
    assert "mobile_enc" not in payload and "education" not in payload and "id_number" not in payload
    assert payload["birth_date"] == "1995-03-08" and payload["entry_date"] == "2026-11-02"
    assert TODAY.year == 2026
