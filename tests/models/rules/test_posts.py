"""C5 超职数: leaders counted per post unit and per post (scope × 正/副), against that unit's quota."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import add_persons, add_units, person_record, unit_record
from tests.models.rules.support import DAY, Seen, evidence, scan, seen

DUE = date(2026, 12, 21)  # 20 working days after DAY
POSTS = {("unit", "chief"): 1, ("unit", "deputy"): 2}
APPOINTED = {"appoint_date": date(2024, 1, 1), "appoint_doc": "县委〔2024〕1号"}


def leader(unit: str, seq: int, name: str, kind: str, **overrides):
    return person_record(unit, seq=seq, name=name, leader_kind=kind, **{**APPOINTED, **overrides})


def over(unit: str, post: str, summary: str) -> Seen:
    return Seen("C5_OVER_POSTS", f"{unit}:{post}", DUE, "S1", summary)


@pytest.fixture
async def units(rt):
    return await add_units(rt, unit_record("U1", quotas={"XZ": 5}, posts=POSTS),
                           unit_record("U2", kind="institution", quotas={"SY": 10}),
                           unit_record("U3", quotas={"XZ": 5}, posts=POSTS))


async def test_it_counts_chief_and_deputy_posts_separately(rt, units):
    await add_persons(rt, leader("U1", 101, "局长", "unit_chief"),
                      leader("U2", 103, "借任局长", "unit_chief", est_type="SY", post_unit_code="U1"),
                      leader("U1", 105, "副局长", "unit_deputy"))
    await scan(rt)
    assert await seen(rt) == {
        over("U1", "unit.chief", "单位领导正职核定1名，实配2名"),
        Seen("D1_POST_UNIT", "U2/借任局长", date(2026, 12, 7), "S2", "编制所在单位与任职单位不一致"),
    }
    assert await evidence(rt, "C5_OVER_POSTS") == [{"approved": 1, "held": 2, "post": "unit.chief"}]


async def test_a_unit_exactly_at_its_post_quota_is_fine(rt, units):
    await add_persons(rt, leader("U1", 101, "局长", "unit_chief"), leader("U1", 103, "副局长甲", "unit_deputy"),
                      leader("U1", 105, "副局长乙", "unit_deputy"))
    await scan(rt)
    assert await seen(rt) == set()


async def test_it_counts_each_unit_on_its_own(rt, units):
    await add_persons(rt, leader("U1", 101, "甲局长", "unit_chief"), leader("U3", 103, "乙局长", "unit_chief"),
                      leader("U1", 105, "甲副局长", "unit_deputy"), leader("U3", 107, "乙副局长", "unit_deputy"),
                      leader("U3", 109, "乙副局长二", "unit_deputy"))
    await scan(rt)
    assert await seen(rt) == set()


async def test_a_post_without_a_quota_has_none_approved(rt, units):
    await add_persons(rt, leader("U1", 101, "科长", "internal_chief"), leader("U1", 103, "副科长", "internal_deputy"))
    await scan(rt)
    assert await seen(rt) == {over("U1", "internal.chief", "内设机构领导正职核定0名，实配1名"),
                              over("U1", "internal.deputy", "内设机构领导副职核定0名，实配1名")}


async def test_former_leaders_hold_no_post(rt, units):
    await add_persons(rt, leader("U1", 101, "局长", "unit_chief"),
                      leader("U1", 103, "原局长", "unit_chief", status="retired", in_est=False,
                             exit_date=date(2026, 1, 5)),
                      leader("U1", 105, "调走的局长", "unit_chief", status="transferred", in_est=False,
                             exit_date=date(2025, 3, 1)))
    await scan(rt)
    assert await seen(rt) == set()


async def test_a_leader_without_a_post_unit_holds_the_post_in_the_own_unit(rt, units):
    await add_persons(rt, leader("U1", 101, "局长", "unit_chief"),
                      leader("U1", 103, "另一局长", "unit_chief", post_unit_code=None))
    await scan(rt)
    assert await seen(rt, "C5") == {over("U1", "unit.chief", "单位领导正职核定1名，实配2名")}


@pytest.mark.parametrize("post_unit", ["U1", None])
async def test_an_incremental_scan_counts_posts_held_from_the_own_unit_and_from_elsewhere(rt, units, post_unit):
    await add_persons(rt, leader("U1", 101, "局长", "unit_chief"), leader("U3", 103, "乙局长", "unit_chief"),
                      leader("U1", 107, "科员", "none", post_unit_code=None),
                      leader("U1", 109, "退休局长", "unit_chief", post_unit_code=None, status="retired"))
    await scan(rt)
    home = "U2" if post_unit else "U1"
    await add_persons(rt, leader(home, 105, "新局长", "unit_chief", post_unit_code=post_unit,
                                 est_type="SY" if home == "U2" else "XZ"))
    outcome = await scan(rt, full=False)
    assert outcome.kind == "incremental"
    assert await seen(rt, "C5") == {over("U1", "unit.chief", "单位领导正职核定1名，实配2名")}
    assert (await scan(rt, full=True)).new == 0


async def test_an_incremental_scan_leaves_other_units_posts_alone(rt, units):
    await add_persons(rt, leader("U1", 101, "局长", "unit_chief"), leader("U1", 103, "另一局长", "unit_chief"),
                      leader("U3", 105, "乙局长", "unit_chief"), leader("U3", 107, "乙另一局长", "unit_chief"))
    await scan(rt)
    await add_persons(rt, leader("U3", 107, "乙另一局长", "none"))
    outcome = await scan(rt, DAY, full=False)
    assert (outcome.kind, outcome.scoped_units, outcome.resolved) == ("incremental", 1, 1)
    assert await seen(rt, "C5") == {over("U1", "unit.chief", "单位领导正职核定1名，实配2名")}
