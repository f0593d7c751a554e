"""Reading items: the three boxes, one item's detail with names and the moves a reader may make,
timeliness per item, officer and department, the median working days, and steps owed a 催办."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update

from models.approvals.query import box_counts, item_detail, my_items
from models.approvals.tables import ITEM, ITEM_SIGNER, ITEM_STEP
from models.approvals.timeliness import department_timeliness, median_days, officer_timeliness, overdue_steps
from models.core.db import transaction
from models.staffing.scope import Scope
from tests.approvals.engine_fixtures import TODAY, act, county, file

__all__ = ["county"]
COUNTY_SCOPE = Scope(False, (), ("/1/",))
EVERYTHING = Scope(everything=True)


async def boxes(rt, login: str, box: str, scope: Scope = EVERYTHING, today: date = TODAY):
    async with rt.sessions() as session:
        return await my_items(session, login=login, scope=scope, box=box, today=today)


async def test_the_three_boxes_and_their_counts(rt, county):
    first = (await file(rt, county)).item_id
    second = (await file(rt, county, count=2)).item_id
    await act(rt, county, first, "o1", "approve")
    assert [r.id for r in await boxes(rt, "o1", "todo")] == [second]
    assert [r.id for r in await boxes(rt, "o1", "done")] == [first]
    assert [r.id for r in await boxes(rt, "leader", "todo")] == [first]
    assert [r.id for r in await boxes(rt, "steward", "submitted")] == [second, first]
    assert await boxes(rt, "o1", "todo", scope=Scope(False, (), ("/3/",))) == []  # another county's scope
    row = (await boxes(rt, "leader", "todo"))[0]
    assert (row.kind_label, row.unit_name, row.status_label, row.step_name, row.step_mode) == (
        "测试事项", "甲县财政局", "审批中", "分管领导终审", "any")
    assert (row.applicant_name, row.timeliness, row.nobody, row.version) == ("王专员", "on_time", False, 2)
    async with rt.sessions() as session:
        assert await box_counts(session, login="o1", scope=COUNTY_SCOPE) == {"todo": 1, "submitted": 0, "done": 1}


async def test_detail_names_people_and_offers_the_reader_s_moves(rt, county):
    item_id = (await file(rt, county)).item_id
    await act(rt, county, item_id, "o1", "comment", note="请补充")
    async with rt.sessions() as session:
        detail = await item_detail(session, item_id, scope=COUNTY_SCOPE, today=TODAY, login="o2", role="officer")
        as_steward = await item_detail(session, item_id, scope=EVERYTHING, today=TODAY, login="steward",
                                       role="steward")
        as_leader = await item_detail(session, item_id, scope=EVERYTHING, today=TODAY, login="leader", role="leader")
        outside = await item_detail(session, item_id, scope=Scope(False, (), ("/3/",)), today=TODAY)
    assert detail is not None and as_steward is not None and as_leader is not None and outside is None
    assert detail.moves == {"approve", "reject", "return", "transfer", "add_signer", "comment"}
    assert as_steward.moves == {"withdraw", "comment"} and as_leader.moves == {"comment"}
    assert [s.name for s in detail.flow] == ["科室初审", "分管领导终审"]
    step = detail.steps[0]
    assert (step.role_label, step.mode_label, step.status_label, step.timeliness) == ("科室初审", "或签", "审批中",
                                                                                       "on_time")
    assert [(s.name, s.decision_label) for s in step.signers] == [("李科长", "待审批"), ("赵科员", "待审批"),
                                                                   ("钱科员", "待审批")]
    assert [(e.label, e.actor_name, e.note) for e in detail.events] == [("提交", "王专员", None),
                                                                         ("评论", "李科长", "请补充")]
    assert detail.payload == {"count": 1} and detail.figures == {"room": 3, "count": 1}


async def test_timeliness_of_a_running_step_and_the_steps_owed_a_reminder(rt, county):
    item_id = (await file(rt, county)).item_id  # due Wednesday 2026-11-25
    assert (await boxes(rt, "o1", "todo", today=date(2026, 11, 24)))[0].timeliness == "close"
    assert (await boxes(rt, "o1", "todo", today=date(2026, 11, 26)))[0].timeliness == "overdue"
    async with rt.sessions() as session:
        assert await overdue_steps(session, today=TODAY) == []
        close = await overdue_steps(session, today=date(2026, 11, 24))
        late = await overdue_steps(session, today=date(2026, 11, 27))
    assert [(d.item_id, d.state, d.overdue_days, d.pending) for d in close] == [(item_id, "close", 0,
                                                                                 ("o1", "o2", "o3"))]
    assert [(d.state, d.overdue_days, d.name, d.title) for d in late] == [("overdue", 2, "科室初审", "申请 1 名")]


async def test_officer_and_department_figures_and_the_median_days_per_kind(rt, county):
    fast, slow = (await file(rt, county)).item_id, (await file(rt, county)).item_id
    for item_id in (fast, slow):
        await act(rt, county, item_id, "o1", "approve")
        await act(rt, county, item_id, "leader", "approve")
    async with transaction(rt.sessions) as session:  # the clock of the test: filed Monday, decided later
        monday = datetime(2026, 11, 23, 2, tzinfo=UTC)
        await session.execute(update(ITEM).values(submitted_at=monday))
        await session.execute(update(ITEM_STEP).values(started_at=monday))
        for item_id, day in ((fast, 24), (slow, 30)):
            done = datetime(2026, 11, day, 2, tzinfo=UTC)
            await session.execute(update(ITEM).where(ITEM.c.id == item_id).values(decided_at=done))
            steps = ITEM_STEP.c.item_id == item_id
            await session.execute(update(ITEM_STEP).where(steps).values(finished_at=done))
            step_ids = ITEM_STEP.select().with_only_columns(ITEM_STEP.c.id).where(steps)
            await session.execute(update(ITEM_SIGNER).where(ITEM_SIGNER.c.decision.is_not(None),
                                                            ITEM_SIGNER.c.step_id.in_(step_ids)).values(decided_at=done))
    today = date(2026, 12, 1)
    async with rt.sessions() as session:
        officers = {s.key: s for s in await officer_timeliness(session, scope=COUNTY_SCOPE, today=today)}
        departments = {s.key: s for s in await department_timeliness(session, scope=COUNTY_SCOPE, today=today)}
        medians = {m.kind: m for m in await median_days(session, scope=COUNTY_SCOPE, today=today)}
    o1 = officers["o1"]
    assert (o1.name, o1.steps, o1.on_time, o1.overdue, o1.median_days) == ("李科长", 2, 1, 1, 3.0)
    assert "o2" not in officers  # 或签: spared by o1, not counted against them
    assert (departments["officer"].name, departments["leader"].steps) == ("科室初审", 2)
    assert (medians["t_simple"].items, medians["t_simple"].median_days) == (2, 3.0)  # 1 and 5 working days
    assert medians["t_review"].median_days is None
