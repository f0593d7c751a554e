"""The demo holds an approval item in every state, and the demo logins can act on them: the officer
on 待初审, the leader on 待终审, steward2 on its returned item; steward1's unit's 用编 is held."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import col

from models.accounts.scope import scope_for
from models.accounts.store import get_account
from models.approvals.query import item_detail, my_items
from models.approvals.tables import Item
from models.staffing.scope import Scope
from tasks.bootstrap import create_demo_targets
from tasks.scanning import scan_now
from tasks.seed.demo import seed_demo
from tasks.seed.demo_items import backdate_flawed_unit, seed_demo_items


async def test_the_demo_has_items_in_every_state_for_its_logins(rt):
    today = date.today()
    await seed_demo(rt, as_of=today)
    await create_demo_targets(rt)
    await backdate_flawed_unit(rt, today)
    await scan_now(rt, as_of=today, full=True)
    lines = await seed_demo_items(rt, today)
    assert len(lines) == 8
    async with rt.sessions() as session:
        states = set((await session.scalars(select(col(Item.status)))).all())
        assert states == {"pending", "returned", "held", "approved", "rejected", "withdrawn"}
        # officer: 待初审 + 入编 + the held 用编 it may lift; leader: 待终审
        for login, expected in (("officer", 3), ("leader", 1)):
            account = await get_account(session, login=login)
            assert account is not None and account.id is not None
            scope = await scope_for(session, account_id=account.id, role=account.role)
            todo = await my_items(session, login=login, scope=scope, box="todo", today=today)
            assert len([r for r in todo if r.kind != "unlock"]) == expected  # the demo's 解锁申请: demo_locks
        returned = (await session.scalars(select(Item).where(col(Item.status) == "returned"))).one()
        detail = await item_detail(session, returned.id or 0, scope=Scope(everything=True), today=today,
                                   login="steward2", role="steward")
        assert detail is not None and "resubmit" in detail.moves
