"""整改销号 (refused while the rule still finds the problem), 情况说明 as an item (approve accepts the
dispute, reject rejects it), and 解锁申请 (the unit's locked stewards are unlocked)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import col

from models.accounts.store import ScopeSpec
from models.accounts.tables import Account
from models.approvals.kind import Application, kind_of
from models.approvals.kinds.common import EVERYTHING
from models.approvals.tables import Item
from models.core.db import transaction
from models.core.decision import Actor
from models.core.tables import AuditLog
from models.notify.marks import scan_and_mark
from models.warnings.actions import dispute, snooze
from models.warnings.query import get_warning
from models.warnings.tables import ScanScope, Warning, WarningEvent
from tests.approvals.kinds_support import TODAY, add_item, approve, check, place, refusal
from tests.factories import add_account, add_persons, person_record

__all__ = ["place"]

STEWARD = Actor("steward", "steward", "王专员")


async def incomplete(rt, place, **fix) -> Warning:
    """A record without 学历 (rule A10), scanned: its warning."""
    await add_persons(rt, person_record("C1-A", seq=121, education=None, **fix))
    async with transaction(rt.sessions) as session:
        await scan_and_mark(session, as_of=TODAY, units=[place.units["C1-A"]])
    async with rt.sessions() as session:
        return (await session.scalars(select(Warning).where(Warning.rule_code == "A10_INCOMPLETE"))).one()


def rectify(warning: Warning, unit_id: int | None = None) -> Application:
    return Application("rectify", unit_id or warning.unit_id, "整改销号", {"text": "已补全学历"},
                       warning_id=warning.id)


async def warning_now(rt, warning_id: int):
    async with rt.sessions() as session:
        return await get_warning(session, scope=EVERYTHING, warning_id=warning_id, today=TODAY)


async def test_rectify_is_refused_while_the_problem_is_in_the_data(rt, place):
    warning = await incomplete(rt, place)
    refused = await refusal(rt, rectify(warning))
    assert str(refused) == "数据中问题仍在：缺少：学历。请先更正数据，再申请整改销号"
    assert refused.figures["evidence"]["missing"] == "学历、"
    async with rt.sessions() as session:
        assert not await session.scalar(select(func.count()).select_from(ScanScope)), "the probe leaves nothing"
    assert (await warning_now(rt, warning.id)).status == "open", "and changes no warning"


async def test_rectify_after_the_fix_resolves_the_warning_on_approval(rt, place):
    warning = await incomplete(rt, place)
    await add_persons(rt, person_record("C1-A", seq=121, education="本科"))  # fixed; no scan has run since
    figures = await check(rt, rectify(warning))
    assert figures["text"] == "入编后信息未及时完善：缺少：学历"
    item_id = await add_item(rt, rectify(warning), status="pending")
    assert (await approve(rt, item_id))["status"] == "resolved"
    closed = await warning_now(rt, warning.id)
    assert closed is not None and (closed.status, closed.resolved_by) == ("resolved", "o1")
    async with rt.sessions() as session:
        event = (await session.scalars(select(WarningEvent).where(WarningEvent.warning_id == warning.id)
                                       .order_by(WarningEvent.id.desc()))).first()
        audited = await session.scalar(select(func.count()).select_from(AuditLog)
                                       .where(AuditLog.action == "warning.rectified"))
    assert event is not None and (event.kind, event.detail) == ("rectified", {"item_id": item_id}) and audited == 1


async def test_rectify_refusals_and_a_warning_closed_meanwhile(rt, place):
    warning = await incomplete(rt, place)
    assert str(await refusal(rt, rectify(warning, place.units["C1-S"]))) == "该预警不属于本单位"
    await add_persons(rt, person_record("C1-A", seq=121, education="本科"))
    first = await add_item(rt, rectify(warning), status="pending")
    assert str(await refusal(rt, rectify(warning))) == f"该预警已有整改销号事项在审批中（事项 #{first}）"
    async with transaction(rt.sessions) as session:  # the nightly scan sees the fix first
        await scan_and_mark(session, as_of=TODAY, units=[place.units["C1-A"]])
    assert (await warning_now(rt, warning.id)).status == "resolved"
    assert (await approve(rt, first))["status"] == "resolved", "approving closes the item, nothing else"
    assert "不能申请整改销号" in str(await refusal(rt, rectify(warning)))


async def test_a_snoozed_warning_cannot_be_rectified(rt, place):
    warning = await incomplete(rt, place)
    async with transaction(rt.sessions) as session:
        row = await get_warning(session, scope=EVERYTHING, warning_id=warning.id, today=TODAY)
        await snooze(session, row, Actor("o1", "officer"), until=TODAY.replace(day=30), reason="等待调档", today=TODAY,
                     max_days=30)
    assert str(await refusal(rt, rectify(warning))) == "该预警当前为“暂缓”，不能申请整改销号"


async def disputed(rt, place) -> Warning:
    warning = await incomplete(rt, place)
    async with transaction(rt.sessions) as session:
        row = await get_warning(session, scope=EVERYTHING, warning_id=warning.id, today=TODAY)
        await dispute(session, row, STEWARD, text="该同志学历证书正在认证中")
    return warning


def explanation(warning: Warning) -> Application:
    return Application("dispute", warning.unit_id, "情况说明", {"text": "该同志学历证书正在认证中"},
                       warning_id=warning.id, person_id=warning.person_id)


async def test_a_dispute_item_accepts_or_rejects_the_warnings_explanation(rt, place):
    warning = await disputed(rt, place)
    assert (await check(rt, explanation(warning)))["status"] == "disputed"
    item_id = await add_item(rt, explanation(warning), status="pending")
    await approve(rt, item_id)
    assert (await warning_now(rt, warning.id)).status == "exception"
    async with rt.sessions() as session:
        kinds = (await session.scalars(select(col(WarningEvent.kind)).where(WarningEvent.warning_id == warning.id)
                                       .order_by(WarningEvent.id))).all()
    assert kinds[-2:] == ["disputed", "dispute_accepted"]


async def test_rejecting_a_dispute_item_opens_the_warning_again(rt, place):
    warning = await disputed(rt, place)
    item_id = await add_item(rt, explanation(warning), status="pending")
    async with transaction(rt.sessions) as session:
        item = await session.get(Item, item_id)
        await kind_of("dispute").reject(session, item, Actor("o1", "officer"))
    assert (await warning_now(rt, warning.id)).status == "open"
    async with rt.sessions() as session:
        note = await session.scalar(select(col(WarningEvent.note)).where(WarningEvent.kind == "dispute_rejected"))
    assert note == f"情况说明未通过（事项 #{item_id}）"


async def test_a_dispute_item_needs_a_disputed_warning(rt, place):
    warning = await incomplete(rt, place)
    assert str(await refusal(rt, explanation(warning))) == "该预警没有待审的情况说明"


async def test_unlock_unlocks_the_units_locked_stewards_only(rt, place):
    unit = place.units["C1-A"]
    application = Application("unlock", unit, "解锁", {"reason": "已完成本月自查"})
    assert str(await refusal(rt, application)) == "甲县财政局没有被锁定的专员账号，无需解锁"
    await add_account(rt, "s1", "steward", [ScopeSpec("C1-A", False)], locked=True, lock_reason="未按期自查")
    await add_account(rt, "s2", "steward", [ScopeSpec("C1-S", False)], locked=True)
    await add_account(rt, "o9", "officer", [ScopeSpec("C1", True)], locked=True)
    assert (await check(rt, application))["locked"] == 1
    item_id = await add_item(rt, application, status="pending")
    assert (await approve(rt, item_id))["unlocked"] == 1
    async with rt.sessions() as session:
        locked = {a.login: a.locked for a in (await session.scalars(select(Account))).all()}
        audited = (await session.scalars(select(AuditLog).where(AuditLog.action == "account.unlock"))).all()
    assert locked == {"s1": False, "s2": True, "o9": True}
    assert [(a.actor, a.detail["reason"]) for a in audited] == [("o1", "未按期自查")]
