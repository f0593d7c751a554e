"""First start of ``bzops run``: demo data, demo notification targets (the ``log`` channel, so
digests land in ``var/outbox/``), and a first full scan so the portal has warnings to show."""

from __future__ import annotations

from models.core.db import local_today, transaction
from models.core.runtime import Runtime
from models.notify.audience import steward_units
from models.notify.targets import TargetSpec, count_targets, create_target
from models.staffing.units import count_units, units_by_depth
from tasks.scanning import scan_now
from tasks.seed.demo import DemoResult, seed_demo


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
    await scan_now(rt, as_of=today, full=True)
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
            await create_target(session, rt.cipher, spec, actor="demo")
        await session.flush()
        count = await count_targets(session)
        assert count == len(specs)

