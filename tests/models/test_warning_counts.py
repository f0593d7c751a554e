"""The figures of the home page and the robot's 待办: live warnings per severity, overdue, disputed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from models.core.db import transaction
from models.staffing.scope import Scope
from models.warnings.query import counts_by_severity
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from tests.factories import add_persons, make_world, person_record

DAY = date(2026, 11, 23)


async def test_counts_are_per_severity_and_count_overdue_and_disputed_once(rt):
    world = await make_world(rt)
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)),
                      *(person_record("C1-B", seq=301 + 2 * i, education=None) for i in range(3)))
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=DAY, full=True)
    async with rt.sessions() as session:
        rows = (await session.scalars(select(Warning).order_by(Warning.id))).all()
    expected = {s: sum(1 for w in rows if w.severity == s) for s in {w.severity for w in rows}}
    first, second, third = rows[0].id, rows[1].id, rows[2].id
    async with transaction(rt.sessions) as session:
        await session.execute(update(Warning).where(Warning.id == first).values(status="disputed"))
        await session.execute(update(Warning).where(Warning.id.in_([first, second]))
                              .values(due_date=DAY - timedelta(days=1)))
        await session.execute(update(Warning).where(Warning.id == third).values(status="resolved"))
    expected[rows[2].severity] -= 1
    async with rt.sessions() as session:
        counts = await counts_by_severity(session, scope=Scope(everything=True), today=DAY)
        outside = await counts_by_severity(session, scope=Scope(False, (world.units["C2-A"],), ()), today=DAY)
    assert counts == {**{s: n for s, n in expected.items() if n}, "overdue": 2, "disputed": 1}
    assert outside == {"overdue": 0, "disputed": 0}
