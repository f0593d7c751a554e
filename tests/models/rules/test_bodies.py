"""Internal bodies (内设机构): C7 超限额 against the unit's 内设机构限额, and a body's own 超职数."""

from __future__ import annotations

from datetime import date

import pytest

from models.core.db import transaction
from models.staffing.bodies import body_posts, unit_posts
from tests.factories import add_bodies, add_persons, add_units, body_record, person_record, unit_record
from tests.models.rules.support import DAY, Seen, evidence, scan, seen

DUE = date(2026, 12, 21)  # 20 working days after DAY
POSTS = {("unit", "chief"): 1, ("unit", "deputy"): 2, ("internal", "chief"): 5, ("internal", "deputy"): 5}
APPOINTED = {"appoint_date": date(2024, 1, 1), "appoint_doc": "县委〔2024〕1号"}


def leader(unit: str, seq: int, name: str, kind: str, body: str | None, **overrides):
    return person_record(unit, seq=seq, name=name, leader_kind=kind, body_code=body, **{**APPOINTED, **overrides})


def over_limit(unit: str, summary: str) -> Seen:
    return Seen("C7_OVER_LIMIT", unit, DUE, "S1", summary)


def body_over(unit: str, key: str, summary: str) -> Seen:
    return Seen("C5_BODY_OVER_POSTS", f"{unit}:{key}", DUE, "S1", summary)


@pytest.fixture
async def units(rt):
    return await add_units(rt, unit_record("U1", internal_limit=2, posts=POSTS, quotas={"XZ": 10}),
                           unit_record("U2", internal_limit=None, posts=POSTS),
                           unit_record("U3", internal_limit=3, posts=POSTS))


async def test_a_unit_with_more_active_bodies_than_its_limit_is_over_the_limit(rt, units):
    await add_bodies(rt, body_record("U1", "B2", name="综合科"), body_record("U1", "B1", name="办公室"),
                     body_record("U1", "B3", name="规划科"), body_record("U3", "B1"), body_record("U3", "B2"),
                     body_record("U3", "B3"), body_record("U3", "B4", status="abolished"),
                     *(body_record("U2", f"B{n}") for n in range(5)))
    await scan(rt)
    assert await seen(rt) == {over_limit("U1", "内设机构限额2个，现有3个：办公室、综合科、规划科")}
    assert await evidence(rt, "C7_OVER_LIMIT") == [{"count": 3, "limit": 2, "names": "办公室、综合科、规划科"}]


async def test_abolishing_a_body_brings_the_unit_back_within_its_limit(rt, units):
    await add_bodies(rt, *(body_record("U1", f"B{n}") for n in range(3)))
    await scan(rt)
    assert {s.rule for s in await seen(rt)} == {"C7_OVER_LIMIT"}
    await add_bodies(rt, body_record("U1", "B0", status="abolished"))
    outcome = await scan(rt, full=False)
    assert (outcome.kind, outcome.scoped_units, outcome.resolved) == ("incremental", 1, 1)
    assert await seen(rt) == set()


async def test_a_long_list_of_bodies_is_cut_short_in_the_message(rt, units):
    await add_bodies(rt, *(body_record("U1", f"B{n:02d}", name=f"第{n:02d}个很长名字的内设机构") for n in range(12)))
    await scan(rt)
    (warning,) = await seen(rt)
    assert warning.summary.startswith("内设机构限额2个，现有12个：第00个很长名字的内设机构、第01个")
    assert warning.summary.endswith("等") and len(warning.summary) < 100


async def test_a_body_counts_its_own_chief_and_deputy_posts_separately(rt, units):
    ids = await add_bodies(rt, body_record("U1", "B1", name="办公室", chief_posts=1, deputy_posts=1),
                           body_record("U1", "B2", name="财务科", chief_posts=1, deputy_posts=None))
    await add_persons(rt, leader("U1", 101, "主任甲", "internal_chief", "B1"),
                      leader("U1", 103, "主任乙", "internal_chief", "B1"),
                      leader("U1", 105, "副主任", "internal_deputy", "B1"),
                      leader("U1", 107, "财务科长", "internal_chief", "B2"),
                      leader("U1", 109, "副科长甲", "internal_deputy", "B2"),
                      leader("U1", 111, "副科长乙", "internal_deputy", "B2"))
    await scan(rt)
    body = ids[(units["U1"], "B1")]
    assert await seen(rt) == {body_over("U1", f"b{body}.chief", "内设机构“办公室”正职核定1名，实配2名")}
    assert await evidence(rt, "C5_BODY_OVER_POSTS") == [
        {"approved": 1, "body": "办公室", "body_id": body, "held": 2, "rank": "chief"}]


async def test_former_leaders_other_posts_and_abolished_bodies_are_not_counted(rt, units):
    await add_bodies(rt, body_record("U1", "B1", chief_posts=1, deputy_posts=0),
                     body_record("U1", "B2", chief_posts=0, deputy_posts=0, status="abolished"))
    await add_persons(rt, leader("U1", 101, "科长", "internal_chief", "B1"),
                      leader("U1", 103, "退休科长", "internal_chief", "B1", status="retired", in_est=False,
                                 exit_date=date(2026, 1, 5)),
                      leader("U1", 105, "兼任科长的局长", "unit_chief", "B1"),
                      leader("U1", 107, "科员", "none", "B1"),
                      leader("U1", 109, "撤销科室科长", "internal_chief", "B2"))
    await scan(rt)
    assert await seen(rt) == set()


async def test_the_pre_check_figures_are_the_figures_the_rules_count(rt, units):
    """body_posts and unit_posts (the 核职 / 任免 refusals) agree with C5 and its body scope."""
    ids = await add_bodies(rt, body_record("U1", "B1", chief_posts=1, deputy_posts=None))
    await add_persons(rt, leader("U1", 101, "科长甲", "internal_chief", "B1"),
                      leader("U1", 103, "科长乙", "internal_chief", "B1"),
                      leader("U1", 105, "副科长", "internal_deputy", "B1"),
                      leader("U1", 107, "无科室的科长", "internal_chief", None),
                      leader("U2", 109, "借任局长", "unit_chief", None, post_unit_code="U1"),
                      leader("U1", 111, "局长", "unit_chief", None))
    await scan(rt)
    async with transaction(rt.sessions) as session:
        body = await body_posts(session, body_id=ids[(units["U1"], "B1")])
        internal = await unit_posts(session, unit_id=units["U1"], scope="internal")
        leaders = await unit_posts(session, unit_id=units["U1"], scope="unit")
        with pytest.raises(LookupError):
            await body_posts(session, body_id=999_999)
    assert (body.chief_approved, body.chief_held, body.deputy_approved, body.deputy_held) == (1, 2, None, 1)
    assert body.exceeded_by("chief", 0) and not body.exceeded_by("deputy", 10)
    assert (internal.chief_held, internal.deputy_held, internal.room("chief")) == (3, 1, 2)
    assert (leaders.chief_approved, leaders.chief_held, leaders.exceeded_by("chief", 0)) == (1, 2, True)
    held = {(e["rank"], e["held"]) for e in await evidence(rt, "C5_BODY_OVER_POSTS")}
    assert held == {("chief", body.chief_held)}
    assert [e["held"] for e in await evidence(rt, "C5_OVER_POSTS")] == [leaders.chief_held]


async def test_an_incremental_scan_follows_a_leader_moving_between_bodies(rt, units):
    ids = await add_bodies(rt, body_record("U1", "B1", name="办公室"), body_record("U3", "B1", name="综合科"))
    await add_persons(rt, leader("U1", 101, "科长", "internal_chief", "B1"),
                      leader("U1", 103, "新科长", "internal_chief", "B1"),
                      leader("U3", 105, "乙科长", "internal_chief", "B1"))
    await scan(rt)
    assert {s.subject for s in await seen(rt)} == {f"U1:b{ids[(units['U1'], 'B1')]}.chief"}
    await add_persons(rt, leader("U1", 103, "新科长", "internal_chief", "B1", post_unit_code="U3"))
    outcome = await scan(rt, full=False)
    assert (outcome.kind, outcome.resolved) == ("incremental", 1)
    u3 = ids[(units["U3"], "B1")]
    assert await seen(rt, "C5_BODY") == {body_over("U3", f"b{u3}.chief", "内设机构“综合科”正职核定1名，实配2名")}
    assert (await scan(rt, full=True)).new == 0


async def test_a_new_body_over_the_limit_is_found_by_an_incremental_scan(rt, units):
    await add_bodies(rt, body_record("U1", "B1"), body_record("U1", "B2"))
    await scan(rt)
    await add_bodies(rt, body_record("U1", "B3"))
    outcome = await scan(rt, DAY, full=False)
    assert (outcome.kind, outcome.scoped_units, outcome.new) == ("incremental", 1, 1)
    assert await seen(rt) == {over_limit("U1", "内设机构限额2个，现有3个：科室B1、科室B2、科室B3")}
