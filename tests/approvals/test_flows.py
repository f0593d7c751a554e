"""Flows as data: the admin's row for the region, else for everywhere, else the kind's default;
validated, versioned and audited; items keep the flow they were filed under."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.accounts.permissions import PermissionDenied
from models.approvals.flows import FlowError, flow_for, list_flows, region_candidates, reset_flow, save_flow
from models.approvals.kind import Step
from models.core.db import transaction
from models.core.tables import AuditLog
from tests.approvals.engine_fixtures import OFFICER_LEADER, county

__all__ = ["county"]
ONE = (Step("组织部审核", "org", "all", 3),)
TWO = (Step("科室初审", "officer", "any", 1), Step("人社局", "hr", "any", 5))


async def save(rt, county, steps, region="", actor="admin") -> int:
    async with transaction(rt.sessions) as session:
        return await save_flow(session, kind="t_simple", region_code=region, steps=steps, actor=county.actor(actor))


async def steps_for(rt, region: str | None) -> tuple[Step, ...]:
    async with rt.sessions() as session:
        return await flow_for(session, kind="t_simple", region_code=region)


def test_region_candidates_run_from_the_county_to_everywhere():
    assert region_candidates("330106") == ["330106", "330100", "330000", ""]
    assert region_candidates("330000") == ["330000", ""]
    assert region_candidates(None) == [""] and region_candidates("abc") == [""]


async def test_the_nearest_admin_row_wins_else_the_default(rt, county):
    assert await steps_for(rt, "330106") == OFFICER_LEADER
    assert await save(rt, county, ONE) == 1
    assert await steps_for(rt, "330106") == ONE
    await save(rt, county, TWO, region="330100")
    assert await steps_for(rt, "330106") == TWO and await steps_for(rt, "330108") == TWO
    assert await steps_for(rt, "320106") == ONE and await steps_for(rt, None) == ONE
    async with transaction(rt.sessions) as session:
        assert await reset_flow(session, kind="t_simple", region_code="330100", actor=county.actor("admin"))
    assert await steps_for(rt, "330106") == ONE


async def test_saving_is_versioned_and_audited_with_before_and_after(rt, county):
    assert await save(rt, county, ONE) == 1
    assert await save(rt, county, TWO) == 2
    async with rt.sessions() as session:
        rows = (await session.scalars(select(AuditLog).where(AuditLog.action == "flow.save")
                                      .order_by(AuditLog.id))).all()
    assert [r.detail["version"] for r in rows] == [1, 2]
    assert rows[0].detail["before"] == [s.as_data() for s in OFFICER_LEADER]
    assert rows[1].detail["before"] == [s.as_data() for s in ONE] and rows[1].detail["after"][1]["role"] == "hr"
    async with rt.sessions() as session:
        views = {(v.kind, v.region_code): v for v in await list_flows(session)}
    assert views[("t_simple", "")].version == 2 and views[("t_simple", "")].updated_by == "admin"
    assert views[("t_review", "")].version == 0 and views[("t_review", "")].steps == OFFICER_LEADER


@pytest.mark.parametrize(("steps", "message"), [
    ((), "1 至 10 个环节"),
    (tuple(Step(f"第{i}步", "officer") for i in range(11)), "1 至 10 个环节"),
    (({"name": "x", "role": "admin", "mode": "any", "days": 2},), "审批角色须为科室初审、分管领导终审"),
    (({"name": "x", "role": "officer", "mode": "some", "days": 2},), "或签或会签"),
    (({"name": "x", "role": "officer", "mode": "any", "days": 0},), "1 至 30 个工作日"),
    (({"name": "x", "role": "officer", "mode": "any", "days": 31},), "1 至 30 个工作日"),
    (({"name": "x", "role": "officer", "mode": "any", "days": "两天"},), "1 至 30 个工作日"),
    (({"name": "长" * 41, "role": "officer", "mode": "any", "days": 2},), "不超过 40 个字"),
])
async def test_bad_flows_are_refused_in_chinese(rt, county, steps, message):
    with pytest.raises(FlowError, match=message):
        await save(rt, county, steps)


async def test_other_refusals_and_a_blank_name_takes_the_role_label(rt, county):
    with pytest.raises(FlowError, match="6 位数字"):
        await save(rt, county, ONE, region="33")
    with pytest.raises(PermissionDenied):
        await save(rt, county, ONE, actor="o1")
    async with transaction(rt.sessions) as session:
        with pytest.raises(FlowError, match="没有这种事项"):
            await save_flow(session, kind="nope", region_code="", steps=ONE, actor=county.actor("admin"))
    await save(rt, county, ({"name": " ", "role": "finance", "mode": "any", "days": "3"},))
    assert await steps_for(rt, "") == (Step("财政局", "finance", "any", 3),)
