"""Task reminders: from N working days before the deadline and while overdue, once per unit channel
per day, only to units that still owe feedback, never on days off, never to channels higher up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.notify.tables import Outbox
from models.unittasks.moves import feed_back, receive
from models.unittasks.publish import Audience
from tasks.notify.task_remind import write_task_reminders
from tests.factories import make_world
from tests.models.test_unit_tasks import STEWARD, move, publish, target_of

PUBLISHED = date(2026, 11, 2)   # a Monday
DEADLINE = date(2026, 11, 13)   # the Friday after next; reminders start 2 working days before


async def setup(nrt, add_target):
    world = await make_world(nrt)
    groups = {code: await add_target(f"{code}工作群", code, kind="log", config={}, purposes=("reminder",))
              for code in ("C1-A", "C1-B")}
    await add_target("县编办群", "C1", kind="log", config={}, purposes=("reminder",), subtree=True, group_by="all")
    task_id = await publish(nrt, world, Audience("subtree", unit_id=world.units["C1"], include_root=False),
                            deadline=DEADLINE, today=PUBLISHED)
    return world, groups, task_id


async def reminders(nrt) -> list[Outbox]:
    async with nrt.sessions() as session:
        query = select(Outbox).where(Outbox.idempotency_key.startswith("task-remind")).order_by(Outbox.id)
        return list((await session.scalars(query)).all())


async def test_units_are_reminded_daily_from_two_working_days_before_and_once_a_day(nrt, add_target):
    _world, groups, _task = await setup(nrt, add_target)
    assert await write_task_reminders(nrt, today=date(2026, 11, 10)) == []  # 3 working days before: not yet
    first = await write_task_reminders(nrt, today=date(2026, 11, 11))
    assert len(first) == 2 and await write_task_reminders(nrt, today=date(2026, 11, 11)) == []  # once a day
    rows = await reminders(nrt)
    assert {r.target_id for r in rows} == {groups["C1-A"].id, groups["C1-B"].id}, "not the county group above"
    assert "1项任务待反馈" in rows[0].title and "还有2个工作日截止" in rows[0].body and "学历信息核对" in rows[0].body
    assert len(await write_task_reminders(nrt, today=DEADLINE)) == 2
    assert "今天截止" in (await reminders(nrt))[-1].body
    assert await write_task_reminders(nrt, today=date(2026, 11, 14)) == []  # a Saturday
    assert len(await write_task_reminders(nrt, today=date(2026, 11, 16))) == 2
    late = (await reminders(nrt))[-1]
    assert "已逾期" in late.title and "已逾期3天" in late.body


async def test_a_unit_that_fed_back_hears_no_more(nrt, add_target):
    world, groups, task_id = await setup(nrt, add_target)
    await move(nrt, receive, await target_of(nrt, world, task_id), STEWARD)
    await move(nrt, feed_back, await target_of(nrt, world, task_id), STEWARD, text="已完成")
    assert len(await write_task_reminders(nrt, today=date(2026, 11, 16))) == 1
    assert [r.target_id for r in await reminders(nrt)] == [groups["C1-B"].id]
