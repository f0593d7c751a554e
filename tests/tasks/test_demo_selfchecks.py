"""The demo holds a believable month of self-checks: units with two, one and none, and last month's."""

from __future__ import annotations

from collections import Counter
from datetime import date

from models.accounts.scope import scope_for
from models.accounts.store import get_account
from models.selfcheck.counting import checks_by_unit
from tasks.seed.demo import seed_demo

AS_OF = date(2026, 11, 23)


async def test_the_demo_has_units_with_two_one_and_no_self_checks(rt):
    await seed_demo(rt, AS_OF)
    async with rt.sessions() as session:
        steward2 = await get_account(session, login="steward2")
        steward1 = await get_account(session, login="steward1")
        done = (await scope_for(session, account_id=steward2.id, role="steward")).units[0]
        half = (await scope_for(session, account_id=steward1.id, role="steward")).units[0]
        this_month = await checks_by_unit(session, month="2026-11")
        last_month = await checks_by_unit(session, month="2026-10")
    spread = Counter(this_month.values())
    assert spread[2] >= 5 and spread[1] >= 5 and set(spread) == {1, 2}
    assert this_month[done] == 2 and this_month[half] == 1 and len(this_month) <= 18  # a third of 24 have none
    assert len(last_month) > len(this_month) / 2 and set(last_month.values()) == {2}
