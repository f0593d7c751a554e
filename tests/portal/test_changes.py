"""二人复核: a sensitive correction waits for a second officer, applies only then, and once."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.accounts.store import ScopeSpec
from models.core.db import transaction
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from models.staffing.tables import PendingChange, PendingChangeEvent, Person, Unit
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from tests.factories import add_account, add_persons, person_record
from tests.portal.conftest import csrf_token, login
from tests.portal.test_corrections import events_of, person_named, status_of, submit, warned

__all__ = ["warned"]


@pytest.fixture
async def reviewers(rt, world) -> dict[str, int]:
    """A second officer of the county, the 编办 group, the steward's own target."""
    await add_account(rt, "officer2", "officer", [ScopeSpec("C1", True)], display_name="赵科长")
    specs = {"office": TargetSpec("县编办群", "log", {}, ("review",), "C1", subtree=True, group_by="all"),
             "steward": TargetSpec("王专员个人", "log", {}, ("review",), "C1-A", account_id=world.steward.id)}
    async with transaction(rt.sessions) as session:
        made = {name: await create_target(session, rt.cipher, spec, actor="test") for name, spec in specs.items()}
    return {name: target.id or 0 for name, target in made.items()}


async def review_rows(rt) -> list[Outbox]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(Outbox).where(Outbox.purpose == "review").order_by(Outbox.id))).all())


async def the_change(rt) -> PendingChange:
    async with rt.sessions() as session:
        return (await session.scalars(select(PendingChange))).one()


async def decide(client, change_id: int, move: str, note: str = ""):
    data = {"_csrf": await csrf_token(client), "note": note}
    return await client.post(f"/changes/{change_id}/{move}", data=data, allow_redirects=False)


async def ask_to_release(rt, client, warned) -> tuple[int, Person]:
    """The steward asks that the retiree leave the establishment (出编): a sensitive correction."""
    person = await person_named(rt, "王五")
    response = await submit(client, warned["B5_RETIRED_IN_EST@C1"], in_est="出编", status="退休",
                            exit_date="2026-10-08", base=str(person.version))
    page = await response.text()
    assert response.status == 200 and "已提交复核" in page and "预警尚未消除" in page
    return (await the_change(rt)).id or 0, person


async def test_a_sensitive_correction_waits_for_a_second_officer_and_applies_only_then(
        as_user, client, rt, warned, reviewers):
    steward = await as_user("steward")
    change_id, person = await ask_to_release(rt, steward, warned)
    assert (await person_named(rt, "王五")).in_est is True, "nothing applied yet"
    assert await events_of(rt, person.id) == []
    [asked] = await review_rows(rt)
    assert asked.target_id == reviewers["office"] and "更正待复核" in asked.title
    assert "在编状态：在编 → 出编" in asked.body and "王＊" in asked.body and "王五" not in asked.body
    assert asked.link.endswith(f"/changes/{change_id}?via=chat")
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    await login(client, "officer")
    page = await (await client.get(f"/changes/{change_id}")).text()
    assert "在编" in page and "出编" in page and "王专员" in page and "核对无误，确认生效" in page
    response = await decide(client, change_id, "confirm")
    assert response.status == 303
    assert "已复核，更正已生效，预警已消除" in await (await client.get(response.headers["Location"])).text()
    after = await person_named(rt, "王五")
    assert after.in_est is False
    [event] = await events_of(rt, person.id)
    assert (event.actor, event.reviewer, event.changes) == ("steward", "officer", {"in_est": [True, False]})
    assert await status_of(rt, warned["B5_RETIRED_IN_EST@C1"]) == "resolved", "rules re-run at once"
    history = await (await client.get(f"/persons/{person.id}")).text()
    assert "王专员（门户） · 李科长复核" in history
    told = [r for r in await review_rows(rt) if r.id != asked.id]
    assert {r.target_id for r in told} == {reviewers["steward"]} and "已生效" in told[0].title


async def test_the_requester_cannot_confirm_their_own_change(client, rt, warned, reviewers):
    await login(client, "officer")  # officers may correct too, but not review themselves
    change_id, _person = await ask_to_release(rt, client, warned)
    response = await decide(client, change_id, "confirm")
    page = await (await client.get(response.headers["Location"])).text()
    assert "不能复核自己提交的更正" in page and "核对无误，确认生效" not in page
    assert (await the_change(rt)).status == "pending" and (await person_named(rt, "王五")).in_est is True


async def test_a_double_confirm_acts_once(aiohttp_client, client, settings, as_user, rt, warned, reviewers):
    from portal.app import create_app

    steward = await as_user("steward")
    change_id, person = await ask_to_release(rt, steward, warned)
    first, second = client, await aiohttp_client(create_app(settings))
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    await login(first, "officer")
    await login(second, "officer2")
    answers = await asyncio.gather(decide(first, change_id, "confirm"), decide(second, change_id, "confirm"))
    assert [a.status for a in answers] == [303, 303]
    assert len(await events_of(rt, person.id)) == 1, "applied once"
    async with rt.sessions() as session:
        kinds = (await session.scalars(select(col(PendingChangeEvent.kind)))).all()
    assert sorted(kinds) == ["applied", "requested"]
    pages = [await (await c.get(a.headers["Location"])).text() for c, a in zip((first, second), answers, strict=True)]
    assert sum("已经处理过" in p or "已被他人处理" in p for p in pages) == 1, "the second tap is told, calmly"


async def test_a_rejection_needs_a_reason_and_the_requester_is_told(as_user, client, rt, warned, reviewers):
    steward = await as_user("steward")
    change_id, _person = await ask_to_release(rt, steward, warned)
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    await login(client, "officer2")
    response = await decide(client, change_id, "reject")
    assert "请填写理由" in await (await client.get(response.headers["Location"])).text()
    await decide(client, change_id, "reject", note="请先办理退休审批")
    change = await the_change(rt)
    assert (change.status, change.note, change.open_key) == ("rejected", "请先办理退休审批", None)
    assert (await person_named(rt, "王五")).in_est is True
    told = [r for r in await review_rows(rt) if r.target_id == reviewers["steward"]]
    assert len(told) == 1 and "被退回" in told[0].title and "请先办理退休审批" in told[0].body
    assert "赵科长" in told[0].body


async def test_a_second_different_request_for_the_same_record_is_refused(as_user, rt, warned, reviewers):
    steward = await as_user("steward")
    await ask_to_release(rt, steward, warned)
    person = await person_named(rt, "王五")
    again = await submit(steward, warned["B5_RETIRED_IN_EST@C1"], in_est="出编", status="退休",
                         exit_date="2026-10-08", base=str(person.version))
    assert again.status == 200 and "无需重复提交" in await again.text(), "the same request: found, not queued again"
    async with rt.sessions() as session:
        assert len((await session.scalars(select(PendingChange))).all()) == 1
    assert len(await review_rows(rt)) == 1


async def test_a_unit_figure_goes_to_review_too(as_user, client, rt, world, reviewers):
    await add_persons(rt, *(person_record("C1-A", seq=121 + 2 * i) for i in range(6)))  # 6 on 5 XZ: 超编
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
    async with rt.sessions() as session:
        warning = await session.scalar(select(col(Warning.id)).where(Warning.rule_code == "C1_OVER_QUOTA"))
    steward = await as_user("steward")
    form = await (await steward.get(f"/warnings/{warning}/correct")).text()
    assert "行政编制" in form and 'value="5"' in form and "须复核" in form
    async with rt.sessions() as session:
        unit = await session.get(Unit, world.units["C1-A"])
    page = await (await submit(steward, warning, **{"quotas.XZ": "6", "base": str(unit.version)})).text()
    assert "已提交复核" in page
    change = await the_change(rt)
    assert (change.subject, change.changes) == ("unit", {"quotas.XZ": [5, 6]})
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    await login(client, "officer")
    await decide(client, change.id or 0, "confirm")
    assert await status_of(rt, warning) == "resolved"
    assert any("行政编制核定数：5名 → 6名" in r.body for r in await review_rows(rt))


async def test_one_person_in_two_units_picks_the_record_that_leaves(as_user, client, rt, world, reviewers):
    await add_persons(rt, person_record("C1-A", seq=131, name="钱七"), person_record("C1-B", seq=131, name="钱七"))
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
    async with rt.sessions() as session:
        rows = (await session.execute(select(col(Warning.unit_id), col(Warning.id), col(Warning.person_id))
                                      .where(col(Warning.rule_code) == "A6_DUPLICATE"))).all()
    mine = next(r for r in rows if r.unit_id == world.units["C1-A"])
    other = next(r for r in rows if r.unit_id == world.units["C1-B"])
    steward = await as_user("steward")
    form = await (await steward.get(f"/warnings/{mine.id}/correct")).text()
    assert "甲县教育局" in form and "不在您的管辖范围" in form
    refused = await submit(steward, mine.id, leave=str(other.person_id), base="1")
    assert refused.status == 400 and "请选择应当出编的记录" in await refused.text(), "only a record in scope"
    page = await (await submit(steward, mine.id, leave=str(mine.person_id), base="1")).text()
    assert "已提交复核" in page
    change = await the_change(rt)
    assert (change.person_id, change.changes) == (mine.person_id, {"in_est": [True, False]})
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    await login(client, "officer")
    await decide(client, change.id or 0, "confirm")
    assert [await status_of(rt, r.id) for r in rows] == ["resolved", "resolved"], "both units rescanned"


async def test_only_groups_and_people_who_may_review_are_asked(as_user, rt, warned, reviewers):
    """An officer's own change: the 编办 group is asked, the steward's personal channel is not (a
    steward cannot review), and neither is the officer's own."""
    officer = await as_user("officer")
    await ask_to_release(rt, officer, warned)
    assert [row.target_id for row in await review_rows(rt)] == [reviewers["office"]]
