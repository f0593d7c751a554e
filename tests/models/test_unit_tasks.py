"""任务流转 in the domain: publish to a subtree or a list inside the publisher's scope, the unit's and
the office's moves through the decision step (a double tap acts once), progress and evaluations."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from models.accounts.permissions import PermissionDenied
from models.accounts.scope import scope_for
from models.core.db import local_today, transaction
from models.core.decision import Actor, Conflict, DecisionError
from models.core.tables import AuditLog
from models.staffing.scope import Scope
from models.unittasks.moves import evaluate, feed_back, receive, report_done, return_for_rework
from models.unittasks.publish import Audience, Draft, TaskRefused, create_task, publish_task
from models.unittasks.query import TargetView, board, progress, target_in_scope, task_in_scope
from models.unittasks.reminders import evaluations
from models.unittasks.tables import UnitTaskEvent, UnitTaskTarget
from tests.factories import World, make_world

OFFICER = Actor("officer", "officer", "李科长")
STEWARD = Actor("steward", "steward", "王专员")
EVERYTHING = Scope(everything=True)


@pytest.fixture
async def world(rt) -> World:
    return await make_world(rt)


async def scope_of(rt, account) -> Scope:
    async with rt.sessions() as session:
        return await scope_for(session, account_id=account.id, role=account.role)


async def publish(rt, world: World, audience: Audience | None = None, *, title: str = "完成人员学历信息核对",
                  deadline: date | None = None, today: date | None = None) -> int:
    """The officer publishes a task (default: everything under 甲县, not 甲县 itself); returns its id."""
    today = today or local_today(rt.settings.tz)
    audience = audience or Audience("subtree", unit_id=world.units["C1"], include_root=False)
    draft = Draft(title, "请核对学历并反馈。", deadline or today + timedelta(days=14), audience)
    scope = await scope_of(rt, world.officer)
    async with transaction(rt.sessions) as session:
        task_id = await create_task(session, draft, OFFICER, scope=scope, today=today)
        task = await task_in_scope(session, scope=scope, login="officer", task_id=task_id)
        await publish_task(session, task, OFFICER, scope=scope, today=today)
    return task_id


async def target_of(rt, world: World, task_id: int, unit: str = "C1-A") -> TargetView:
    async with rt.sessions() as session:
        found = [t for t in await board(session, scope=EVERYTHING, task_id=task_id) if t.unit_id == world.units[unit]]
    return found[0]


async def move(rt, fn, target: TargetView, actor: Actor, **kwargs) -> None:
    async with transaction(rt.sessions) as session:
        await fn(session, target, actor, **kwargs)


async def test_publishing_to_a_subtree_writes_one_target_per_unit_in_scope(rt, world):
    task_id = await publish(rt, world)
    async with rt.sessions() as session:
        rows = await board(session, scope=EVERYTHING, task_id=task_id)
        audits = (await session.scalars(select(col(AuditLog.action)).where(AuditLog.object_type == "unit_task"))).all()
    # in tree order, 甲县 itself left out
    assert [r.unit_name for r in rows] == ["甲县财政局", "甲县教育局", "甲县第一中学"]
    assert {r.status for r in rows} == {"published"} and sorted(audits) == ["unit_task.created", "unit_task.published"]


async def test_a_unit_outside_the_publishers_scope_is_refused_and_nothing_is_written(rt, world):
    with pytest.raises(TaskRefused, match="不在您管辖范围"):
        await publish(rt, world, Audience("units", unit_ids=(world.units["C1-A"], world.units["C2-A"])))
    with pytest.raises(TaskRefused, match="管辖范围内的上级单位"):
        await publish(rt, world, Audience("subtree", unit_id=world.units["C2"]))
    async with rt.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(UnitTaskTarget)) == 0


async def test_bad_drafts_are_refused_with_what_to_fix(rt, world):
    today = local_today(rt.settings.tz)
    with pytest.raises(TaskRefused, match="截止日期"):
        await publish(rt, world, deadline=today - timedelta(days=1))
    with pytest.raises(TaskRefused, match="任务标题"):
        await publish(rt, world, title=" ")
    with pytest.raises(TaskRefused, match="请选择接收任务的单位"):
        await publish(rt, world, Audience("subtree", unit_id=world.units["C1-B-1"], include_root=False))
    with pytest.raises(PermissionDenied):
        async with transaction(rt.sessions) as session:
            await create_task(session, Draft("标题", "", today, Audience("units", unit_ids=(world.units["C1-A"],))),
                              STEWARD, scope=EVERYTHING, today=today)


async def test_publish_receive_feedback_evaluate_and_the_score_reads_it(rt, world):
    task_id = await publish(rt, world)
    await move(rt, receive, await target_of(rt, world, task_id), STEWARD)
    await move(rt, report_done, await target_of(rt, world, task_id), STEWARD)
    await move(rt, feed_back, await target_of(rt, world, task_id), STEWARD, text="已核对 21 人，更正 2 人。")
    await move(rt, evaluate, await target_of(rt, world, task_id), OFFICER, grade="excellent", points="")
    done = await target_of(rt, world, task_id)
    assert (done.status, done.grade, done.points, done.evaluated_by) == ("evaluated", "excellent", 95, "officer")
    assert done.received_by == "steward" and done.feedback == "已核对 21 人，更正 2 人。"
    async with rt.sessions() as session:
        kinds = (await session.scalars(select(col(UnitTaskEvent.kind)).where(UnitTaskEvent.target_id == done.id)
                                       .order_by(UnitTaskEvent.id))).all()
        read = await evaluations(session, since=datetime.now(UTC) - timedelta(hours=1),
                                 until=datetime.now(UTC) + timedelta(hours=1))
        audits = await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.object_type == "unit_task_target"))
    assert list(kinds) == ["received", "done", "fed_back", "evaluated"] and audits == 4
    assert [(e.unit_id, e.task_id, e.grade_label, e.points) for e in read] == [(world.units["C1-A"], task_id, "优", 95)]
    assert read[0].on_time(rt.settings.tz)


async def test_return_for_rework_sends_the_unit_back_to_work_and_it_feeds_back_again(rt, world):
    task_id = await publish(rt, world)
    await move(rt, receive, await target_of(rt, world, task_id), STEWARD)
    await move(rt, feed_back, await target_of(rt, world, task_id), STEWARD, text="已完成")
    with pytest.raises(DecisionError, match="退回时请填写理由"):
        await move(rt, return_for_rework, await target_of(rt, world, task_id), OFFICER, reason=" ")
    await move(rt, return_for_rework, await target_of(rt, world, task_id), OFFICER, reason="缺少核对名单")
    back = await target_of(rt, world, task_id)
    assert (back.status, back.returned_count, back.return_note) == ("received", 1, "缺少核对名单")
    assert back.fed_back_at is None
    with pytest.raises(DecisionError, match="当前状态不能执行此操作"):
        await move(rt, evaluate, back, OFFICER, grade="excellent")  # not fed back: nothing to grade
    await move(rt, feed_back, back, STEWARD, text="已补充核对名单")
    with pytest.raises(DecisionError, match="评为“差”时请填写评价意见"):
        await move(rt, evaluate, await target_of(rt, world, task_id), OFFICER, grade="poor")
    await move(rt, evaluate, await target_of(rt, world, task_id), OFFICER, grade="fair", points="72")
    assert (await target_of(rt, world, task_id)).points == 72


async def test_a_double_tap_acts_once(rt, world):
    task_id = await publish(rt, world)
    target = await target_of(rt, world, task_id)
    outcomes = await asyncio.gather(move(rt, receive, target, STEWARD), move(rt, receive, target, STEWARD),
                                    return_exceptions=True)
    assert sum(o is None for o in outcomes) == 1 and any(isinstance(o, Conflict) for o in outcomes)
    with pytest.raises(DecisionError, match="可能已经处理过"):  # a third tap on the page it had open
        await move(rt, receive, await target_of(rt, world, task_id), STEWARD)
    async with rt.sessions() as session:
        events = await session.scalar(select(func.count()).select_from(UnitTaskEvent).where(
            UnitTaskEvent.target_id == target.id))
    assert events == 1


async def test_roles_and_scope_decide_who_may_act(rt, world):
    task_id = await publish(rt, world)
    target = await target_of(rt, world, task_id)
    with pytest.raises(PermissionDenied):
        await move(rt, receive, target, OFFICER)  # officers do not act for a unit
    with pytest.raises(PermissionDenied):
        await move(rt, return_for_rework, target, STEWARD, reason="自己退回")
    async with rt.sessions() as session:
        assert await target_in_scope(session, scope=await scope_of(rt, world.outsider), target_id=target.id) is None
        assert await task_in_scope(session, scope=await scope_of(rt, world.outsider), login="outsider",
                                   task_id=task_id) is None
        mine = await board(session, scope=await scope_of(rt, world.steward), task_id=task_id)
    assert [t.unit_name for t in mine] == ["甲县财政局"]  # a steward sees only the unit's own row


async def test_completion_rate_and_overdue_count_within_the_readers_scope(rt, world):
    today = local_today(rt.settings.tz)
    task_id = await publish(rt, world, deadline=today)
    await move(rt, receive, await target_of(rt, world, task_id), STEWARD)
    await move(rt, feed_back, await target_of(rt, world, task_id), STEWARD, text="已完成")
    scope = await scope_of(rt, world.officer)
    async with rt.sessions() as session:
        now = (await progress(session, scope=scope, task_ids=[task_id], today=today))[task_id]
        later = (await progress(session, scope=scope, task_ids=[task_id], today=today + timedelta(days=1)))[task_id]
        own = (await progress(session, scope=await scope_of(rt, world.steward), task_ids=[task_id], today=today))
    assert (now.total, now.completed, now.overdue, now.rate) == (3, 1, 0, "33%")
    assert dict(now.by_status) == {"published": 2, "fed_back": 1}
    assert later.overdue == 2, "the two units that have not fed back are overdue the day after"
    assert (own[task_id].total, own[task_id].rate) == (1, "100%")
