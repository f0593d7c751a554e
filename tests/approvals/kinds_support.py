"""Fixtures for the item-kind tests: a county with a government department (行政 10, 工勤 1, posts
单位 1正2副, 内设 2正2副, a section with its own 1正1副) and a school (事业 3); the kind's check and
apply called directly in their own transactions, and items written as the engine leaves them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import insert, select

from models.approvals.kind import Application, Figures, ItemRefused, kind_of
from models.approvals.kinds.person_payload import enter_payload
from models.approvals.tables import ITEM, Item
from models.core.db import transaction
from models.core.decision import Actor
from models.core.runtime import Runtime
from models.staffing.body_writer import write_bodies
from models.staffing.records import BodyRecord
from models.staffing.tables import INTERNAL_BODY, Person
from models.staffing.unit_writer import unit_code_map
from tests.factories import add_units, make_id, unit_record

TODAY = date(2026, 11, 23)
OFFICER = Actor("o1", "officer", "李科长")
POSTS = {("unit", "chief"): 1, ("unit", "deputy"): 2, ("internal", "chief"): 2, ("internal", "deputy"): 2}


@dataclass
class Place:
    units: dict[str, int]
    body: int  # 办公室 of the department: its own 1 正 1 副


@pytest.fixture
async def place(rt: Runtime) -> Place:
    units = await add_units(
        rt, unit_record("C1", name="甲县", quotas={"XZ": 5}),
        unit_record("C1-A", name="甲县财政局", parent_code="C1", quotas={"XZ": 10, "GQ": 1}, posts=POSTS),
        unit_record("C1-S", name="甲县第一中学", parent_code="C1", kind="institution", quotas={"SY": 3}, posts={}))
    async with transaction(rt.sessions) as session:
        await write_bodies(session, [BodyRecord("C1-A", "BGS", "办公室", chief_posts=1, deputy_posts=1),
                                     BodyRecord("C1-A", "ZHK", "综合科")], await unit_code_map(session))
        body = await session.scalar(select(INTERNAL_BODY.c.id).where(INTERNAL_BODY.c.code == "BGS"))
    return Place(units, int(body))


async def check(rt: Runtime, application: Application, today: date = TODAY) -> Figures:
    async with transaction(rt.sessions) as session:
        return await kind_of(application.kind).check(session, application, today)


async def refusal(rt: Runtime, application: Application, today: date = TODAY) -> ItemRefused:
    with pytest.raises(ItemRefused) as caught:
        await check(rt, application, today)
    return caught.value


async def add_item(rt: Runtime, application: Application, *, status: str = "approved",
                   applicant: str = "steward") -> int:
    """An item as the engine stores it (the tests of the kinds need items in every state)."""
    async with transaction(rt.sessions) as session:
        return int((await session.execute(insert(ITEM).values(
            kind=application.kind, unit_id=application.unit_id, applicant=applicant, title=application.title,
            payload=application.payload, figures={}, steps=[], status=status, warning_id=application.warning_id,
            person_id=application.person_id, basis_id=application.basis_id).returning(ITEM.c.id))).scalar_one())


async def approve(rt: Runtime, item_id: int, actor: Actor = OFFICER) -> Figures:
    """What the engine does on the last approval: check again (the item itself left out), then apply."""
    async with transaction(rt.sessions) as session:
        item = await session.get(Item, item_id)
        assert item is not None
        kind = kind_of(item.kind)
        await kind.check(session, application_of(item), TODAY)
        figures = await kind.apply(session, item, actor)
        item.status = "approved"
        return figures


def application_of(item: Item) -> Application:
    return Application(item.kind, item.unit_id, item.title, dict(item.payload), item.warning_id, item.person_id,
                       item.basis_id, item.id)


def use_quota(unit_id: int, count: int, est_type: str = "XZ") -> Application:
    return Application("use_quota", unit_id, f"用编 {count} 名", {"est_type": est_type, "count": count,
                                                                  "reason": "补充业务科室人员"})


def person_values(seq: int = 201, **overrides: Any) -> dict[str, Any]:
    birth = overrides.pop("birth", date(1995, 3, 8))
    values = {"id_number": make_id(birth=birth, seq=seq), "name": "陈新", "sex": "M" if seq % 2 else "F",
              "birth_date": birth, "est_type": "XZ", "identity": "cadre", "entry_date": date(2026, 11, 2),
              "post_title": "科员", "education": "本科", "mobile": "13900139000"}
    values.update(overrides)
    return values


def enter(rt: Runtime, unit_id: int, basis_id: int | None, **values: Any) -> Application:
    return Application("enter", unit_id, "入编", enter_payload(rt.cipher, person_values(**values)), basis_id=basis_id)


async def person_of(rt: Runtime, unit_id: int, id_number: str) -> Person | None:
    async with rt.sessions() as session:
        return (await session.scalars(select(Person).where(Person.unit_id == unit_id,
                                                           Person.id_hash == rt.cipher.lookup_hash(id_number)))).first()
