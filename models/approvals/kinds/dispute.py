"""情况说明: a warning's dispute, decided as an approval item, so one inbox holds everything an
officer decides.

Submitting a 情况说明 on a warning (``models.warnings.actions.dispute``, the warning turns 情况说明待审)
also files an item of this kind in the same transaction (``tasks.item_disputes``). Approving
the item accepts the 情况说明 (the warning closes as an exception), rejecting it rejects the
情况说明 with the signer's reason (the warning is open again); both through the warning's own
lifecycle, so its timeline and audit rows read as before. The warning page's 通过 / 退回 buttons
decide the item when there is one, so the two ways in can never disagree.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Application, Figures, Kind, register
from models.approvals.kinds.common import EVERYTHING, OFFICER_CHECK, live_items, refuse, text_field
from models.approvals.kinds.rectify import warning_of
from models.approvals.tables import ITEM, ITEM_SIGNER, ITEM_STEP, Item
from models.core.decision import Actor
from models.core.runtime import session_today
from models.warnings.actions import settle_by_item
from models.warnings.query import get_warning

DISPUTE = "dispute"


async def check(session: AsyncSession, application: Application, today: date) -> Figures:
    warning = await warning_of(session, application, today)
    text_field(application.payload, "text", "情况说明", max_len=2000)
    figures = {"text": f"{warning.title}：{warning.summary}", "rule": warning.rule_code, "status": warning.status}
    if application.item_id is None and warning.status != "disputed":
        refuse("该预警没有待审的情况说明")
    for other in await live_items(session, unit_id=application.unit_id, kind=DISPUTE, exclude=application.item_id):
        if other.warning_id == warning.id:
            refuse(f"该预警的情况说明已在审批中（事项 #{other.id}）")
    return figures


async def live_dispute_item(session: AsyncSession, *, warning_id: int) -> int | None:
    """The undecided 情况说明 item of a warning, if there is one (the warning page decides through it)."""
    query = select(ITEM.c.id).where(ITEM.c.warning_id == warning_id, ITEM.c.kind == DISPUTE,
                                    ITEM.c.status.in_(("pending", "returned", "held"))).order_by(ITEM.c.id.desc())
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def _settle(session: AsyncSession, item: Item, actor: Actor, move: str, note: str) -> Figures:
    assert item.warning_id is not None and item.id is not None
    warning = await get_warning(session, scope=EVERYTHING, warning_id=item.warning_id, today=session_today(session))
    if warning is None or warning.status != "disputed":  # resolved by a scan meanwhile: nothing to decide
        return {"status": warning.status if warning else None}
    await settle_by_item(session, warning, actor, move=move, item_id=item.id, note=note)
    return {"status": "exception" if move == "accept" else "open"}


async def apply(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    return await _settle(session, item, actor, "accept", f"情况说明审批通过（事项 #{item.id}）")


async def reject(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    """The signer's reason (the engine requires one) is what the steward reads on the warning."""
    reason = await session.scalar(
        select(ITEM_SIGNER.c.note).join(ITEM_STEP, ITEM_STEP.c.id == ITEM_SIGNER.c.step_id)
        .where(ITEM_STEP.c.item_id == item.id, ITEM_SIGNER.c.decision == "reject", ITEM_SIGNER.c.login == actor.login)
        .order_by(ITEM_SIGNER.c.decided_at.desc()).limit(1))
    return await _settle(session, item, actor, "reject", reason or f"情况说明未通过（事项 #{item.id}）")


async def withdraw(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    """The unit takes its 情况说明 back: the warning is open again, as before it was filed."""
    return await _settle(session, item, actor, "withdraw_dispute", f"情况说明已撤回（事项 #{item.id}）")


DISPUTE_KIND = register(Kind(DISPUTE, "情况说明", (OFFICER_CHECK,), check, apply, reject, withdraw=withdraw))
