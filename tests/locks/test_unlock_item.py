"""解锁申请 through the approvals engine: filed by the locked unit's steward, approved by the officer,
it lifts the unit's lock in the approval's transaction (audited, naming the item); an unlocked unit
cannot file one."""

from __future__ import annotations

from sqlalchemy import select

import models.approvals.kinds  # noqa: F401  (registers the item kinds)
from models.approvals.engine import decide, submit
from models.approvals.kind import Application, ItemRefused
from models.approvals.tables import Item
from models.core.db import transaction
from models.core.decision import Actor
from models.core.tables import AuditLog
from models.locks.query import active_locks, unit_locks
from tests.locks.support import AS_OF, MONTH, locked_world, run

STEWARD, OFFICER = Actor("steward", "steward", "王专员"), Actor("officer", "officer", "李科长")


def unlock(unit: int) -> Application:
    return Application("unlock", unit, "申请解除锁定", {"reason": "本月已补做两次自查"})


async def test_an_approved_unlock_request_lifts_the_units_lock_audited(rt):
    world = await locked_world(rt)
    await run(rt)
    unit = world.units["C1-A"]
    async with transaction(rt.sessions) as session:
        item_id = (await submit(session, unlock(unit), STEWARD, today=AS_OF)).item_id
        assert (await session.get(Item, item_id)).figures["text"].startswith("单位已锁定：2026年10月完成自查 1 次")
    async with rt.sessions() as session:
        assert unit in await active_locks(session, unit_ids=[unit]), "filing alone lifts nothing"
    async with transaction(rt.sessions) as session:
        await decide(session, item_id, OFFICER, "approve", today=AS_OF)
    async with rt.sessions() as session:
        (lock,) = await unit_locks(session, unit_id=unit)
        audited = (await session.scalars(select(AuditLog).where(AuditLog.action == "lock.lift"))).one()
    assert (lock.active, lock.item_id, lock.lifted_by) == (False, item_id, "李科长")
    assert lock.lift_reason == f"解锁申请 #{item_id} 已批准"
    assert (audited.actor, audited.detail["item_id"], audited.detail["month"]) == ("officer", item_id, MONTH)


async def test_a_unit_that_is_not_locked_cannot_ask_to_be_unlocked(rt):
    world = await locked_world(rt)
    await run(rt)
    try:
        async with transaction(rt.sessions) as session:
            await submit(session, unlock(world.units["C2-A"]), Actor("outsider", "steward"), today=AS_OF)
    except ItemRefused as refused:
        assert "无需解锁" in str(refused)
    else:
        raise AssertionError("an unlocked unit filed a 解锁申请")
