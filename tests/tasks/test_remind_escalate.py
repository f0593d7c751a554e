"""Reminders before and on the deadline, and escalation up the hierarchy, through the outbox."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.core.db import transaction
from models.notify.marks import scan_and_mark
from models.notify.tables import Outbox, Target
from models.warnings.tables import Warning, WarningEvent
from tasks.notify.escalate import escalate
from tasks.notify.remind import write_reminders
from tests.factories import add_persons, add_units, person_record, unit_record

ENTRY = date(2026, 11, 2)  # A10 due 5 working days later: 2026-11-09


async def setup(nrt, add_target):
    await add_units(nrt, unit_record("CITY", name="某市编办", level="40"),
                    unit_record("DEPT", name="某市教育局", parent_code="CITY"),
                    unit_record("SCH", name="某市第一中学", parent_code="DEPT", kind="institution", quotas={"SY": 5}))
    await add_persons(nrt, person_record("SCH", seq=101, est_type="SY", entry_date=ENTRY, education=None,
                                         name="陈小红"))
    async with transaction(nrt.sessions) as session:
        await scan_and_mark(session, as_of=ENTRY, full=True)  # found on the entry day: due counts from it
    await add_target("学校群", "SCH", kind="log", config={}, purposes=("reminder", "escalation"))
    await add_target("教育局", "DEPT", kind="log", config={}, purposes=("escalation",))
    await add_target("市编办", "CITY", kind="log", config={}, purposes=("escalation",), subtree=True, group_by="all")


async def outbox(nrt) -> list[Outbox]:
    async with nrt.sessions() as session:
        return list((await session.scalars(select(Outbox).order_by(Outbox.id))).all())


async def test_it_reminds_three_working_days_before_on_the_day_and_when_overdue(nrt, add_target):
    await setup(nrt, add_target)
    for day, stage in ((date(2026, 11, 4), "soon"), (date(2026, 11, 9), "today"), (date(2026, 11, 10), "overdue")):
        assert len(await write_reminders(nrt, today=day)) == 1
        assert len(await write_reminders(nrt, today=day)) == 0  # a second run adds nothing
        row = (await outbox(nrt))[-1]
        assert row.idempotency_key.endswith(stage) and "某市第一中学" in row.title and "陈＊" in row.body
        assert "陈小红" not in row.body
    assert await write_reminders(nrt, today=date(2026, 11, 5)) == []  # nothing falls due


async def test_reminders_wait_for_a_working_day(nrt, add_target):
    await setup(nrt, add_target)
    assert await write_reminders(nrt, today=date(2026, 11, 8)) == []  # a Sunday


async def test_it_escalates_one_level_at_a_time_up_the_hierarchy(nrt, add_target):
    await setup(nrt, add_target)
    steps = [(date(2026, 11, 10), "学校群"), (date(2026, 11, 12), "教育局"), (date(2026, 11, 16), "市编办")]
    for day, _audience in steps:
        assert len(await escalate(nrt, today=day)) == 1, day
        assert await escalate(nrt, today=day) == []  # idempotent within the day
    rows = await outbox(nrt)
    async with nrt.sessions() as session:
        names = {t.id: t.name for t in (await session.scalars(select(Target))).all()}
        warning = (await session.scalars(select(Warning))).one()
        events = [e.note for e in (await session.scalars(select(WarningEvent).where(WarningEvent.kind == "escalated")
                                                         .order_by(WarningEvent.id))).all()]
    assert [names[r.target_id] for r in rows] == [name for _d, name in steps]
    assert warning.escalation_level == 3 and events == ["升级至单位负责人", "升级至主管部门", "升级至编办"]
    assert "逾期未整改" in rows[-1].title
