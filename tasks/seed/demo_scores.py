"""Demo scores (评分, 红黑榜): last month drafted and published by the demo admin, this month's draft
with one appeal by steward1 waiting for the officer. Made through the real moves (draft, publish,
file an appeal), so timelines and audit rows read as in use. Drafting is idempotent, so the first
start re-drafts this month after its scan (:func:`redraft_this_month`) and the appeal stays.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.scope import scope_for
from models.accounts.store import get_account
from models.core.db import transaction
from models.core.decision import Actor
from models.core.runtime import Runtime
from models.scores.appeals import file_appeal
from models.scores.period import previous_month
from models.scores.query import deductions_of, unit_lines
from models.scores.runs import Drafted
from tasks.scoring import publish_month, run_draft

ADMIN = Actor("admin", "admin", "系统管理员（演示）")
REASON = "本月第二次自查已于月中完成，因网络中断未能提交，已补做，请核实。"


async def seed_demo_scores(rt: Runtime, today: date) -> int:
    """Publish last month's list and draft this month's; returns the appeals filed (0 or 1)."""
    last = previous_month(today)
    await run_draft(rt, month=last, as_of=today, actor="demo")
    await publish_month(rt, month=last, actor=ADMIN)
    await redraft_this_month(rt, today)
    async with transaction(rt.sessions) as session:
        return await _appeal(session, f"{today:%Y-%m}", today)


async def redraft_this_month(rt: Runtime, today: date) -> Drafted:
    return await run_draft(rt, month=f"{today:%Y-%m}", as_of=today, actor="demo")


async def _appeal(session: AsyncSession, month: str, today: date) -> int:
    """steward1 appeals the first deduction of its unit in this month's draft."""
    account = await get_account(session, login="steward1")
    if account is None or account.id is None:
        return 0
    scope = await scope_for(session, account_id=account.id, role=account.role)
    for run, line in await unit_lines(session, scope=scope):
        found = await deductions_of(session, run_id=run.id, unit_id=line.unit_id) if run.month == month else []
        if found:
            await file_appeal(session, scope=scope, actor=Actor("steward1", account.role, account.display_name),
                              deduction_id=found[0].id, reason=REASON, today=today)
            return 1
    return 0
