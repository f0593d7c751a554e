"""Locks in the portal: the restricted steward sees why at login and on every page, files a 解锁申请
whose approval lifts the lock; an officer lifts one from the unit page with a reason; the unit page,
unit lists and the account list show the lock; a card button is refused with the same page."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

import models.approvals.kinds  # noqa: F401  (registers the item kinds)
from models.approvals.engine import decide
from models.approvals.tables import Item
from models.core.db import transaction, utcnow
from models.core.decision import Actor
from models.links.tokens import link_key, mint
from models.locks.monthend import lock_month
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from tests.factories import add_persons, person_record
from tests.portal.conftest import csrf_token, login

REASON = "2026年10月完成自查 0 次，少于规定的 2 次"
SHOWN = "您的账号暂时受限"


async def locked(rt) -> None:
    async with transaction(rt.sessions) as session:
        await lock_month(session, month="2026-10", as_of=date(2026, 11, 1), actor="system", required=2)


async def post(client, path: str, headers: dict[str, str] | None = None, **fields: str):
    return await client.post(path, data={"_csrf": await csrf_token(client), **fields}, allow_redirects=False,
                             headers=headers)


async def test_the_steward_sees_why_files_an_unlock_request_and_its_approval_lifts_the_lock(client, world, rt):
    await locked(rt)
    unit = world.units["C1-A"]
    assert (await login(client, "steward")).headers["Location"] == "/locked"
    why = await (await client.get("/locked")).text()
    assert "甲县财政局" in why and REASON in why and "李科长" in why and f"/items/new/unlock?unit={unit}" in why
    assert "本单位已被锁定" in await (await client.get("/")).text()  # the banner on every page
    htmx = await post(client, "/items/new/use_quota", headers={"HX-Request": "true"}, unit=str(unit))
    assert htmx.status == 403 and SHOWN in await htmx.text()
    filed = await post(client, "/items/new/unlock", unit=str(unit), reason="本月已补做两次自查")
    assert filed.status == 303, await filed.text()
    item_id = int(re.search(r"/items/(\d+)", filed.headers["Location"]).group(1))
    async with transaction(rt.sessions) as session:
        assert (await session.get(Item, item_id)).kind == "unlock"
        await decide(session, item_id, Actor("officer", "officer", "李科长"), "approve", today=date.today())
    page = await (await client.get("/")).text()
    assert "本单位已被锁定" not in page
    assert "您的账号未受限" in await (await client.get("/locked")).text()
    history = await (await client.get(f"/units/{unit}")).text()
    assert f"解锁申请 #{item_id}" in history and "李科长解除" in history


async def test_an_officer_lifts_from_the_unit_page_with_a_reason(client, world, rt):
    await locked(rt)
    unit = world.units["C1-A"]
    await login(client, "officer")
    page = await (await client.get(f"/units/{unit}")).text()
    assert "已锁定" in page and REASON in page and f"/units/{unit}/lift" in page
    assert "已锁定" in await (await client.get(f"/units/{world.units['C1']}")).text(), "the list of units shows it"
    told = await post(client, f"/units/{unit}/lift", reason=" ")
    assert told.status == 303 and "请填写解除锁定的理由" in await (await client.get(told.headers["Location"])).text()
    lifted = await post(client, f"/units/{unit}/lift", reason="已电话核实，自查已补做")
    page = await (await client.get(lifted.headers["Location"])).text()
    assert "已解除锁定：2026年10月" in page and "已电话核实，自查已补做" in page and "尚未解除" not in page
    again = await post(client, f"/units/{unit}/lift", reason="再点一次")
    assert "当前未被锁定" in await (await client.get(again.headers["Location"])).text()


async def test_the_account_list_shows_restricted_stewards(client, world, rt):
    await locked(rt)
    await login(client, "admin")
    page = await (await client.get("/admin/accounts")).text()
    assert page.count("受限") == 2 and f"单位锁定：<a href=\"/units/{world.units['C1-A']}#lock\">甲县财政局</a>" in page


async def test_a_card_button_is_refused_while_restricted(client, world, rt, settings):
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)))
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
    async with rt.sessions() as session:
        warning = (await session.scalars(select(Warning).where(Warning.unit_id == world.units["C1-A"]))).first()
    await locked(rt)
    token = mint(link_key(settings.secret_key.get_secret_value()), sub=f"a{world.steward.id}", act="ack",
                 obj=f"w{warning.id}", now=utcnow() - timedelta(minutes=1), ttl=timedelta(hours=72))
    await login(client, "steward")
    for response in (await client.get(f"/a/{token}"), await post(client, f"/a/{token}")):
        assert response.status == 403 and SHOWN in await response.text() and REASON in await response.text()
    async with rt.sessions() as session:
        assert (await session.get(Warning, warning.id)).status == "open"
