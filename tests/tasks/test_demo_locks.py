"""The demo shows a believable month end: two units short of last month's self-checks are locked (their
stewards restricted), one has filed a 解锁申请 waiting for the officer; the other demo stewards are free."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.accounts.store import get_account
from models.approvals.tables import Item
from models.locks.query import restriction_for
from tasks.seed.demo import seed_demo


async def restricted(rt, login: str) -> list[str]:
    async with rt.sessions() as session:
        account = await get_account(session, login=login)
        assert account is not None and account.id is not None
        return [lock.reason for lock in await restriction_for(session, account_id=account.id)]


async def test_the_demo_has_locked_units_and_a_pending_unlock_request(rt):
    result = await seed_demo(rt, as_of=date(2026, 11, 20))
    assert {"steward3", "steward4"} <= {a.login for a in result.accounts}
    for login in ("steward3", "steward4"):
        assert [reason.startswith("2026年10月完成自查") for reason in await restricted(rt, login)] == [True]
    assert await restricted(rt, "steward1") == [] and await restricted(rt, "steward2") == []
    async with rt.sessions() as session:
        (item,) = (await session.scalars(select(Item).where(Item.kind == "unlock"))).all()
    assert (item.status, item.applicant) == ("pending", "steward3")
