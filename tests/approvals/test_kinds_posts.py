"""核职 and 职务任免: 职数 of the unit and of an internal body, 正 and 副 separately, holders counted as
rule C5 counts them; 核职 never below the holders, 任免 never above the 职数."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import col

from models.approvals.kind import Application
from models.core.db import transaction
from models.core.tables import AuditLog
from models.notify.marks import scan_and_mark
from models.staffing.tables import InternalBody, Person, PersonEvent, PostQuota, Unit
from models.warnings.tables import Warning
from tests.approvals.kinds_support import TODAY, add_item, approve, check, place, refusal
from tests.factories import add_persons, person_record

__all__ = ["place"]


def posts(unit_id: int, scope: str, **figures) -> Application:
    return Application("posts", unit_id, "核定职数", {"scope": scope, **figures})


def appoint(person: Person, kind: str, **extra) -> Application:
    payload = {"leader_kind": kind, "title": "副局长", "doc_no": "甲委〔2026〕12号", "date": "2026-11-20", **extra}
    return Application("appoint", person.unit_id, f"任免{person.name}", payload, person_id=person.id)


async def leaders(rt, *specs: tuple[int, str, str | None]) -> dict[int, Person]:
    """Persons of the department: (seq, leader kind, body code)."""
    await add_persons(rt, *(person_record("C1-A", seq=seq, name=f"人{seq}", leader_kind=kind, body_code=body)
                            for seq, kind, body in specs))
    async with rt.sessions() as session:
        found = (await session.scalars(select(Person))).all()
    return {int(p.name[1:]): p for p in found}


async def unit_posts(rt, unit_id: int) -> dict[tuple[str, str], int]:
    async with rt.sessions() as session:
        rows = (await session.scalars(select(PostQuota).where(PostQuota.unit_id == unit_id))).all()
    return {(p.scope, p.rank): p.approved for p in rows}


async def test_posts_change_the_units_figure_with_the_figures_before_and_after(rt, place):
    unit = place.units["C1-A"]
    figures = await check(rt, posts(unit, "unit", deputy=3))
    assert figures["text"] == "单位领导：副职核定 2 名 → 3 名，现有 0 名"
    async with rt.sessions() as session:
        version = (await session.get(Unit, unit)).version
    item_id = await add_item(rt, posts(unit, "unit", deputy=3), status="pending")
    after = await approve(rt, item_id)
    assert (await unit_posts(rt, unit))[("unit", "deputy")] == 3
    assert (await unit_posts(rt, unit))[("internal", "chief")] == 2, "the other figures stay"
    assert after["before"] == {"chief": 1, "deputy": 2} and after["after"] == {"chief": 1, "deputy": 3}
    async with rt.sessions() as session:
        audit = (await session.scalars(select(AuditLog).where(AuditLog.action == "posts.change"))).one()
        assert (await session.get(Unit, unit)).version == version + 1
    assert audit.detail == {"item_id": item_id, "scope": "unit", "before": {"chief": 1, "deputy": 2},
                            "after": {"chief": 1, "deputy": 3}}


async def test_posts_below_the_holders_are_refused_unit_and_body(rt, place):
    unit = place.units["C1-A"]
    await leaders(rt, (101, "unit_deputy", None), (103, "unit_deputy", None), (105, "internal_chief", "BGS"))
    refused = await refusal(rt, posts(unit, "unit", deputy=1))
    assert str(refused) == "核定职数不能少于现有领导人数：单位领导副职现有 2 名，拟核定 1 名"
    assert (await check(rt, posts(unit, "unit", deputy=2, chief=0)))["after"] == {"chief": 0, "deputy": 2}
    refused = await refusal(rt, posts(unit, "body", body_id=place.body, chief=0))
    assert str(refused) == "核定职数不能少于现有领导人数：内设机构“办公室”正职现有 1 名，拟核定 0 名"
    assert "请填写新的正职或副职职数" in str(await refusal(rt, posts(unit, "unit")))
    assert "请选择核定对象" in str(await refusal(rt, posts(unit, "elsewhere", chief=1)))
    assert "内设机构不存在或已撤销" in str(await refusal(rt, posts(place.units["C1-S"], "body", body_id=place.body,
                                                                   chief=1)))


async def test_posts_of_a_body_are_written_and_settle_its_warning(rt, place):
    unit = place.units["C1-A"]
    await leaders(rt, (101, "internal_deputy", "BGS"), (103, "internal_deputy", "BGS"))
    async with transaction(rt.sessions) as session:
        await scan_and_mark(session, as_of=TODAY, units=[unit])
    assert await rule_status(rt, "C5_BODY_OVER_POSTS") == "open"
    item_id = await add_item(rt, posts(unit, "body", body_id=place.body, deputy=2), status="pending")
    after = await approve(rt, item_id)
    async with rt.sessions() as session:
        body = await session.get(InternalBody, place.body)
    assert body is not None and (body.chief_posts, body.deputy_posts, body.version) == (1, 2, 2)
    assert after["text"] == "已核定：副职职数 1 名 → 2 名"
    assert await rule_status(rt, "C5_BODY_OVER_POSTS") == "resolved"


async def rule_status(rt, rule: str) -> str | None:
    async with rt.sessions() as session:
        return await session.scalar(select(col(Warning.status)).where(Warning.rule_code == rule))


async def test_an_appointment_is_written_with_an_event_naming_the_item(rt, place):
    people = await leaders(rt, (101, "none", None))
    application = appoint(people[101], "unit_deputy")
    assert (await check(rt, application))["text"] == "单位领导副职核定 2 名，实配 0 名"
    item_id = await add_item(rt, application, status="pending")
    await approve(rt, item_id)
    async with rt.sessions() as session:
        person = await session.get(Person, people[101].id)
        event = (await session.scalars(select(PersonEvent).where(PersonEvent.person_id == people[101].id)
                                       .order_by(PersonEvent.id.desc()))).first()
    assert person is not None and (person.leader_kind, person.post_title, person.appoint_doc, person.appoint_date) == (
        "unit_deputy", "副局长", "甲委〔2026〕12号", date(2026, 11, 20))
    assert event is not None and event.source == f"item{item_id}" and "leader_kind" in (event.changes or {})


async def test_an_appointment_over_the_units_posts_is_refused_chief_and_deputy_separately(rt, place):
    people = await leaders(rt, (101, "unit_chief", None), (103, "unit_deputy", None), (105, "unit_deputy", None),
                           (107, "none", None))
    refused = await refusal(rt, appoint(people[107], "unit_chief"))
    assert str(refused) == "超职数：单位领导正职核定 1 名，实配 1 名"
    assert str(await refusal(rt, appoint(people[107], "unit_deputy"))) == "超职数：单位领导副职核定 2 名，实配 2 名"
    assert (await check(rt, appoint(people[107], "internal_chief")))["post_held"] == 0
    assert (await check(rt, appoint(people[101], "unit_chief")))["post_held"] == 1, "holding it already: not twice"


async def test_an_appointment_over_a_bodys_posts_is_refused_chief_and_deputy_separately(rt, place):
    people = await leaders(rt, (101, "internal_deputy", "BGS"), (103, "none", None), (105, "internal_chief", "ZHK"))
    refused = await refusal(rt, appoint(people[103], "internal_deputy", body_id=place.body))
    assert str(refused) == "超职数：内设机构“办公室”副职核定 1 名，实配 1 名"
    figures = await check(rt, appoint(people[103], "internal_chief", body_id=place.body))
    assert (figures["body_approved"], figures["body_held"]) == (1, 0)
    item_id = await add_item(rt, appoint(people[103], "internal_chief", body_id=place.body), status="pending")
    await approve(rt, item_id)
    refused = await refusal(rt, appoint(people[101], "internal_chief", body_id=place.body))
    assert str(refused) == "超职数：内设机构领导正职核定 2 名，实配 2 名", "the unit's internal total is checked first"
    assert "只有内设机构领导职务才能选择内设机构" in str(await refusal(rt, appoint(people[101], "unit_deputy",
                                                                             body_id=place.body)))


async def test_removal_and_bad_appointments(rt, place):
    people = await leaders(rt, (101, "unit_chief", None))
    assert (await check(rt, appoint(people[101], "none")))["text"] == "免去人101的领导职务"
    assert "请选择领导职务类别" in str(await refusal(rt, appoint(people[101], "king")))
    assert str(await refusal(rt, appoint(people[101], "unit_chief", doc_no=""))) == "请填写任免文号"
    first = await add_item(rt, appoint(people[101], "none"), status="pending")
    assert str(await refusal(rt, appoint(people[101], "unit_chief"))) == f"人101已有任免事项在审批中（事项 #{first}）"
