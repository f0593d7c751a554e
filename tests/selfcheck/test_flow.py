"""The guided pass in the domain: counting rules, double taps, scope, and the six section readers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.accounts.scope import scope_for
from models.core.db import local_today, transaction
from models.core.decision import Actor, Conflict, DecisionError
from models.selfcheck import flow
from models.selfcheck.counting import NOT_OPENED, checks_by_unit, last_check, month_of
from models.selfcheck.sections import SECTION_KEYS, SectionContext, read_section
from models.selfcheck.tables import SelfCheckEvent
from models.staffing.scope import Scope
from tests.factories import add_persons, make_world, person_record

STEWARD = Actor("steward", "steward", "王专员")
OUTSIDER = Actor("outsider", "steward", "外单位")
TZ = "Asia/Shanghai"


@pytest.fixture
async def world(rt):
    return await make_world(rt)


async def scope_of(rt, account) -> Scope:
    async with rt.sessions() as session:
        return await scope_for(session, account_id=account.id, role=account.role)


async def view(rt, check_id: int, scope: Scope | None = None) -> flow.CheckView:
    async with rt.sessions() as session:
        found = await flow.check_in_scope(session, scope=scope or Scope(everything=True), check_id=check_id)
    assert found is not None
    return found


async def run_check(rt, world, *, open_keys=SECTION_KEYS, now: datetime | None = None, min_days: int = 0) -> int:
    """A steward's whole pass: start, open and confirm ``open_keys``, finish (at ``now``)."""
    scope = await scope_of(rt, world.steward)
    async with transaction(rt.sessions) as session:
        check_id = await flow.start(session, unit_id=world.units["C1-A"], actor=STEWARD, scope=scope, tz=TZ, now=now)
    for key in open_keys:
        async with transaction(rt.sessions) as session:
            await flow.open_section(session, await view(rt, check_id), key, STEWARD)
        check = await view(rt, check_id)
        async with transaction(rt.sessions) as session:
            await flow.confirm_section(session, check, key, STEWARD, version=check.version, fixed=1 if key == "warnings"
                                       else 0, note="已核对")
    check = await view(rt, check_id)
    async with transaction(rt.sessions) as session:
        await flow.finish(session, check, STEWARD, version=check.version, tz=TZ, min_days_apart=min_days, now=now)
    return check_id


async def test_a_whole_pass_counts_and_is_summarised(rt, world):
    check_id = await run_check(rt, world)
    month = month_of(datetime.now(UTC), TZ)
    async with rt.sessions() as session:
        assert await checks_by_unit(session, month=month) == {world.units["C1-A"]: 1}
        summary = await last_check(session, unit_id=world.units["C1-A"])
        events = (await session.scalars(select(col(SelfCheckEvent.kind))
                                        .where(SelfCheckEvent.check_id == check_id))).all()
    assert summary is not None and summary.counts and summary.confirmed == 6 and summary.fixed == 1
    assert summary.login == "steward" and summary.duration_s is not None
    assert events.count("opened") == 6 and events[0] == "started" and events[-1] == "finished"


async def test_a_check_with_unopened_sections_is_recorded_but_does_not_count(rt, world):
    check_id = await run_check(rt, world, open_keys=SECTION_KEYS[:5])
    check = await view(rt, check_id)
    assert check.summary.status == "finished" and not check.summary.counts
    assert check.summary.not_counted == NOT_OPENED
    async with rt.sessions() as session:
        assert await checks_by_unit(session, month=check.summary.month) == {}


async def test_confirming_a_section_never_opened_is_refused(rt, world):
    scope = await scope_of(rt, world.steward)
    async with transaction(rt.sessions) as session:
        check_id = await flow.start(session, unit_id=world.units["C1-A"], actor=STEWARD, scope=scope, tz=TZ)
    check = await view(rt, check_id)
    with pytest.raises(DecisionError, match="请先点“查看”"):
        async with transaction(rt.sessions) as session:
            await flow.confirm_section(session, check, "posts", STEWARD, version=check.version)
    assert not (await view(rt, check_id)).done("posts")


async def test_double_taps_act_once(rt, world):
    scope = await scope_of(rt, world.steward)
    unit = world.units["C1-A"]
    async with transaction(rt.sessions) as session:
        first = await flow.start(session, unit_id=unit, actor=STEWARD, scope=scope, tz=TZ)
    async with transaction(rt.sessions) as session:
        assert await flow.start(session, unit_id=unit, actor=STEWARD, scope=scope, tz=TZ) == first
    stale = await view(rt, first)
    for _ in range(2):  # the second tap carries the same page: opening again changes nothing
        async with transaction(rt.sessions) as session:
            await flow.open_section(session, stale, "quotas", STEWARD)
    check = await view(rt, first)
    async with transaction(rt.sessions) as session:
        await flow.confirm_section(session, check, "quotas", STEWARD, version=check.version)
    with pytest.raises(Conflict):
        async with transaction(rt.sessions) as session:
            await flow.confirm_section(session, check, "quotas", STEWARD, version=check.version)
    async with rt.sessions() as session:
        kinds = (await session.scalars(select(col(SelfCheckEvent.kind)).where(SelfCheckEvent.check_id == first))).all()
    assert sorted(kinds) == ["confirmed", "opened", "started"]


async def test_another_units_check_is_out_of_scope(rt, world):
    check_id = await run_check(rt, world)
    outsider = await scope_of(rt, world.outsider)
    async with rt.sessions() as session:
        assert await flow.check_in_scope(session, scope=outsider, check_id=check_id) is None
    with pytest.raises(LookupError):
        async with transaction(rt.sessions) as session:
            await flow.start(session, unit_id=world.units["C1-A"], actor=OUTSIDER, scope=outsider, tz=TZ)


async def test_min_days_apart_and_the_month_boundary_in_the_office_zone(rt, world):
    # 2026-03-31 16:30 UTC is 2026-04-01 00:30 in Shanghai: an April check
    first = await run_check(rt, world, now=datetime(2026, 3, 31, 16, 30, tzinfo=UTC), min_days=3)
    second = await run_check(rt, world, now=datetime(2026, 4, 2, 2, 0, tzinfo=UTC), min_days=3)
    third = await run_check(rt, world, now=datetime(2026, 4, 4, 2, 0, tzinfo=UTC), min_days=3)
    assert (await view(rt, first)).summary.month == "2026-04"
    assert "不足3天" in ((await view(rt, second)).summary.not_counted or "")
    assert (await view(rt, third)).summary.counts
    async with rt.sessions() as session:
        assert await checks_by_unit(session, month="2026-04") == {world.units["C1-A"]: 2}
        assert await checks_by_unit(session, month="2026-03") == {}


async def test_the_sections_read_the_units_data_in_words(rt, world):
    today = local_today(TZ)
    near = date(1960, 3, 1)  # a man who reached retirement age years ago and still works
    await add_persons(rt, person_record("C1-A", 101, name="李四", education=None),
                      person_record("C1-A", 103, name="王五", birth=near))
    ctx = SectionContext(world.units["C1-A"], Scope(everything=True), today, None, 6)
    async with rt.sessions() as session:
        incomplete = await read_section(session, "incomplete", ctx)
        quotas = await read_section(session, "quotas", ctx)
        changes = await read_section(session, "changes", ctx)
        posts = await read_section(session, "posts", ctx)
        retirement = await read_section(session, "retirement", ctx)
    assert [(r.text, r.detail) for r in incomplete.rows] == [("李四", "缺少：学历")]
    assert quotas.rows[0].text == "行政编制" and quotas.rows[0].detail == "核定 5 名，实有 2 名"
    assert {r.text for r in changes.rows} == {"李四", "王五"} and posts.rows[0].text == "单位领导正职"
    assert [r.text for r in retirement.rows] == ["王五"] and retirement.rows[0].detail.startswith("已于")
    assert retirement.rows[0].link_kind == "person" and incomplete.attention == 1
