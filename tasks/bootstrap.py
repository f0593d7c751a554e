"""First start of ``bzops run``: demo data, demo notification targets (the ``log`` channel, so
digests land in ``var/outbox/``), and a first full scan so the portal has warnings to show."""

from __future__ import annotations

from sqlalchemy import func, select

from models.core.db import local_today, transaction
from models.core.runtime import Runtime
from models.notify.tables import Target
from models.notify.targets import TargetSpec, create_target
from models.staffing.tables import Unit
from tasks.scanning import scan_now
from tasks.seed.demo import DemoResult, seed_demo


async def database_is_empty(rt: Runtime) -> bool:
    async with rt.sessions() as session:
        return not await session.scalar(select(func.count()).select_from(Unit))


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
        unit = Unit.__table__  # type: ignore[attr-defined]
        units = (await session.execute(select(unit.c.code, unit.c.name, unit.c.depth)
                                       .order_by(unit.c.depth, unit.c.path))).all()
        county = next(u for u in units if u.depth == 2)
        stewards = await _steward_units(session)
        specs = [TargetSpec(f"{name}工作群（演示）", "log", {}, ("digest", "reminder"), code)
                 for code, name, _account in stewards]
        specs += [TargetSpec(f"{name}专员工作通知（演示）", "log", {}, ("s1", "escalation"), code, account_id=account)
                  for code, name, account in stewards]
        specs.append(TargetSpec(f"{county.name}编办工作群（演示）", "log", {}, ("digest", "escalation", "admin"),
                                county.code, subtree=True, group_by="all"))
        for spec in specs:
            await create_target(session, rt.cipher, spec, actor="demo")
        await session.flush()
        count = await session.scalar(select(func.count()).select_from(Target))
        assert count == len(specs)


async def _steward_units(session: object) -> list[tuple[str, str, int]]:
    from models.accounts.tables import Account, AccountScope

    unit, scope, account = (t.__table__ for t in (Unit, AccountScope, Account))  # type: ignore[union-attr]
    query = (select(unit.c.code, unit.c.name, account.c.id).join(scope, scope.c.unit_id == unit.c.id)
             .join(account, account.c.id == scope.c.account_id).where(account.c.role == "steward")
             .order_by(account.c.login))
    return [(code, name, account_id) for code, name, account_id in await session.execute(query)]  # type: ignore[attr-defined]
