"""The approval engine's moves on a tiny test kind: submit, 或签, 会签, reject, 退回, resubmit, 撤回, comment."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.accounts.permissions import PermissionDenied
from models.approvals.flows import save_flow
from models.approvals.kind import ItemRefused, Step
from models.approvals.outcome import DECISION, SIGN, ItemError, ItemNotFound, Notice, Stale
from models.approvals.tables import Item, ItemEvent, ItemSigner, ItemStep
from models.core.db import transaction
from tests.approvals.engine_fixtures import County, act, audits, county, file

__all__ = ["county"]


async def item_of(rt, item_id: int) -> Item:
    async with rt.sessions() as session:
        found = await session.get(Item, item_id)
        assert found is not None
        return found


async def steps_of(rt, item_id: int) -> list[tuple[int, int, str, list[tuple[str, str | None]]]]:
    """(step_no, round, status, [(login, decision)]) of every step entered, in order."""
    async with rt.sessions() as session:
        steps = (await session.scalars(select(ItemStep).where(ItemStep.item_id == item_id)
                                       .order_by(ItemStep.id))).all()
        result = []
        for step in steps:
            signers = (await session.scalars(select(ItemSigner).where(ItemSigner.step_id == step.id)
                                             .order_by(ItemSigner.id))).all()
            result.append((step.step_no, step.round, step.status, [(s.login, s.decision) for s in signers]))
        return result


async def events(rt, item_id: int) -> list[tuple[str, str]]:
    async with rt.sessions() as session:
        rows = (await session.scalars(select(ItemEvent).where(ItemEvent.item_id == item_id)
                                      .order_by(ItemEvent.id))).all()
        return [(e.kind, e.actor) for e in rows]


async def use_flow(rt, county: County, *steps: Step, kind: str = "t_simple") -> None:
    async with transaction(rt.sessions) as session:
        await save_flow(session, kind=kind, region_code="", steps=steps, actor=county.actor("admin"))


async def test_submit_asks_the_officers_covering_the_unit(rt, county):
    outcome = await file(rt, county)
    assert (outcome.status, outcome.event, outcome.step_no, outcome.version) == ("pending", "submitted", 0, 1)
    assert {n.login for n in outcome.notices} == {"o1", "o2", "o3"}  # not the locked one, not the other county
    assert all(n.reason == SIGN for n in outcome.notices) and not outcome.unstaffed
    assert await steps_of(rt, outcome.item_id) == [(0, 1, "active", [("o1", None), ("o2", None), ("o3", None)])]
    async with rt.sessions() as session:
        step = (await session.scalars(select(ItemStep).where(ItemStep.item_id == outcome.item_id))).one()
    assert str(step.due_on) == "2026-11-25"  # two working days after Monday
    item = await item_of(rt, outcome.item_id)
    assert item.figures == {"room": 3, "count": 1} and [s["role"] for s in item.steps] == ["officer", "leader"]
    assert await events(rt, outcome.item_id) == [("submitted", "steward")] and await audits(rt, "item.submitted") == 1


async def test_submit_refusals(rt, county):
    with pytest.raises(ItemRefused) as refused:
        await file(rt, county, count=5)
    assert "可用 3 名" in str(refused.value) and refused.value.figures == {"room": 3, "count": 5}
    with pytest.raises(ItemNotFound):
        await file(rt, county, unit="C2")  # outside the steward's scope
    with pytest.raises(PermissionDenied):
        await file(rt, county, login="leader", unit="C1")
    async with rt.sessions() as session:
        assert (await session.scalars(select(Item))).all() == []


async def test_or_sign_first_approval_finishes_the_step_and_the_last_step_applies(rt, county):
    item_id = (await file(rt, county)).item_id
    first = await act(rt, county, item_id, "o2", "approve", note="同意")
    assert (first.status, first.step_no, first.event) == ("pending", 1, "approved_step")
    assert Notice("leader", SIGN, 1) in first.notices and Notice("steward", DECISION) in first.notices
    with pytest.raises(Stale, match=r"已由 赵科员 于 .* 同意"):
        await act(rt, county, item_id, "o1", "approve")
    final = await act(rt, county, item_id, "leader", "approve", doc_no="甲编办〔2026〕12号")
    assert (final.status, final.event, final.final) == ("approved", "approved", True)
    assert final.figures_after == {"room": 2} and final.notices == (Notice("steward", DECISION),)
    item = await item_of(rt, item_id)
    assert (item.status, item.doc_no, item.decided_at is not None) == ("approved", "甲编办〔2026〕12号", True)
    assert [s[2] for s in await steps_of(rt, item_id)] == ["done", "done"]
    assert await audits(rt, "test.applied") == 1 and await audits(rt, "item.approved") == 1
    with pytest.raises(Stale):
        await act(rt, county, item_id, "leader", "approve")  # a double tap after the end


async def test_all_sign_needs_every_signer_and_any_reject_rejects(rt, county):
    await use_flow(rt, county, Step("会签", "officer", "all", 3), Step("终审", "leader", "any", 2))
    item_id = (await file(rt, county)).item_id
    one = await act(rt, county, item_id, "o1", "approve")
    assert (one.step_no, one.message) == (0, "已同意，本环节（会签）还需 2 人同意") and not one.notices
    await act(rt, county, item_id, "o2", "approve")
    done = await act(rt, county, item_id, "o3", "approve")
    assert done.step_no == 1
    other = (await file(rt, county)).item_id
    await act(rt, county, other, "o1", "approve")
    with pytest.raises(ItemError, match="请填写不同意的理由"):
        await act(rt, county, other, "o2", "reject")
    rejected = await act(rt, county, other, "o2", "reject", note="材料不全")
    assert (rejected.status, rejected.final) == ("rejected", True)
    assert (await steps_of(rt, other))[0][2:] == ("rejected", [("o1", "approve"), ("o2", "reject"), ("o3", None)])
    assert await audits(rt, "test.rejected") == 1
    with pytest.raises(Stale):
        await act(rt, county, other, "o3", "approve")


async def test_return_to_the_applicant_then_resubmit_checks_again(rt, county):
    item_id = (await file(rt, county)).item_id
    returned = await act(rt, county, item_id, "o1", "return", note="请补充理由")
    assert (returned.status, returned.notices) == ("returned", (Notice("steward", DECISION),))
    with pytest.raises(ItemError, match="只有申请人"):
        await act(rt, county, item_id, "o1", "resubmit")
    with pytest.raises(ItemRefused):
        await act(rt, county, item_id, "steward", "resubmit", payload={"count": 9})
    again = await act(rt, county, item_id, "steward", "resubmit", payload={"count": 2}, note="已补充")
    assert (again.status, again.step_no, again.figures) == ("pending", 0, {"room": 3, "count": 2})
    assert {n.login for n in again.notices} == {"o1", "o2", "o3"}
    assert [(s[0], s[1], s[2]) for s in await steps_of(rt, item_id)] == [(0, 1, "returned"), (0, 2, "active")]
    assert (await item_of(rt, item_id)).payload == {"count": 2}


async def test_return_to_an_earlier_step(rt, county):
    item_id = (await file(rt, county)).item_id
    await act(rt, county, item_id, "o1", "approve")
    with pytest.raises(ItemError, match="之前的环节"):
        await act(rt, county, item_id, "leader", "return", note="再核", to_step=1)
    back = await act(rt, county, item_id, "leader", "return", note="请再核对人数", to_step=0)
    assert (back.status, back.step_no, back.event) == ("pending", 0, "returned_step")
    assert {n.login for n in back.notices if n.reason == SIGN} == {"o1", "o2", "o3"}
    assert [(s[0], s[1], s[2]) for s in await steps_of(rt, item_id)] == [
        (0, 1, "done"), (1, 1, "returned"), (0, 2, "active")]
    await act(rt, county, item_id, "o3", "approve")
    assert (await act(rt, county, item_id, "leader", "approve")).status == "approved"


async def test_withdraw_only_before_the_first_decision(rt, county):
    item_id = (await file(rt, county)).item_id
    await act(rt, county, item_id, "o1", "comment", note="请问人数依据？")
    with pytest.raises(ItemError, match="只有申请人"):
        await act(rt, county, item_id, "o1", "withdraw")
    withdrawn = await act(rt, county, item_id, "steward", "withdraw")
    assert (withdrawn.status, {n.login for n in withdrawn.notices}) == ("withdrawn", {"o1", "o2", "o3"})
    assert (await steps_of(rt, item_id))[0][2] == "cancelled"
    other = (await file(rt, county)).item_id
    await act(rt, county, other, "o1", "approve")
    with pytest.raises(ItemError, match="不能撤回"):
        await act(rt, county, other, "steward", "withdraw")
    assert (await item_of(rt, other)).status == "pending"


async def test_comment_is_a_row_and_needs_a_reader_of_the_item(rt, county):
    item_id = (await file(rt, county)).item_id
    said = await act(rt, county, item_id, "leader", "comment", note="请加快办理")
    assert (said.event, said.status, said.version) == ("commented", "pending", 2)
    assert said.notices == (Notice("steward", DECISION),)
    with pytest.raises(ItemError, match="请填写评论内容"):
        await act(rt, county, item_id, "leader", "comment", note="  ")
    with pytest.raises(ItemError, match="不能评论"):
        await act(rt, county, item_id, "far", "comment", note="外县")
    assert await events(rt, item_id) == [("submitted", "steward"), ("commented", "leader")]
    assert await audits(rt, "item.commented") == 1


async def test_a_stale_form_and_a_double_tap_act_once(rt, county):
    item_id = (await file(rt, county)).item_id
    await act(rt, county, item_id, "o1", "comment", note="先看看", version=1)
    with pytest.raises(Stale, match="已由 李科长 于"):
        await act(rt, county, item_id, "o2", "approve", version=1)  # the form was read before the comment
    await act(rt, county, item_id, "o1", "approve", version=2)
    with pytest.raises(Stale, match=r"您已于 .* 同意，无需重复操作"):
        await act(rt, county, item_id, "o1", "approve", version=2)
    async with rt.sessions() as session:
        approvals = (await session.scalars(select(ItemSigner).where(ItemSigner.decision == "approve"))).all()
    assert len(approvals) == 1 and await audits(rt, "item.approved_step") == 1


async def test_only_a_pending_signer_decides(rt, county):
    item_id = (await file(rt, county)).item_id
    with pytest.raises(ItemError, match="不是当前环节的审批人"):
        await act(rt, county, item_id, "leader", "approve")
    with pytest.raises(PermissionDenied):
        await act(rt, county, item_id, "steward", "approve")
    with pytest.raises(ItemNotFound):
        await act(rt, county, 999, "o1", "approve")
    with pytest.raises(ItemError, match="不支持"):
        await act(rt, county, item_id, "o1", "explode")
