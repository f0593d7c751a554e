"""Scanner lifecycle: fingerprints, auto-resolution, reopening, and incremental == full."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from models.core.db import transaction
from models.warnings.config import change_rule
from models.warnings.scan import run_scan
from models.warnings.tables import Warning, WarningEvent
from tests.factories import add_persons, add_units, person_record, unit_record

DAY = date(2026, 11, 23)


async def scan(rt, as_of: date = DAY, full: bool = False):
    async with transaction(rt.sessions) as session:
        return await run_scan(session, as_of=as_of, full=full)


async def snapshot(rt) -> dict[str, tuple]:
    async with rt.sessions() as session:
        rows = (await session.scalars(select(Warning))).all()
    return {w.fingerprint: (w.status, w.severity, w.due_date, w.evidence, w.reopen_count) for w in rows}


async def timeline(rt, fingerprint: str) -> list[str]:
    async with rt.sessions() as session:
        warning = (await session.scalars(select(Warning).where(Warning.fingerprint == fingerprint))).one()
        events = await session.scalars(select(WarningEvent).where(WarningEvent.warning_id == warning.id)
                                       .order_by(WarningEvent.id))
        return [e.kind for e in events]


async def test_it_updates_resolves_and_reopens_the_same_warning(rt):
    units = await add_units(rt, unit_record("U1", quotas={"XZ": 1}))
    await add_persons(rt, person_record("U1", seq=101), person_record("U1", seq=103))
    first = await scan(rt, full=True)
    key = f"C1_OVER_QUOTA:u{units['U1']}:XZ"
    assert first.new == 1 and (await snapshot(rt))[key][0] == "open"
    await add_persons(rt, person_record("U1", seq=105))
    assert (await scan(rt)).updated == 1 and (await snapshot(rt))[key][3]["actual"] == 3
    await add_persons(rt, *(person_record("U1", seq=s, status="transferred", in_est=False,
                                          exit_date=date(2026, 11, 1)) for s in (103, 105)))
    assert (await scan(rt)).resolved == 1 and (await snapshot(rt))[key][0] == "resolved"
    await add_persons(rt, person_record("U1", seq=103))
    assert (await scan(rt)).reopened == 1
    assert (await snapshot(rt))[key][0::4] == ("open", 1)
    assert await timeline(rt, key) == ["detected", "resolved", "reopened"]


async def test_it_keeps_exceptions_closed(rt):
    await add_units(rt, unit_record("U1", quotas={"XZ": 1}))
    await add_persons(rt, person_record("U1", seq=101), person_record("U1", seq=103))
    await scan(rt, full=True)
    async with transaction(rt.sessions) as session:
        await session.execute(update(Warning).values(status="exception"))
    outcome = await scan(rt, full=True)
    assert (outcome.new, outcome.reopened, outcome.resolved) == (0, 0, 0)


async def test_it_closes_the_warnings_of_a_disabled_rule(rt):
    await add_units(rt, unit_record("U1", quotas={"XZ": 1}))
    await add_persons(rt, person_record("U1", seq=101), person_record("U1", seq=103))
    await scan(rt, full=True)
    async with transaction(rt.sessions) as session:
        await change_rule(session, code="C1_OVER_QUOTA", actor="admin", enabled=False)
    outcome = await scan(rt)
    assert outcome.kind == "full" and outcome.resolved == 1


async def test_it_records_the_rule_version_that_raised_a_warning(rt):
    await add_units(rt, unit_record("U1", quotas={"XZ": 1}))
    await add_persons(rt, person_record("U1", seq=101), person_record("U1", seq=103))
    async with transaction(rt.sessions) as session:
        await change_rule(session, code="C1_OVER_QUOTA", actor="admin", deadline_days=15)
    await scan(rt)
    async with rt.sessions() as session:
        warning = (await session.scalars(select(Warning))).one()
    assert warning.rule_version == 2 and warning.due_date == date(2026, 12, 14)


async def world(rt) -> None:
    await add_units(rt, unit_record("U1", quotas={"XZ": 3}), unit_record("U2", quotas={"XZ": 2}),
                    unit_record("U3", kind="institution", quotas={"SY": 5}))
    await add_persons(rt, person_record("U1", seq=101), person_record("U1", seq=103, education=None),
                      person_record("U2", seq=105, birth=date(1966, 3, 15)),
                      person_record("U2", seq=107, post_unit_code="U1", leader_kind="unit_chief"),
                      person_record("U3", seq=109, est_type="SY"), person_record("U3", seq=111, est_type="SY"))


async def assert_full_scan_agrees(rt, as_of: date) -> None:
    before = await snapshot(rt)
    outcome = await scan(rt, as_of, full=True)
    assert (outcome.new, outcome.updated, outcome.reopened, outcome.resolved) == (0, 0, 0, 0)
    assert await snapshot(rt) == before


async def test_an_incremental_scan_leaves_nothing_for_a_full_scan_to_change(rt):
    await world(rt)
    await scan(rt, DAY, full=True)
    await add_persons(rt, person_record("U1", seq=103, education="本科"), person_record("U1", seq=113),
                      person_record("U1", seq=115), person_record("U3", seq=111, est_type="SY", post_unit_code="U2"),
                      person_record("U2", seq=107, post_unit_code="U3", leader_kind="unit_chief"),
                      person_record("U3", seq=101, est_type="SY"))
    await add_units(rt, unit_record("U2", quotas={"XZ": 1}))
    outcome = await scan(rt, DAY)
    assert outcome.kind == "incremental" and outcome.new > 0 and outcome.resolved > 0
    await assert_full_scan_agrees(rt, DAY)


async def test_an_incremental_scan_sees_time_pass_without_data_changes(rt):
    await world(rt)
    await scan(rt, date(2026, 1, 10), full=True)
    for as_of in (date(2026, 1, 16), date(2026, 4, 20), date(2026, 8, 3)):
        outcome = await scan(rt, as_of)
        assert outcome.kind == "incremental" and outcome.new + outcome.resolved + outcome.updated > 0
        await assert_full_scan_agrees(rt, as_of)
