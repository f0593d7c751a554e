"""First start of ``bzops run``: demo data, demo notification targets (the ``log`` channel, so
digests land in ``var/outbox/``), and a first full scan so the portal has warnings to show."""

from __future__ import annotations

from datetime import timedelta

from models.accounts.scope import scope_for
from models.accounts.store import get_account
from models.core.db import local_today, transaction, utcnow
from models.core.runtime import Runtime
from models.links.tokens import link_key, mint
from models.notify.audience import steward_units
from models.notify.targets import TargetSpec, count_targets, create_target
from models.staffing.units import count_units, units_by_depth
from models.warnings.query import WarningFilter, list_warnings
from tasks.scanning import scan_now
from tasks.seed.demo import DemoResult, seed_demo
from tasks.seed.demo_items import backdate_flawed_unit, seed_demo_items
from tasks.seed.demo_scores import redraft_this_month


async def database_is_empty(rt: Runtime) -> bool:
    async with rt.sessions() as session:
        return not await count_units(session)


async def seed_demo_if_empty(rt: Runtime) -> DemoResult | None:
    """Seed the demo county once; later starts keep whatever the database holds."""
    if not await database_is_empty(rt):
        return None
    today = local_today(rt.settings.tz)
    result = await seed_demo(rt, as_of=today)
    await create_demo_targets(rt)
    await backdate_flawed_unit(rt, today)  # a month of history: its severe warnings are overdue (暂缓审批)
    await scan_now(rt, as_of=today, full=True)
    await redraft_this_month(rt, today)  # this month's draft scores now count the scan's warnings
    result.items = await seed_demo_items(rt, today)  # 事项 in every state, for the demo logins to act on
    return result


async def create_demo_targets(rt: Runtime) -> None:
    """One log-channel group per steward's unit and one for the county office (编办)."""
    async with transaction(rt.sessions) as session:
        county = next(u for u in await units_by_depth(session) if u.depth == 2)
        stewards = await steward_units(session)
        specs = [TargetSpec(f"{s.name}工作群（演示）", "log", {}, ("digest", "reminder"), s.code) for s in stewards]
        specs += [TargetSpec(f"{s.name}专员工作通知（演示）", "log", {}, ("s1", "escalation", "review"), s.code,
                             account_id=s.account_id) for s in stewards]
        office = ("digest", "escalation", "review", "admin")
        specs.append(TargetSpec(f"{county.name}编办工作群（演示）", "log", {}, office, county.code, subtree=True,
                                group_by="all"))
        for spec in specs:
            target = await create_target(session, rt.cipher, spec, actor="demo")
            # A demo is tried at any hour: its messages must not wait for the morning or Monday.
            target.quiet_start = target.quiet_end = "00:00"
            target.quiet_on_holidays = False
        await session.flush()
        count = await count_targets(session)
        assert count == len(specs)



async def demo_card_link(rt: Runtime, *, login: str = "steward1") -> str | None:
    """A try-out: a personal 确认 link for ``login``'s first open warning (None if
    there is no such account or warning), so a new user can open a card button from the terminal."""
    async with rt.sessions() as session:
        account = await get_account(session, login=login)
        if account is None or account.id is None:
            return None
        scope = await scope_for(session, account_id=account.id, role=account.role)
        rows = await list_warnings(session, scope=scope, filters=WarningFilter(status="open"),
                                   today=local_today(rt.settings.tz), limit=1)
    if not rows:
        return None
    key = link_key(rt.settings.secret_key.get_secret_value())
    token = mint(key, sub=f"a{account.id}", act="ack", obj=f"w{rows[0].id}", now=utcnow(),
                 ttl=timedelta(hours=rt.settings.action_link_hours))
    return f"{rt.settings.public_url.rstrip('/')}/a/{token}"
