"""出编: the record leaves the establishment when the item is approved, and the rules re-run at once, so
the retirement warning it settles is resolved with the approval (domain F3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import col

from models.approvals.kind import Application
from models.core.db import transaction
from models.notify.marks import scan_and_mark
from models.staffing.tables import Person, PersonEvent
from models.warnings.tables import Warning
from tests.approvals.kinds_support import TODAY, add_item, approve, check, place, refusal
from tests.factories import add_persons, person_record

__all__ = ["place"]


async def retiree(rt, place) -> Person:
    """A man born in 1960, still 在编 and 在职: rule B3 (应退休未退休) holds against him."""
    await add_persons(rt, person_record("C1-A", seq=151, birth=date(1960, 6, 15), name="老王"))
    async with transaction(rt.sessions) as session:
        await scan_and_mark(session, as_of=TODAY, units=[place.units["C1-A"]])
    async with rt.sessions() as session:
        return (await session.scalars(select(Person).where(Person.name == "老王"))).one()


def leaving(person: Person, reason: str = "退休", when: str = "2020-06-30") -> Application:
    return Application("exit", person.unit_id, f"{person.name}出编", {"reason": reason, "date": when},
                       person_id=person.id)


async def warning_status(rt, person_id: int, rule: str) -> str | None:
    async with rt.sessions() as session:
        return await session.scalar(select(col(Warning.status)).where(Warning.person_id == person_id,
                                                                 Warning.rule_code == rule))


async def test_an_approved_exit_releases_the_post_and_resolves_the_retirement_warning(rt, place):
    person = await retiree(rt, place)
    assert await warning_status(rt, person.id, "B3_OVERDUE_RETIRE") == "open"
    figures = await check(rt, leaving(person))
    assert (figures["in_est"], figures["person"], figures["reason"]) == (1, "老王", "退休")
    item_id = await add_item(rt, leaving(person), status="pending")
    after = await approve(rt, item_id)
    async with rt.sessions() as session:
        record = await session.get(Person, person.id)
        event = (await session.scalars(select(PersonEvent).where(PersonEvent.person_id == person.id)
                                       .order_by(PersonEvent.id.desc()))).first()
    assert record is not None and (record.in_est, record.status, record.exit_date) == (False, "retired",
                                                                                        date(2020, 6, 30))
    assert event is not None and (event.source, event.actor, event.reviewer) == (f"item{item_id}", "steward", "o1")
    assert event.changes is not None and event.changes["in_est"] == [True, False]
    assert (after["in_est"], after["rescan"]) == (0, "done")
    assert await warning_status(rt, person.id, "B3_OVERDUE_RETIRE") == "resolved"


async def test_other_reasons_set_their_status_and_其他_keeps_it(rt, place):
    await add_persons(rt, person_record("C1-A", seq=161, name="调出者"), person_record("C1-A", seq=163, name="转编外"))
    async with rt.sessions() as session:
        people = {p.name: p for p in (await session.scalars(select(Person))).all()}
    for name, reason, status in (("调出者", "调出", "transferred"), ("转编外", "其他", "active")):
        item_id = await add_item(rt, leaving(people[name], reason, "2026-11-20"), status="pending")
        await approve(rt, item_id)
        async with rt.sessions() as session:
            record = await session.get(Person, people[name].id)
        assert record is not None and (record.in_est, record.status) == (False, status)


async def test_an_exit_is_refused_for_whom_it_cannot_concern(rt, place):
    person = await retiree(rt, place)
    nobody = Application("exit", person.unit_id, "出编", {"reason": "退休", "date": "2020-06-30"})
    assert str(await refusal(rt, nobody)) == "请选择出编人员"
    elsewhere = Application("exit", place.units["C1-S"], "出编", {"reason": "退休", "date": "2020-06-30"},
                            person_id=person.id)
    assert str(await refusal(rt, elsewhere)) == "该人员不是本单位的人员"
    assert "出编原因应为：退休/调出" in str(await refusal(rt, leaving(person, "休假")))
    assert str(await refusal(rt, leaving(person, when="2001-01-01"))) == "出编日期早于入编日期（2010-09-01）"
    assert str(await refusal(rt, leaving(person, when="2099-01-01"))) == "出编日期晚于今天"
    first = await add_item(rt, leaving(person), status="pending")
    assert str(await refusal(rt, leaving(person))) == f"老王已有出编事项在审批中（事项 #{first}）"
    await approve(rt, first)
    assert str(await refusal(rt, leaving(person))) == "老王不在编，无需办理出编"
