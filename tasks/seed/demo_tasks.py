"""Demo tasks (任务流转): one current task to every unit of the county, its units spread over every
state (to receive, in hand, done, fed back, evaluated, returned), and one task past its deadline
whose unanswered units show red on the board. Made through the real moves, so the timelines,
audit rows and scores read as they would in use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.scope import scope_for
from models.accounts.store import get_account
from models.core.calendar import load_calendar
from models.core.db import transaction
from models.core.decision import Actor
from models.core.runtime import Runtime
from models.staffing.scope import Scope
from models.unittasks.moves import evaluate, feed_back, receive, report_done, return_for_rework
from models.unittasks.picker import pickable_units
from models.unittasks.publish import Audience, Draft, create_task, publish_task
from models.unittasks.query import TargetView, board, task_in_scope

CURRENT = ("11 月底前完成人员学历信息核对", "请各单位对照学历证书，逐人核对实名制系统中的学历信息，更正有误的记录，"
           "并反馈核对人数、更正人数和存在的问题。")
PAST = ("报送 10 月编制台账", "请各单位导出本单位 10 月编制台账，核对签字后上传扫描件。")
# The state each unit's part is walked to, in turn: one unit of each, over and over.
WALK = ("published", "received", "done", "fed_back", "evaluated", "returned")
PAST_WALK = ("evaluated", "fed_back", "fed_back", "received", "published", "published")  # half of it overdue
UNIT = Actor("demo", "steward", "演示数据")
Step = Callable[[AsyncSession, TargetView, Actor], Awaitable[None]]


async def seed_demo_tasks(rt: Runtime, today: date) -> int:
    """Write the demo tasks as the demo officer; returns how many unit parts they have."""
    async with transaction(rt.sessions) as session:
        officer = await get_account(session, login="officer")
        if officer is None or officer.id is None:
            return 0
        who = Actor(officer.login, officer.role, officer.display_name)
        scope = await scope_for(session, account_id=officer.id, role=officer.role)
        county, *units = await pickable_units(session, scope=scope, limit=7)
        earlier, some = today - timedelta(days=10), Audience("units", unit_ids=tuple(u.id for u in units))
        past = await _publish(session, who, scope, PAST, today - timedelta(days=3), some, earlier)
        for target, state in zip(past, PAST_WALK, strict=False):
            await _walk(session, target, state, who)
        deadline = (await load_calendar(session)).add_workdays(today, 8)[0]
        current = await _publish(session, who, scope, CURRENT, deadline, Audience("subtree", county.id, False), today)
        for number, target in enumerate(current):
            await _walk(session, target, WALK[number % len(WALK)], who)
        return len(current) + len(past)


async def _publish(session: AsyncSession, who: Actor, scope: Scope, text: tuple[str, str], deadline: date,
                   audience: Audience, today: date) -> list[TargetView]:
    task_id = await create_task(session, Draft(text[0], text[1], deadline, audience), who, scope=scope, today=today)
    task = await task_in_scope(session, scope=scope, login=who.login, task_id=task_id)
    assert task is not None
    await publish_task(session, task, who, scope=scope, today=today)
    return await board(session, scope=scope, task_id=task_id)


async def _walk(session: AsyncSession, target: TargetView, state: str, officer: Actor) -> None:
    """Move one unit's part to ``state`` through the real moves."""
    steps: dict[str, list[Step]] = {
        "received": [receive], "done": [receive, report_done], "fed_back": [receive, _report],
        "evaluated": [receive, _report, _grade], "returned": [receive, _report, _return]}
    for step in steps.get(state, []):
        fresh = (await board(session, scope=Scope(False, (target.unit_id,)), task_id=target.task_id))[0]
        await step(session, fresh, officer if step in (_grade, _return) else UNIT)


async def _report(session: AsyncSession, target: TargetView, who: Actor) -> None:
    await feed_back(session, target, who, text="已逐人核对学历信息 18 人，更正 2 人（学历层次录入有误），无其他问题。")


async def _grade(session: AsyncSession, target: TargetView, who: Actor) -> None:
    await evaluate(session, target, who, grade="good", comment="按期完成，材料齐全。")


async def _return(session: AsyncSession, target: TargetView, who: Actor) -> None:
    await return_for_rework(session, target, who, reason="未附核对名单，请补充后重新反馈。")
