"""用编申请: the room figure (核定 − 在编 − 待入编 − 已批未用), each slot counted once, and the refusals."""

from __future__ import annotations

from models.approvals.kinds.quota import quota_room
from models.approvals.tables import Item
from tests.approvals.kinds_support import (
    add_item,
    application_of,
    approve,
    check,
    enter,
    place,
    refusal,
    use_quota,
)
from tests.factories import add_persons, person_record

__all__ = ["place"]


async def room(rt, unit_id: int, est_type: str = "XZ"):
    async with rt.sessions() as session:
        return await quota_room(session, unit_id, est_type)


async def staff(rt, n: int, unit: str = "C1-A", start: int = 301, **overrides) -> None:
    await add_persons(rt, *(person_record(unit, seq=start + 2 * i, **overrides) for i in range(n)))


async def test_room_counts_every_slot_once_wherever_it_stands(rt, place):
    unit = place.units["C1-A"]
    await staff(rt, 7)
    await staff(rt, 1, start=801, in_est=False, est_type=None)  # 编外: holds nothing
    await add_persons(rt, person_record("C1-A", seq=901, status="retired", exit_date=None))  # retired, not 出编: holds
    plan = await add_item(rt, use_quota(unit, 2))  # approved: 2 已批未用
    await add_item(rt, use_quota(unit, 3), status="pending")  # undecided 用编: reserves nothing yet
    await add_item(rt, enter(rt, unit, plan, seq=211), status="pending")  # one slot of the plan: now 待入编
    figures = (await room(rt, unit)).figures()
    assert figures == {"est_type": "XZ", "approved": 10, "in_est": 8, "pending_entries": 1, "unused": 1, "room": 0}
    assert (await room(rt, unit, "GQ")).room == 1


async def test_an_approved_entry_moves_its_slot_from_the_plan_to_the_records(rt, place):
    unit = place.units["C1-A"]
    plan = await add_item(rt, use_quota(unit, 2))
    entry = await add_item(rt, enter(rt, unit, plan), status="pending")
    before = await room(rt, unit)
    await approve(rt, entry)
    after = await room(rt, unit)
    assert (before.in_est, before.pending_entries, before.unused, before.room) == (0, 1, 1, 8)
    assert (after.in_est, after.pending_entries, after.unused, after.room) == (1, 0, 1, 8)


async def test_use_quota_within_the_room_passes_with_its_figures(rt, place):
    await staff(rt, 6)
    figures = await check(rt, use_quota(place.units["C1-A"], 4))
    assert (figures["room"], figures["count"], figures["room_after"]) == (4, 4, 0)


async def test_use_quota_over_the_room_is_refused_with_the_figures(rt, place):
    unit = place.units["C1-A"]
    await staff(rt, 8)
    plan = await add_item(rt, use_quota(unit, 2))
    await add_item(rt, enter(rt, unit, plan), status="pending")
    refused = await refusal(rt, use_quota(unit, 2))
    assert str(refused) == ("超出核定编制：行政编制核定 10 名，在编 8 名，待入编 1 名，已批未用 1 名，可用 0 名，"
                            "本次申请 2 名")
    assert refused.figures["room"] == 0 and refused.figures["count"] == 2


async def test_a_type_the_unit_has_no_quota_of_is_refused(rt, place):
    refused = await refusal(rt, use_quota(place.units["C1-A"], 1, "ZF"))
    assert "机构类别不能使用政法专项编制" in str(refused)  # a tax office may not hold 政法专项编制 (混编)
    refused = await refusal(rt, use_quota(place.units["C1-S"], 1, "GQ"))
    assert "不能使用工勤编制" in str(refused)
    refused = await refusal(rt, use_quota(place.units["C1"], 1, "GQ"))  # allowed kind, but no 工勤 quota approved
    assert str(refused) == "甲县未核定工勤编制，不能使用该类型编制"


async def test_use_quota_fields_are_checked(rt, place):
    unit = place.units["C1-A"]
    bad = use_quota(unit, 0)
    assert "申请用编数应在 1 至 9999 之间" in str(await refusal(rt, bad))
    no_reason = use_quota(unit, 1)
    no_reason.payload["reason"] = "  "
    assert str(await refusal(rt, no_reason)) == "请填写用编理由"
    no_type = use_quota(unit, 1, "XX")
    assert "请选择编制类型" in str(await refusal(rt, no_type))


async def test_two_plans_that_fit_alone_cannot_both_be_approved(rt, place):
    unit = place.units["C1-A"]
    await staff(rt, 7)
    first = await add_item(rt, use_quota(unit, 2), status="pending")
    second = await add_item(rt, use_quota(unit, 2), status="pending")
    assert (await check(rt, use_quota(unit, 2)))["room"] == 3  # each fits when filed
    await approve(rt, first)
    async with rt.sessions() as session:
        item = await session.get(Item, second)
    refused = await refusal(rt, application_of(item))  # the final approval checks again
    assert "可用 1 名，本次申请 2 名" in str(refused)
