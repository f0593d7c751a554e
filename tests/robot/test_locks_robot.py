"""A steward whose unit is locked at month end may still read through the robot (待办) but 确认 gets
a polite refusal naming the lock, and the warning stays as it was."""

from __future__ import annotations

from datetime import date

from models.core.db import transaction
from models.locks.monthend import lock_month
from models.warnings.tables import Warning


async def test_a_restricted_steward_cannot_acknowledge_from_chat(ask, rt, robot_world):
    async with transaction(rt.sessions) as session:
        await lock_month(session, month="2026-10", as_of=date(2026, 11, 1), actor="system", required=2)
    mine = robot_world.mine
    reply = await ask(f"确认 W{mine.id}")
    assert "单位已被锁定（2026年10月完成自查 0 次，少于规定的 2 次）" in reply.text and "解锁申请" in reply.text
    async with rt.sessions() as session:
        assert (await session.get(Warning, mine.id)).status == "open"
    assert f"W{mine.id}" in (await ask("待办")).text, "reading still works"
