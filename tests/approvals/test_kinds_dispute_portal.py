"""情况说明 from the warning page files an item too; 通过 / 退回 on either page decide both the same way."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from models.accounts.store import ScopeSpec
from models.approvals.engine import decide
from models.approvals.tables import Item, ItemEvent
from models.core.db import transaction
from models.core.decision import Actor
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from models.warnings.tables import Warning
from tests.approvals.kinds_support import TODAY
from tests.factories import add_account
from tests.portal.conftest import as_user, client, login, world
from tests.portal.test_warnings import post, shown_after, warned

__all__ = ["as_user", "client", "warned", "world"]


async def state(rt, warning_id: int) -> tuple[str, list[tuple[str, str]]]:
    """The warning's status and its 情况说明 items as (status, last event)."""
    async with rt.sessions() as session:
        warning = await session.get(Warning, warning_id)
        items = (await session.scalars(select(Item).where(Item.warning_id == warning_id).order_by(Item.id))).all()
        result = []
        for item in items:
            last = await session.scalar(select(col(ItemEvent.kind)).where(ItemEvent.item_id == item.id)
                                        .order_by(ItemEvent.id.desc()).limit(1))
            assert item.kind == "dispute" and item.applicant == "steward"
            result.append((item.status, str(last)))
    assert warning is not None
    return warning.status, result


async def explained(as_user, client, warned) -> int:
    steward = await as_user("steward")
    await post(steward, f"/warnings/{warned['C1_OVER_QUOTA']}/dispute", text="两人已于11月调出，手续在办")
    await post(client, "/logout")
    return int(warned["C1_OVER_QUOTA"])


async def test_an_explanation_files_an_item_and_accepting_on_the_warning_page_approves_it(as_user, client, warned,
                                                                                          rt):
    warning_id = await explained(as_user, client, warned)
    assert await state(rt, warning_id) == ("disputed", [("pending", "submitted")])
    await login(client, "officer")
    await post(client, f"/warnings/{warning_id}/accept", note="已核实调出文件")
    assert await state(rt, warning_id) == ("exception", [("approved", "approved")])


async def test_rejecting_the_item_rejects_the_explanation(as_user, client, warned, rt):
    warning_id = await explained(as_user, client, warned)
    async with rt.sessions() as session:
        item_id = await session.scalar(select(col(Item.id)).where(Item.warning_id == warning_id))
    async with transaction(rt.sessions) as session:
        await decide(session, item_id, Actor("officer", "officer", "李科长"), "reject", today=TODAY,
                     note="请附调出文件")
    assert await state(rt, warning_id) == ("open", [("rejected", "rejected")])
    await login(client, "officer")
    page = await (await client.get(f"/warnings/{warning_id}")).text()
    assert "请附调出文件" in page, "the steward reads the signer's reason on the warning"


async def test_only_a_signer_of_the_items_step_decides_from_the_warning_page(as_user, client, warned, rt):
    await add_account(rt, "leader", "leader", [ScopeSpec("C1", True)], display_name="孙局长")
    warning_id = await explained(as_user, client, warned)
    await login(client, "leader")  # may judge warnings, but 科室初审 is the officers' step
    response = await post(client, f"/warnings/{warning_id}/accept", note="同意")
    assert "您不是当前环节的审批人" in await shown_after(client, response)
    assert await state(rt, warning_id) == ("disputed", [("pending", "submitted")])
    await post(client, "/logout")
    await login(client, "officer")
    bare = await post(client, f"/warnings/{warning_id}/reject", note="")
    assert "退回时请填写理由" in await shown_after(client, bare)
    await post(client, f"/warnings/{warning_id}/reject", note="材料不全")
    assert await state(rt, warning_id) == ("open", [("rejected", "rejected")])


async def test_the_signer_gets_one_message_the_items_card_and_the_units_group_the_review_request(
        as_user, client, warned, rt, world):
    async with transaction(rt.sessions) as session:
        personal = await create_target(session, rt.cipher, TargetSpec(
            "李科长个人", "log", {}, ("review",), account_id=world.officer.id), actor="test")
        group = await create_target(session, rt.cipher, TargetSpec(
            "C1-A 工作群", "log", {}, ("review",), unit_code="C1-A"), actor="test")
    await explained(as_user, client, warned)
    async with rt.sessions() as session:
        sent = (await session.scalars(select(Outbox).order_by(col(Outbox.id)))).all()
    assert [row.purpose for row in sent if row.target_id == personal.id] == ["item"]
    assert [row.purpose for row in sent if row.target_id == group.id] == ["review"]


async def test_withdrawing_the_item_takes_the_explanation_back_and_the_warning_is_open_again(as_user, client, warned,
                                                                                            rt):
    warning_id = await explained(as_user, client, warned)
    async with rt.sessions() as session:
        item_id = await session.scalar(select(col(Item.id)).where(Item.warning_id == warning_id))
    async with transaction(rt.sessions) as session:
        await decide(session, item_id, Actor("steward", "steward", "王专员"), "withdraw", today=TODAY)
    assert await state(rt, warning_id) == ("open", [("withdrawn", "withdrawn")])
    await login(client, "officer")
    page = await (await client.get(f"/warnings/{warning_id}")).text()
    assert "情况说明撤回" in page
