"""Demo locks (锁定): last month's lock job over the county, run after the demo self-checks. The job
watches units that have stewards, so two units short of last month's checks first get a demo steward
of their own (steward3, steward4); the job then locks them, and steward3 has filed a 解锁申请 that
waits for the officer (科室初审). The other demo stewards' units made their checks and stay free.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import models.approvals.kinds  # noqa: F401  (registers the unlock kind)
from models.accounts.scope import scope_for
from models.accounts.store import ScopeSpec, create_account, get_account
from models.approvals.engine import submit
from models.approvals.kind import Application
from models.core.db import transaction
from models.core.decision import Actor
from models.core.enums import Role
from models.core.runtime import Runtime
from models.locks.words import month_before
from models.notify.audience import steward_units
from models.selfcheck.counting import checks_by_unit
from models.staffing.units import units_in_scope
from tasks.locks import run_lock_month
from tasks.notify.item_notices import write_item_notices

STEWARDS = (("steward3", "数据管理专员（演示·已锁定）"), ("steward4", "数据管理专员（演示·已锁定）"))
LOOKED_AT = 24  # the units the demo self-checks cover
UNLOCK_REASON = "上月因人员调整漏做自查，本月已完成两次自查，请予解锁"


async def seed_demo_locks(rt: Runtime, today: date, password: str) -> list[tuple[str, str, str]]:
    """Lock last month's short units (with their new stewards); (login, name, unit name) of each steward."""
    month = month_before(today)
    short = await _short_units(rt, month)
    made = []
    async with transaction(rt.sessions) as session:
        for number, ((login, name), unit) in enumerate(zip(STEWARDS, short, strict=False), start=20):
            await create_account(session, login=login, display_name=name, role=Role.STEWARD, password=password,
                                 scopes=[ScopeSpec(unit.code, False)], mobile=f"1990000{number:04d}", actor="seed")
            made.append((login, name, unit.name))
    await run_lock_month(rt, month=month, as_of=today, actor="system")
    if short:
        await _ask_to_unlock(rt, short[0].id, today)
    return made


async def _short_units(rt: Runtime, month: str) -> list[Any]:
    """Up to two of the officer's first units without a steward that made too few checks in ``month``."""
    async with rt.sessions() as session:
        officer = await get_account(session, login="officer")
        if officer is None or officer.id is None:
            return []
        scope = await scope_for(session, account_id=officer.id, role=officer.role)
        units = await units_in_scope(session, scope=scope, limit=LOOKED_AT)
        kept = {s.code for s in await steward_units(session)}
        done = await checks_by_unit(session, month=month)
    required = rt.settings.selfcheck_min_per_month
    return [u for u in units if u.code not in kept and done.get(u.id, 0) < required and u.depth > 2][:len(STEWARDS)]


async def _ask_to_unlock(rt: Runtime, unit_id: int, today: date) -> None:
    login, name = STEWARDS[0]
    actor = Actor(login, Role.STEWARD, name)
    async with transaction(rt.sessions) as session:
        outcome = await submit(session, Application("unlock", unit_id, "申请解除锁定", {"reason": UNLOCK_REASON}),
                               actor, today=today)
        await write_item_notices(session, rt.settings, outcome, actor, today=today)
