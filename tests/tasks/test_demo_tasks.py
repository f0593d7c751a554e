"""The demo holds a task in every state and one past its deadline, so a newcomer sees the flow at once."""

from __future__ import annotations

import asyncio
from datetime import date

from models.accounts.scope import scope_for
from models.accounts.store import get_account
from models.unittasks.query import office_tasks
from models.unittasks.vocab import TARGET_STATUS
from tasks.seed.demo import seed_demo
from tests.tasks.test_cli import invoke

AS_OF = date(2026, 11, 23)


async def test_the_demo_has_a_task_in_every_state_and_an_overdue_one(rt):
    await seed_demo(rt, AS_OF)
    async with rt.sessions() as session:
        officer = await get_account(session, login="officer")
        scope = await scope_for(session, account_id=officer.id, role="officer")
        current, past = await office_tasks(session, scope=scope, login="officer", today=AS_OF)
    assert "学历信息核对" in current.task.title and current.task.deadline > AS_OF
    assert {status for status, _ in current.progress.by_status} == set(TARGET_STATUS)
    assert current.progress.overdue == 0 and current.progress.total > 20
    assert past.task.deadline < AS_OF and past.progress.overdue == 3 and past.progress.rate == "50%"


async def test_the_cli_lists_tasks_and_shows_a_board(rt, settings):
    await seed_demo(rt, AS_OF)
    listed = await asyncio.to_thread(invoke, settings, "task", "list")
    assert listed.exit_code == 0 and "学历信息核对" in listed.output and "50%\t逾期3" in listed.output
    shown = await asyncio.to_thread(invoke, settings, "task", "show", "1")
    assert shown.exit_code == 0 and "报送 10 月编制台账" in shown.output and "\t逾期" in shown.output
    assert "良 85分" in shown.output
    missing = await asyncio.to_thread(invoke, settings, "task", "show", "999")
    assert missing.exit_code == 1 and "没有编号为 999 的任务" in missing.output
