"""Targeted scans (after a correction): exactly the given units, and never the base of an incremental scan."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import col

from models.core.db import transaction
from models.notify.marks import scan_and_mark
from models.notify.tables import DigestState
from models.notify.targets import TargetSpec, create_target
from models.staffing.tables import Person
from models.warnings.scan import run_scan
from models.warnings.scope import units_of_persons
from models.warnings.tables import ScanRun, Warning
from tests.factories import add_persons, add_units, person_record, unit_record
from tests.models.test_scan import assert_full_scan_agrees, snapshot

DAY = date(2026, 11, 23)


async def scan(rt, *, full: bool = False, units: list[int] | None = None):
    async with transaction(rt.sessions) as session:
        return await run_scan(session, as_of=DAY, full=full, units=units)


async def two_units(rt) -> dict[str, int]:
    """U1 holds a record whose post is in U2 (D1); U2 holds a complete record."""
    units = await add_units(rt, unit_record("U1"), unit_record("U2"))
    await add_persons(rt, person_record("U1", seq=101, post_unit_code="U2"), person_record("U2", seq=103))
    await scan(rt, full=True)
    return units


async def status(rt, rule: str) -> str | None:
    async with rt.sessions() as session:
        return await session.scalar(select(col(Warning.status)).where(Warning.rule_code == rule))


async def test_a_targeted_scan_resolves_in_its_units_only(rt):
    units = await two_units(rt)
    await add_persons(rt, person_record("U1", seq=101, post_unit_code="U1"),  # fixed in U1
                      person_record("U2", seq=103, education=None))  # broken in U2
    outcome = await scan(rt, units=[units["U1"]])
    assert (outcome.kind, outcome.scoped_units, outcome.resolved, outcome.new) == ("targeted", 1, 1, 0)
    assert await status(rt, "D1_POST_UNIT") == "resolved" and await status(rt, "A10_INCOMPLETE") is None
    assert "定向（1个机构）" in outcome.summary()


async def test_an_incremental_scan_after_a_targeted_one_still_sees_changes_made_before_it(rt):
    units = await two_units(rt)
    await add_persons(rt, person_record("U2", seq=103, education=None))  # changed elsewhere, not rescanned
    await add_persons(rt, person_record("U1", seq=101, post_unit_code="U1"))
    await scan(rt, units=[units["U1"]])  # the correction's own scan
    outcome = await scan(rt)
    assert outcome.kind == "incremental" and outcome.new == 1, "the change in U2 is not lost"
    assert await status(rt, "A10_INCOMPLETE") == "open"
    await assert_full_scan_agrees(rt, DAY)


async def test_the_previous_scan_of_an_incremental_one_is_never_a_targeted_one(rt):
    units = await two_units(rt)
    await scan(rt, units=[units["U2"]])
    await scan(rt)
    async with rt.sessions() as session:
        kinds = (await session.scalars(select(col(ScanRun.kind)).order_by(ScanRun.id))).all()
    assert kinds == ["full", "targeted", "incremental"]
    first = await scan(rt, units=[])
    assert (first.kind, first.scoped_units, first.resolved) == ("targeted", 0, 0), "an empty scope touches nothing"
    assert await snapshot(rt) and await status(rt, "D1_POST_UNIT") == "open"


async def test_the_units_of_a_record_are_its_own_its_post_and_those_sharing_its_id(rt):
    units = await add_units(rt, unit_record("U1"), unit_record("U2"), unit_record("U3"))
    await add_persons(rt, person_record("U1", seq=101, post_unit_code="U2"), person_record("U3", seq=101))
    async with rt.sessions() as session:
        person = await session.scalar(select(col(Person.id)).where(Person.unit_id == units["U1"]))
        assert await units_of_persons(session, person_ids=[person]) == set(units.values())


async def test_digests_hear_of_what_a_targeted_scan_resolved(rt):
    units = await two_units(rt)
    async with transaction(rt.sessions) as session:
        await create_target(session, rt.cipher, TargetSpec("群", "log", {}, ("digest",), "U1"), actor="test")
    await add_persons(rt, person_record("U1", seq=101, post_unit_code="U1"))
    async with transaction(rt.sessions) as session:
        outcome = await scan_and_mark(session, as_of=DAY, units=[units["U1"]])
    assert outcome.resolved == 1
    async with rt.sessions() as session:
        marks = (await session.scalars(select(DigestState))).all()
    assert [(m.group_key, m.dirty) for m in marks] == [(f"u{units['U1']}", True)]
