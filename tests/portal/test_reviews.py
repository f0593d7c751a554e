"""情况说明 reaches its reviewers, and the decision reaches the steward — written with the decision."""

from __future__ import annotations

from sqlalchemy import select

from models.core.db import transaction
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from tests.portal.conftest import login
from tests.portal.test_warnings import post, warned

__all__ = ["warned"]


async def targets(rt, world) -> dict[str, int | None]:
    specs = {
        "office": TargetSpec("县编办群", "log", {}, ("digest", "review"), "C1", subtree=True, group_by="all"),
        "steward": TargetSpec("王专员个人", "log", {}, ("s1", "review"), "C1-A", account_id=world.steward.id),
        "unit": TargetSpec("财政局群", "log", {}, ("digest", "review"), "C1-A"),
        "elsewhere": TargetSpec("乙县编办群", "log", {}, ("review",), "C2", subtree=True),
    }
    async with transaction(rt.sessions) as session:
        return {name: (await create_target(session, rt.cipher, spec, actor="test")).id for name, spec in specs.items()}


async def review_rows(rt) -> list[Outbox]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(Outbox).where(Outbox.purpose == "review")
                                           .order_by(Outbox.id))).all())


async def test_reviewers_hear_of_an_explanation_and_the_steward_hears_the_verdict(as_user, client, world, warned,
                                                                                    rt):
    ids = await targets(rt, world)
    steward = await as_user("steward")
    await post(steward, f"/warnings/{warned['C1_OVER_QUOTA']}/dispute",
               text="两人已于11月调出，手续在办 [点我](http://x.cn)")
    asked = await review_rows(rt)
    assert {r.target_id for r in asked} == {ids["office"], ids["unit"]}, "reviewers, never the steward's own"
    assert "提交情况说明，请审核" in asked[0].title and "两人已于11月调出" in asked[0].body
    assert "](http://x.cn)" not in asked[0].body
    assert asked[0].link.endswith(f"/warnings/{warned['C1_OVER_QUOTA']}?via=chat")
    await post(client, "/logout")
    await login(client, "officer")
    await post(client, f"/warnings/{warned['C1_OVER_QUOTA']}/reject", note="请附调出文件")
    decided = [r for r in await review_rows(rt) if r.id not in {a.id for a in asked}]
    assert {r.target_id for r in decided} == {ids["steward"], ids["unit"]}
    assert all("被退回" in r.title and "请附调出文件" in r.body and "李科长" in r.body for r in decided)


async def test_a_refused_decision_sends_nothing(as_user, world, warned, rt):
    await targets(rt, world)
    steward = await as_user("steward")
    await post(steward, f"/warnings/{warned['C1_OVER_QUOTA']}/dispute", text="短")  # under 5 characters: refused
    assert await review_rows(rt) == []
