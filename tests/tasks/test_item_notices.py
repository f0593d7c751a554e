"""Notices of items: each step's signers get a personal card with 同意 / 退回或不同意 buttons, the
applicant hears every decision, both in the decision's own transaction; 催办 once per step per day
near and past the deadline, escalation to the leader after N working days, nothing on days off."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

import models.approvals.kinds  # noqa: F401  (registers the item kinds)
from models.accounts.store import ScopeSpec
from models.approvals.engine import decide, submit
from models.approvals.kind import Application
from models.approvals.outcome import ItemError
from models.approvals.query import item_detail
from models.core.db import transaction, utcnow
from models.core.decision import Actor
from models.core.runtime import Runtime
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from models.staffing.scope import Scope
from tasks.notify.item_notices import write_item_notices
from tasks.notify.item_remind import applicant_reminder, remind_items
from tests.factories import add_account, make_world

MONDAY = date(2026, 11, 23)
STEWARD, OFFICER, LEADER = (Actor("steward", "steward", "王专员"), Actor("officer", "officer", "李科长"),
                            Actor("leader", "leader", "孙局长"))


@pytest.fixture
async def people(rt: Runtime) -> dict[str, int]:
    world = await make_world(rt)
    leader = await add_account(rt, "leader", "leader", [ScopeSpec("C1", True)], display_name="孙局长")
    made = {"unit": world.units["C1-A"]}
    async with transaction(rt.sessions) as session:
        for name, account_id in (("steward", world.steward.id), ("officer", world.officer.id), ("leader", leader.id)):
            target = await create_target(session, rt.cipher, TargetSpec(f"{name}个人", "log", {}, ("review",), None,
                                                                         account_id=account_id), actor="test")
            made[name] = target.id
        made["sms"] = (await create_target(session, rt.cipher, TargetSpec(
            "李科长短信", "sms", {"phone_numbers": ["13800138000"], "sign_name": "编办", "template_code": "SMS_1",
                                  "access_key_id": "k", "access_key_secret": "s"}, ("review",), None,
            account_id=world.officer.id), actor="test")).id
    return made


async def file(rt: Runtime, unit_id: int, *, count: int = 2, today: date = MONDAY) -> int:
    application = Application("use_quota", unit_id, f"申请使用行政编制{count}名",
                              {"est_type": "XZ", "count": count, "reason": "补员"})
    async with transaction(rt.sessions) as session:
        outcome = await submit(session, application, STEWARD, today=today)
        await write_item_notices(session, rt.settings, outcome, STEWARD, today=today)
    return outcome.item_id


async def act(rt: Runtime, item_id: int, who: Actor, move: str, *, today: date = MONDAY, **options: Any) -> None:
    async with transaction(rt.sessions) as session:
        outcome = await decide(session, item_id, who, move, today=today, **options)
        await write_item_notices(session, rt.settings, outcome, who, today=today, note=options.get("note") or "")


async def rows(rt: Runtime) -> list[Outbox]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(Outbox).order_by(col(Outbox.id)))).all())


def to(found: list[Outbox], target_id: int) -> list[Outbox]:
    return [r for r in found if r.target_id == target_id]


async def test_signers_get_a_card_with_buttons_and_the_applicant_hears_each_decision(rt, people):
    item_id = await file(rt, people["unit"])
    cards = to(await rows(rt), people["officer"])
    assert len(cards) == 1 and cards[0].purpose == "item" and "用编申请待您审批" in cards[0].title
    buttons = dict(cards[0].payload["buttons"])
    assert set(buttons) == {"同意", "退回或不同意"} and all("/a/i/" in url for url in buttons.values())
    assert "科室初审" in cards[0].body and "可用 5 名" in cards[0].body
    assert cards[0].link.endswith(f"/items/{item_id}?via=chat")
    sms = to(await rows(rt), people["sms"])
    assert len(sms) == 1 and sms[0].payload["buttons"] == []  # SMS carries no links
    assert to(await rows(rt), people["steward"]) == []  # the applicant's own move: nothing to hear
    await act(rt, item_id, OFFICER, "approve", note="同意")
    assert len(to(await rows(rt), people["leader"])) == 1
    told = to(await rows(rt), people["steward"])
    assert len(told) == 1 and "转入分管领导终审" in told[0].title and "同意" in told[0].body
    await act(rt, item_id, LEADER, "reject", note="编制另有安排")
    told = to(await rows(rt), people["steward"])
    assert len(told) == 2 and "编制另有安排" in told[1].body


async def test_a_refused_move_writes_no_notice(rt, people):
    item_id = await file(rt, people["unit"])
    before = len(await rows(rt))
    with pytest.raises(ItemError):
        await act(rt, item_id, OFFICER, "return")  # 退回 needs a reason
    assert len(await rows(rt)) == before


async def test_data_reaches_the_card_inert(rt, people):
    application = Application("use_quota", people["unit"], "[点我](http://evil.example) **紧急**",
                              {"est_type": "XZ", "count": 1, "reason": "补员"})
    async with transaction(rt.sessions) as session:
        outcome = await submit(session, application, STEWARD, today=MONDAY)
        await write_item_notices(session, rt.settings, outcome, STEWARD, today=MONDAY)
    body = to(await rows(rt), people["officer"])[0].body
    assert "](http://evil" not in body and "**紧急**" not in body


async def test_reminders_come_once_a_day_near_and_past_the_deadline_and_escalate(rt, people):
    item_id = await file(rt, people["unit"])  # 科室初审: 2 working days, due Wednesday 11-25
    before = len(await rows(rt))
    assert await remind_items(rt, today=date(2026, 11, 23)) == 0  # two working days left: nothing yet
    assert await remind_items(rt, today=date(2026, 11, 24)) == 2  # the officer's two targets
    assert await remind_items(rt, today=date(2026, 11, 24)) == 0  # once a day
    assert await remind_items(rt, today=date(2026, 11, 28)) == 0  # Saturday: reminders wait
    added = await remind_items(rt, today=date(2026, 11, 27))  # Friday: 2 working days overdue
    found = (await rows(rt))[before:]
    escalated = [r for r in found if r.target_id == people["leader"]]
    assert added == 3 and len(escalated) == 1 and "超期 2 个工作日" in escalated[0].title and escalated[0].urgent
    assert any("【催办】" in r.title for r in to(found, people["officer"]))
    await act(rt, item_id, OFFICER, "approve", today=date(2026, 11, 27))  # the leader's step: due Tuesday 12-01
    assert await remind_items(rt, today=date(2026, 11, 27)) == 0  # the officer signed; the leader has time
    assert await remind_items(rt, today=date(2026, 11, 30)) == 1  # Monday: a working day left


async def test_the_applicant_may_hurry_once_a_day(rt, people):
    item_id = await file(rt, people["unit"])
    async with rt.sessions() as session:
        detail = await item_detail(session, item_id, scope=Scope(everything=True), today=MONDAY)
    assert detail is not None
    for expected in (2, 0):
        async with transaction(rt.sessions) as session:
            added = await applicant_reminder(session, rt.settings, detail, by="王专员", today=MONDAY, now=utcnow())
        assert added == expected
