"""Shared by the lock tests: the standard world with a group target for 甲县财政局, an SMS target of
its steward, self-checks written as the self-check capability stores them, and the month-end run."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from models.accounts.store import ScopeSpec
from models.core.db import transaction
from models.core.runtime import Runtime
from models.locks.monthend import LockRun
from models.locks.tables import UnitLock
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from models.selfcheck.tables import SelfCheck
from tasks.locks import run_lock_month
from tests.factories import World, add_account, make_world

MONTH, AS_OF = "2026-10", date(2026, 11, 1)
REASON = "2026年10月完成自查 1 次，少于规定的 2 次"


async def add_check(rt: Runtime, unit_id: int, month: str, finished: datetime, *, counts: bool = True) -> None:
    async with transaction(rt.sessions) as session:
        session.add(SelfCheck(unit_id=unit_id, login="steward", month=month, finished_at=finished, counts=counts,
                              status="finished", sections={"warnings": {"opened_at": "x", "confirmed": True}}))


async def locked_world(rt: Runtime) -> World:
    """甲县财政局 (steward) made 1 counting check in October, 乙县财政局 (outsider) 2; both are told by
    a group target of their own and the steward's SMS; 甲县教育局 has no steward (not watched)."""
    world = await make_world(rt)
    a, c = world.units["C1-A"], world.units["C2-A"]
    await add_check(rt, a, MONTH, datetime(2026, 10, 9, tzinfo=UTC))
    await add_check(rt, a, MONTH, datetime(2026, 10, 19, tzinfo=UTC), counts=False)
    for day in (8, 22):
        await add_check(rt, c, MONTH, datetime(2026, 10, day, tzinfo=UTC))
    sms = {"access_key_id": "k", "access_key_secret": "s", "sign_name": "编办", "template_code": "SMS_1",
           "phone_numbers": ["13900000001"]}
    async with transaction(rt.sessions) as session:
        for code in ("C1-A", "C2-A"):
            await create_target(session, rt.cipher, TargetSpec(f"{code}群", "log", {}, ("reminder",), code),
                                actor="test")
        await create_target(session, rt.cipher, TargetSpec("王专员短信", "sms", sms, ("digest",),
                                                            account_id=world.steward.id), actor="test")
    await add_account(rt, "s-off", "steward", [ScopeSpec("C1-B", False)], locked=True)  # disabled: not watched
    return world


async def run(rt: Runtime, month: str = MONTH, as_of: date = AS_OF) -> LockRun:
    done = await run_lock_month(rt, month=month, as_of=as_of)
    assert done is not None
    return done


async def counts(rt: Runtime) -> tuple[int, int]:
    async with rt.sessions() as session:
        locks = await session.scalar(select(func.count()).select_from(UnitLock))
        outbox = await session.scalar(select(func.count()).select_from(Outbox))
    return int(locks or 0), int(outbox or 0)
