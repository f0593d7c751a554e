"""Concurrency: a double tap, two officers at once, and a 50-signer 会签 decided by 50 concurrent
sessions each end in exactly one decision per signer and exactly one final state (real concurrent
transactions: PostgreSQL row locks, SQLite's write lock)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from models.accounts.store import ScopeSpec
from models.approvals.kind import Step
from models.approvals.outcome import Outcome, Stale
from models.approvals.tables import Item, ItemEvent, ItemSigner
from tests.approvals.engine_fixtures import act, audits, county, file
from tests.approvals.test_engine import use_flow
from tests.factories import add_account, add_units, unit_record

__all__ = ["county"]


async def race(*moves) -> tuple[list[Outcome], list[Stale]]:
    results = await asyncio.gather(*moves, return_exceptions=True)
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, Stale)]
    assert not unexpected, unexpected
    return [r for r in results if isinstance(r, Outcome)], [r for r in results if isinstance(r, Stale)]


async def counts(rt, item_id: int) -> tuple[str, int, int]:
    async with rt.sessions() as session:
        item = await session.get(Item, item_id)
        assert item is not None
        decided = await session.scalar(select(func.count()).select_from(ItemSigner).where(
            ItemSigner.decision.is_not(None)))
        events = await session.scalar(select(func.count()).select_from(ItemEvent).where(ItemEvent.item_id == item_id))
        return item.status, int(decided or 0), int(events or 0)


async def test_a_double_tap_decides_once(rt, county):
    item_id = (await file(rt, county)).item_id
    won, lost = await race(act(rt, county, item_id, "o1", "approve", version=1),
                           act(rt, county, item_id, "o1", "approve", version=1))
    assert len(won) == 1 and len(lost) == 1 and "李科长" not in str(lost[0])
    assert "您已于" in str(lost[0]) and "无需重复操作" in str(lost[0])
    assert await counts(rt, item_id) == ("pending", 1, 2)


async def test_two_officers_at_once_give_one_decision_and_a_clear_message(rt, county):
    item_id = (await file(rt, county)).item_id
    won, lost = await race(act(rt, county, item_id, "o1", "approve"), act(rt, county, item_id, "o2", "reject",
                                                                          note="不同意"))
    assert len(won) == 1 and len(lost) == 1
    winner = "李科长" if won[0].move == "approve" else "赵科员"
    assert str(lost[0]).startswith(f"已由 {winner} 于 ")
    assert (await counts(rt, item_id))[1:] == (1, 2)


async def test_fifty_signers_at_once_end_in_one_final_state(rt, county):
    county.units.update(await add_units(rt, unit_record("C3", name="丙县")))
    signers = [f"s{i:02d}" for i in range(50)]
    for login in [*signers, "steward3"]:
        role = "steward" if login == "steward3" else "officer"
        await add_account(rt, login, role, [ScopeSpec("C3", role == "officer")], display_name=f"会签人{login}")
        county.roles[login] = role
    await use_flow(rt, county, Step("五十人会签", "officer", "all", 3))
    item_id = (await file(rt, county, unit="C3", login="steward3")).item_id
    won, lost = await race(*(act(rt, county, item_id, login, "approve") for login in signers))
    assert len(won) == len(signers) and not lost
    assert [o.status for o in won].count("approved") == 1
    assert await counts(rt, item_id) == ("approved", 50, 51)
    assert await audits(rt, "test.applied") == 1 and await audits(rt, "item.approved") == 1
