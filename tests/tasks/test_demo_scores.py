"""The demo holds a published red/black list for last month and this month's draft with one appeal pending."""

from __future__ import annotations

from datetime import date

from models.scores.query import appeals, latest_lists, runs_of
from models.staffing.scope import Scope
from tasks.seed.demo import seed_demo
from tasks.seed.demo_scores import redraft_this_month

AS_OF = date(2026, 11, 23)


async def test_the_demo_has_last_months_list_published_and_an_appeal_pending(rt):
    await seed_demo(rt, AS_OF)
    await redraft_this_month(rt, AS_OF)  # the first start re-drafts after its scan: the appeal stays
    async with rt.sessions() as session:
        last, this = await runs_of(session, month="2026-10"), await runs_of(session, month="2026-11")
        waiting = await appeals(session, scope=Scope(everything=True))
        shown = await latest_lists(session)
    assert last and {r.status for r in last} == {"published"} and all(r.published_by == "admin" for r in last)
    assert this and {r.status for r in this} == {"draft"}
    assert len(waiting) == 1 and waiting[0].filed_by == "steward1" and waiting[0].month == "2026-11"
    assert shown and shown[0].run.month == "2026-10" and shown[0].red and shown[0].black
