"""The month-end lock job: who is locked and why, the office-zone month boundary, idempotence (twice
in a row and two runs at once), notices once per unit and target, and lifting (directly, audited)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models.accounts.permissions import PermissionDenied
from models.core.db import transaction
from models.core.decision import Actor
from models.core.tables import AuditLog
from models.locks.lift import NotLocked, lift_locks
from models.locks.monthend import lock_month
from models.locks.query import active_locks, restriction_for, unit_locks
from models.locks.words import month_before
from models.notify.tables import Outbox
from tasks.locks import month_end_locks, month_to_close, run_summary
from tests.locks.support import MONTH, REASON, add_check, counts, locked_world, run

OFFICER = Actor("officer", "officer", "李科长")


async def test_units_short_of_counting_checks_are_locked_with_the_figures(rt):
    world = await locked_world(rt)
    done = await run(rt)
    assert (done.watched, done.short, [lock.unit_id for lock in done.locked]) == (2, 1, [world.units["C1-A"]])
    assert run_summary(done) == "2026-10：应自查单位 2 个，自查不足 1 个，本次新锁定 1 个，此前已锁定 0 个"
    async with rt.sessions() as session:
        (lock,) = await unit_locks(session, unit_id=world.units["C1-A"])
        restricted = await restriction_for(session, account_id=world.steward.id)
        free = await restriction_for(session, account_id=world.outsider.id)
        rows = (await session.scalars(select(Outbox))).all()
    assert (lock.reason, lock.locked_by, lock.month_label, lock.active) == (REASON, "系统", "2026年10月", True)
    assert [r.unit_name for r in restricted] == ["甲县财政局"] and free == []
    assert sorted(r.idempotency_key.rsplit("-", 1)[0] for r in rows) == [f"lock-{MONTH}-u{world.units['C1-A']}"] * 2
    assert all("甲县财政局" in r.title and REASON in r.body for r in rows)


async def test_running_twice_locks_nobody_twice_and_sends_nothing_twice(rt):
    await locked_world(rt)
    await run(rt)
    first = await counts(rt)
    again = await run(rt)
    assert (len(again.locked), again.already) == (0, 1) and await counts(rt) == first == (1, 2)
    assert "此前已锁定 1 个" in run_summary(again)


async def test_two_runs_at_once_lock_once(rt):
    await locked_world(rt)
    runs = await asyncio.gather(run(rt), run(rt))
    assert sorted(len(r.locked) for r in runs) == [0, 1]
    assert await counts(rt) == (1, 2)


async def test_the_month_closes_at_midnight_in_the_office_zone_not_utc(rt):
    world = await locked_world(rt)
    tz = "Asia/Shanghai"
    assert month_to_close(datetime(2026, 11, 30, 16, 5, tzinfo=UTC), tz) == "2026-11"  # 00:05 on 1 Dec there
    assert month_to_close(datetime(2026, 11, 30, 15, 55, tzinfo=UTC), tz) == "2026-10"  # still 30 Nov there
    assert month_before(date(2027, 1, 1)) == "2026-12"
    with pytest.raises(ValueError, match="2026年11月尚未结束"):
        async with transaction(rt.sessions) as session:
            await lock_month(session, month="2026-11", as_of=date(2026, 11, 30), actor="system", required=2)
    # 23:30 on 30 Nov in the office zone is 15:30 UTC: two November checks, stored as the finish's month
    for hour in (2, 15):
        await add_check(rt, world.units["C1-A"], "2026-11", datetime(2026, 11, 30, hour, 30, tzinfo=UTC))
    done = await month_end_locks(rt, now=datetime(2026, 11, 30, 16, 5, tzinfo=UTC))
    assert done is not None and done.month == "2026-11"
    assert [lock.unit_id for lock in done.locked] == [world.units["C2-A"]]  # 甲县财政局 made its two


async def test_disabled_locking_locks_nobody(rt):
    await locked_world(rt)
    rt.settings.lock_enabled = False
    try:
        assert await month_end_locks(rt, now=datetime(2026, 11, 30, 16, 5, tzinfo=UTC)) is None
    finally:
        rt.settings.lock_enabled = True
    assert await counts(rt) == (0, 0)


async def test_an_officer_lifts_a_lock_once_with_a_reason_audited(rt):
    world = await locked_world(rt)
    await run(rt)
    unit = world.units["C1-A"]
    with pytest.raises(PermissionDenied):
        async with transaction(rt.sessions) as session:
            await lift_locks(session, unit_id=unit, actor=Actor("steward", "steward"), reason="自查已补")
    with pytest.raises(ValueError, match="理由"):
        async with transaction(rt.sessions) as session:
            await lift_locks(session, unit_id=unit, actor=OFFICER, reason="  ")
    async with transaction(rt.sessions) as session:
        assert await lift_locks(session, unit_id=unit, actor=OFFICER, reason="已电话核实，自查已补") == [MONTH]
    with pytest.raises(NotLocked, match="未被锁定"):
        async with transaction(rt.sessions) as session:
            await lift_locks(session, unit_id=unit, actor=OFFICER, reason="再点一次")
    async with rt.sessions() as session:
        assert await active_locks(session, unit_ids=[unit]) == {}
        (lock,) = await unit_locks(session, unit_id=unit)
        audited = (await session.scalars(select(AuditLog).where(AuditLog.action == "lock.lift"))).all()
    assert (lock.lifted_by, lock.lift_reason, lock.item_id) == ("李科长", "已电话核实，自查已补", None)
    assert [(a.actor, a.detail["month"]) for a in audited] == [("officer", MONTH)]
    assert len((await run(rt)).locked) == 0, "a lifted month stays lifted when the job runs again"


async def test_a_month_that_has_not_ended_or_reads_wrong_is_refused(rt):
    await locked_world(rt)
    with pytest.raises(ValueError, match="YYYY-MM"):
        await run(rt, month="2026-13")
    with pytest.raises(ValueError, match="尚未结束"):
        await run(rt, month=MONTH, as_of=date(2026, 10, 31))
