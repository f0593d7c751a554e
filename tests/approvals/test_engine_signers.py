"""转交, 加签, the four-department sequence, a flow edited mid-way, a step nobody can sign, 二人复核
and 暂缓审批."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from models.accounts.store import ScopeSpec
from models.accounts.tables import ACCOUNT
from models.approvals.kind import Step
from models.approvals.outcome import SIGN, ItemError, Notice
from models.core.db import transaction
from models.warnings.tables import Warning
from tests.approvals.engine_fixtures import TODAY, act, county, file
from tests.approvals.test_engine import item_of, steps_of, use_flow
from tests.factories import add_account

__all__ = ["county"]
FOUR = (Step("科室初审", "officer", "any", 2), Step("组织部", "org", "any", 2), Step("人社局", "hr", "any", 2),
        Step("财政局", "finance", "any", 2), Step("分管领导终审", "leader", "any", 2))


async def test_transfer_hands_my_signature_to_someone_of_the_same_role_and_scope(rt, county):
    item_id = (await file(rt, county)).item_id
    await add_account(rt, "o4", "officer", [ScopeSpec("C1", True)], display_name="新科员")  # joined after the start
    for login, reason in (("leader", "角色相同"), ("far", "角色相同"), ("locked", "角色相同"), ("o2", "已是本环节"),
                          ("o1", "不能选择自己"), ("", "请选择人员")):
        with pytest.raises(ItemError, match=reason):
            await act(rt, county, item_id, "o1", "transfer", to_login=login)
    out = await act(rt, county, item_id, "o1", "transfer", to_login="o4", note="请代审")
    assert out.notices == (Notice("o4", SIGN, 0),) and out.event == "transferred"
    with pytest.raises(ItemError, match=r"您已于 .* 转交"):
        await act(rt, county, item_id, "o1", "approve")
    county.roles["o4"] = "officer"
    assert (await act(rt, county, item_id, "o4", "approve")).step_no == 1
    assert (await steps_of(rt, item_id))[0][3] == [("o1", "transfer"), ("o2", None), ("o3", None), ("o4", "approve")]


async def test_add_signer_joins_the_step_and_a_joined_all_sign_waits_for_them(rt, county):
    await use_flow(rt, county, Step("会签", "leader", "all", 2))
    item_id = (await file(rt, county)).item_id
    with pytest.raises(ItemError, match="能审批事项"):
        await act(rt, county, item_id, "leader", "add_signer", to_login="steward")
    added = await act(rt, county, item_id, "leader", "add_signer", to_login="finance", note="请财政会签")
    assert added.notices == (Notice("finance", SIGN, 0),) and added.status == "pending"
    assert (await act(rt, county, item_id, "leader", "approve")).status == "pending"
    assert (await act(rt, county, item_id, "finance", "approve")).status == "approved"


async def test_four_departments_sign_in_turn(rt, county):
    await use_flow(rt, county, *FOUR)
    item_id = (await file(rt, county)).item_id
    for login, next_login in (("o2", "org"), ("org", "hr"), ("hr", "finance"), ("finance", "leader")):
        out = await act(rt, county, item_id, login, "approve")
        assert [n.login for n in out.notices if n.reason == SIGN] == [next_login]
    assert (await act(rt, county, item_id, "leader", "approve")).status == "approved"
    assert [(s[0], s[2], s[3]) for s in await steps_of(rt, item_id)] == [
        (0, "done", [("o1", None), ("o2", "approve"), ("o3", None)]), (1, "done", [("org", "approve")]),
        (2, "done", [("hr", "approve")]), (3, "done", [("finance", "approve")]), (4, "done", [("leader", "approve")])]


async def test_a_flow_edited_mid_way_does_not_change_items_in_progress(rt, county):
    item_id = (await file(rt, county)).item_id
    await use_flow(rt, county, *FOUR)
    await act(rt, county, item_id, "o1", "approve")
    assert (await act(rt, county, item_id, "leader", "approve")).status == "approved"
    assert len((await item_of(rt, item_id)).steps) == 2
    assert len((await item_of(rt, (await file(rt, county)).item_id)).steps) == 5


async def test_a_step_nobody_can_sign_is_flagged_and_an_admin_adds_a_signer(rt, county):
    await use_flow(rt, county, Step("科室初审", "officer", "any", 2), Step("人社局", "hr", "any", 2))
    item_id = (await file(rt, county, unit="C1-A")).item_id
    async with transaction(rt.sessions) as session:  # the county's hr account leaves: nobody holds the role
        await session.execute(update(ACCOUNT).where(ACCOUNT.c.login == "hr").values(locked=True))
    out = await act(rt, county, item_id, "o1", "approve")
    assert out.unstaffed and "无人可审批" in out.message and out.step_no == 1
    assert (await steps_of(rt, item_id))[1] == (1, 1, "active", [])
    with pytest.raises(ItemError, match="不是当前环节"):
        await act(rt, county, item_id, "leader", "add_signer", to_login="o2")
    await act(rt, county, item_id, "admin", "add_signer", to_login="leader", note="人社局暂无账号，由分管领导代审")
    assert (await act(rt, county, item_id, "leader", "approve")).status == "approved"


async def test_review_kind_needs_two_distinct_officers(rt, county):
    item_id = (await file(rt, county, kind="t_review")).item_id
    assert [s["name"] for s in (await item_of(rt, item_id)).steps] == ["科室初审", "复核", "分管领导终审"]
    first = await act(rt, county, item_id, "o1", "approve")
    assert {n.login for n in first.notices if n.reason == SIGN} == {"o2", "o3"}  # not o1 again
    with pytest.raises(ItemError, match="已审核过"):
        await act(rt, county, item_id, "o2", "transfer", to_login="o1")
    await act(rt, county, item_id, "o3", "approve")
    assert (await act(rt, county, item_id, "leader", "approve")).status == "approved"


async def test_an_overdue_s1_rectification_holds_holdable_items_until_lifted(rt, county):
    async with transaction(rt.sessions) as session:
        session.add(Warning(fingerprint="C1_OVER_QUOTA:u", rule_code="C1_OVER_QUOTA", severity="S1",
                            unit_id=county.units["C1-A"], subject="u", detected_on=date(2026, 10, 1),
                            due_date=date(2026, 11, 2)))
    assert (await file(rt, county)).status == "pending"  # not holdable
    held = await file(rt, county, kind="t_hold")
    assert held.status == "held" and "1 条严重预警逾期未整改（超编，最早于 2026年11月2日到期）" in held.message
    item = await item_of(rt, held.item_id)
    assert item.hold_reason and not held.notices and await steps_of(rt, held.item_id) == []
    with pytest.raises(ItemError, match="暂缓审批中"):
        await act(rt, county, held.item_id, "o1", "approve")
    with pytest.raises(ItemError, match="只有编办科室"):
        await act(rt, county, held.item_id, "leader", "lift", note="同意")
    with pytest.raises(ItemError, match="管辖范围"):
        await act(rt, county, held.item_id, "far", "lift", note="同意")
    lifted = await act(rt, county, held.item_id, "o1", "lift", note="已约谈，限期整改")
    assert (lifted.status, lifted.step_no) == ("pending", 0) and Notice("steward", "decision") in lifted.notices
    assert (await item_of(rt, held.item_id)).hold_reason is None
    assert TODAY.weekday() == 0
