"""Demo self-checks (自查): over the county's first units, some with two counting checks this month,
some with one, some with none, and last month mostly done (a few units short, as the month-end lock
finds them). The two demo stewards' units: steward2's done twice, steward1's once, by their own hands.
Made through the real moves (start, open, confirm, finish), so timelines and audit rows read as in use.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.scope import scope_for
from models.accounts.store import get_account
from models.core.db import transaction
from models.core.decision import Actor
from models.core.runtime import Runtime
from models.selfcheck import flow
from models.selfcheck.sections import SECTION_KEYS
from models.staffing.scope import Scope
from models.staffing.units import units_in_scope

DEMO = Actor("demo", "steward", "演示数据")
EVERYTHING = Scope(everything=True)
UNITS = 24
THIS_MONTH = (2, 1, 0)  # checks per unit, in turn
LAST_MONTH = (2, 2, 2, 0)


async def seed_demo_selfchecks(rt: Runtime, today: date) -> int:
    """Write the demo self-checks; returns how many were written."""
    tz = rt.settings.tz
    async with transaction(rt.sessions) as session:
        officer = await get_account(session, login="officer")
        if officer is None or officer.id is None:
            return 0
        units = await units_in_scope(session, scope=await scope_for(session, account_id=officer.id,
                                                                      role=officer.role), limit=UNITS)
        plan = {u.id: (DEMO, THIS_MONTH[i % 3], LAST_MONTH[i % 4]) for i, u in enumerate(units) if u.id is not None}
        plan.update(await _stewards(session))
        this_start, now = _month_start(today, tz), datetime.now(UTC)
        last_start = _month_start(this_start.astimezone(ZoneInfo(tz)).date() - timedelta(days=1), tz)
        written = 0
        for unit_id, (who, current, previous) in plan.items():
            written += await _checks(session, unit_id, who, _times(last_start, this_start, previous), tz)
            written += await _checks(session, unit_id, who, _times(this_start, min(now, _end(today, tz)), current), tz)
        return written


async def _stewards(session: AsyncSession) -> dict[int, tuple[Actor, int, int]]:
    found = {}
    for login, current in (("steward1", 1), ("steward2", 2)):
        account = await get_account(session, login=login)
        if account is not None and account.id is not None:
            scope = await scope_for(session, account_id=account.id, role=account.role)
            for unit_id in scope.units:
                found[unit_id] = (Actor(login, account.role, account.display_name), current, 2)
    return found


def _month_start(day: date, tz: str) -> datetime:
    return datetime.combine(day.replace(day=1), time(), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _end(day: date, tz: str) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _times(start: datetime, end: datetime, count: int) -> list[datetime]:
    """``count`` finishing moments spread over [start, end), the first a third of the way in."""
    span = end - start
    if span <= timedelta(0):
        return []
    return [start + span * (1 + 3 * k) / (3 * count + 1) for k in range(count)]


async def _checks(session: AsyncSession, unit_id: int, who: Actor, finishes: list[datetime], tz: str) -> int:
    for finished in finishes:
        check_id = await flow.start(session, unit_id=unit_id, actor=who, scope=EVERYTHING, tz=tz,
                                    now=finished - timedelta(minutes=12))
        for number, key in enumerate(SECTION_KEYS):
            check = await _view(session, check_id)
            await flow.open_section(session, check, key, who)
            check = await _view(session, check_id)
            await flow.confirm_section(session, check, key, who, version=check.version, fixed=number % 2,
                                       note="已核对" if number % 2 else "")
        check = await _view(session, check_id)
        await flow.finish(session, check, who, version=check.version, tz=tz, min_days_apart=0, now=finished)
    return len(finishes)


async def _view(session: AsyncSession, check_id: int) -> flow.CheckView:
    check = await flow.check_in_scope(session, scope=EVERYTHING, check_id=check_id)
    assert check is not None
    return check
