"""Fixtures for the engine tests: tiny item kinds registered here (the engine must not need the real
ones), a county with its 编办 officers, a leader and the other departments, and helpers that submit
and decide in their own transactions, as the portal does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from models.accounts.store import ScopeSpec
from models.approvals.engine import decide, submit
from models.approvals.kind import Application, Figures, ItemRefused, Kind, Step, register
from models.approvals.outcome import Outcome
from models.approvals.tables import Item
from models.core import audit
from models.core.db import transaction
from models.core.decision import Actor
from models.core.runtime import Runtime
from models.core.tables import AuditLog
from tests.factories import add_account, add_units, unit_record

TODAY = date(2026, 11, 23)  # a Monday


async def _check(session: Any, application: Application, today: date) -> Figures:
    count = int(application.payload.get("count", 1))
    if count > 3:
        raise ItemRefused(f"超出可用数：可用 3 名，本次申请 {count} 名", {"room": 3, "count": count})
    return {"room": 3, "count": count}


async def _apply(session: Any, item: Item, actor: Actor) -> Figures:
    await audit.record(session, actor=actor.login, action="test.applied", object_type="item", object_id=item.id)
    return {"room": 3 - int(item.payload.get("count", 1))}


async def _reject(session: Any, item: Item, actor: Actor) -> Figures:
    await audit.record(session, actor=actor.login, action="test.rejected", object_type="item", object_id=item.id)
    return {}


OFFICER_LEADER = (Step("科室初审", "officer", "any", 2), Step("分管领导终审", "leader", "any", 2))
SIMPLE = register(Kind("t_simple", "测试事项", OFFICER_LEADER, _check, _apply, _reject))
REVIEWED = register(Kind("t_review", "测试复核事项", OFFICER_LEADER, _check, _apply, _reject, review=True))
HELD = register(Kind("t_hold", "测试暂缓事项", OFFICER_LEADER, _check, _apply, _reject, holdable=True))


@dataclass
class County:
    units: dict[str, int]
    roles: dict[str, str]  # login -> role

    def actor(self, login: str) -> Actor:
        return Actor(login, self.roles[login], login)


PEOPLE = {  # login: (role, scope unit, subtree, display name)
    "steward": ("steward", "C1-A", False, "王专员"), "o1": ("officer", "C1", True, "李科长"),
    "o2": ("officer", "C1", True, "赵科员"), "o3": ("officer", "C1", True, "钱科员"),
    "leader": ("leader", "C1", True, "孙局长"), "org": ("org", "C1", True, "周组织"),
    "hr": ("hr", "C1", True, "吴人社"), "finance": ("finance", "C1", True, "郑财政"),
    "far": ("officer", "C2", True, "冯外县"),
}


@pytest.fixture
async def county(rt: Runtime) -> County:
    units = await add_units(rt, unit_record("C1", name="甲县", region_code="330106"),
                            unit_record("C1-A", name="甲县财政局", parent_code="C1", region_code="330106"),
                            unit_record("C2", name="乙县", region_code="330108"))
    roles = {"admin": "admin"}
    for login, (role, unit, subtree, name) in PEOPLE.items():
        await add_account(rt, login, role, [ScopeSpec(unit, subtree)], display_name=name)
        roles[login] = role
    await add_account(rt, "locked", "officer", [ScopeSpec("C1", True)], locked=True)
    await add_account(rt, "admin", "admin", [], display_name="管理员")
    return County(units, roles)


async def file(rt: Runtime, county: County, *, kind: str = "t_simple", count: int = 1, login: str = "steward",
               unit: str = "C1-A", today: date = TODAY) -> Outcome:
    application = Application(kind, county.units[unit], f"申请 {count} 名", {"count": count})
    async with transaction(rt.sessions) as session:
        return await submit(session, application, county.actor(login), today=today)


async def act(rt: Runtime, county: County, item_id: int, login: str, move: str, **options: Any) -> Outcome:
    options.setdefault("today", TODAY)
    async with transaction(rt.sessions) as session:
        return await decide(session, item_id, county.actor(login), move, **options)


async def audits(rt: Runtime, action: str) -> int:
    async with rt.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == action))
                   or 0)
