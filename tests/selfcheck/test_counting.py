"""The readers other capabilities use: ``checks_by_unit`` counts only counting checks of the month,
``last_check`` is the latest finished check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.core.db import transaction
from models.selfcheck.counting import checks_by_unit, last_check
from models.selfcheck.tables import SelfCheck
from tests.factories import make_world


async def add_check(rt, unit_id: int, month: str, finished: datetime | None, *, counts: bool) -> None:
    async with transaction(rt.sessions) as session:
        session.add(SelfCheck(unit_id=unit_id, login="steward", month=month, finished_at=finished, counts=counts,
                              status="finished" if finished else "in_progress",
                              open_unit=None if finished else unit_id,
                              sections={"warnings": {"opened_at": "x", "confirmed": True, "fixed": 2}}))


async def test_checks_by_unit_counts_only_counting_checks_of_the_month(rt):
    world = await make_world(rt)
    a, b, c = world.units["C1-A"], world.units["C1-B"], world.units["C2-A"]
    await add_check(rt, a, "2026-03", datetime(2026, 3, 2, tzinfo=UTC), counts=True)
    await add_check(rt, a, "2026-03", datetime(2026, 3, 20, tzinfo=UTC), counts=True)
    await add_check(rt, a, "2026-04", datetime(2026, 4, 1, tzinfo=UTC), counts=True)
    await add_check(rt, b, "2026-03", datetime(2026, 3, 3, tzinfo=UTC), counts=False)
    await add_check(rt, b, "2026-03", datetime(2026, 3, 5, tzinfo=UTC), counts=True)
    await add_check(rt, c, "2026-03", None, counts=False)
    async with rt.sessions() as session:
        assert await checks_by_unit(session, month="2026-03") == {a: 2, b: 1}
        assert await checks_by_unit(session, month="2026-03", unit_ids=[b, c]) == {b: 1}
        assert await checks_by_unit(session, month="2026-03", unit_ids=[]) == {}
        latest = await last_check(session, unit_id=a)
        assert await last_check(session, unit_id=c) is None
        with pytest.raises(ValueError, match="YYYY-MM"):
            await checks_by_unit(session, month="2026-3")
    assert latest is not None and latest.month == "2026-04" and latest.fixed == 2 and latest.confirmed == 1
