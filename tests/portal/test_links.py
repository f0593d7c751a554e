"""Card buttons (/a/<token>): GET never changes anything, POST acts once, and every bad link is
refused with a page in Chinese and an audit row."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from models.accounts.store import ScopeSpec
from models.core.db import transaction, utcnow
from models.core.tables import AuditLog
from models.links.tables import LinkUse
from models.links.tokens import link_key, mint
from models.notify.marks import scan_and_mark
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from models.warnings.config import change_rule
from models.warnings.tables import Warning
from tasks.notify.compose import compose_due
from tests.factories import PASSWORD, add_account, add_persons, person_record
from tests.portal.conftest import csrf_token, login

LINK = re.compile(r"\((http://portal\.test(/a/[^)]+))\)")


@pytest.fixture
async def warned(rt, world):
    """C1-A over quota (the steward's unit), C2-A with an incomplete record (the outsider's)."""
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)),
                      person_record("C2-A", seq=201, education=None))
    async with transaction(rt.sessions) as session:
        await change_rule(session, code="C3_VACANCY", actor="test", enabled=False)
        await scan_and_mark(session, as_of=date(2026, 11, 23), full=True)
    async with rt.sessions() as session:
        return {w.rule_code: w.id for w in (await session.scalars(select(Warning))).all()}


def link(settings, sub: str, act: str, obj: str, *, hours: float = 72) -> str:
    key = link_key(settings.secret_key.get_secret_value())
    now = utcnow()
    return "/a/" + mint(key, sub=sub, act=act, obj=obj, now=now - timedelta(hours=1), ttl=timedelta(hours=hours))


async def status_of(rt, warning_id: int) -> tuple[str, int]:
    async with rt.sessions() as session:
        row = await session.get(Warning, warning_id)
        return row.status, row.version


async def refusals(rt) -> list[dict]:
    async with rt.sessions() as session:
        rows = await session.scalars(select(AuditLog).where(AuditLog.action == "link.refused"))
        return [r.detail for r in rows.all()]


async def uses(rt) -> int:
    async with rt.sessions() as session:
        return await session.scalar(select(func.count()).select_from(LinkUse))


async def post(client, path: str):
    return await client.post(path, data={"_csrf": await csrf_token(client)}, allow_redirects=False)


async def test_get_shows_a_confirm_page_and_changes_nothing(as_user, warned, rt, world, settings):
    client = await as_user("steward")
    path = link(settings, f"a{world.steward.id}", "ack", f"w{warned['C1_OVER_QUOTA']}")
    for _ in range(3):  # chat apps and link scanners open links before people do
        page = await client.get(path)
        assert page.status == 200 and "确认收到" in await page.text()
    assert await status_of(rt, warned["C1_OVER_QUOTA"]) == ("open", 1)
    assert await uses(rt) == 0


async def test_post_acts_once_and_a_replay_is_calm_and_audited(as_user, warned, rt, world, settings):
    client = await as_user("steward")
    path = link(settings, f"a{world.steward.id}", "ack", f"w{warned['C1_OVER_QUOTA']}")
    first = await post(client, path)
    assert first.status == 303 and first.headers["Location"] == path
    done = await (await client.get(path)).text()
    assert "您已于" in done and "确认 1 条预警" in done and "不会重复执行" in done
    status, version = await status_of(rt, warned["C1_OVER_QUOTA"])
    assert status == "acknowledged"
    replay = await post(client, path)
    assert replay.status == 409 and "已经使用过" in await replay.text()
    assert await status_of(rt, warned["C1_OVER_QUOTA"]) == (status, version)
    assert await uses(rt) == 1 and [d["reason"] for d in await refusals(rt)] == ["used"]


async def test_a_double_tap_acts_once(as_user, warned, rt, world, settings):
    client = await as_user("steward")
    path = link(settings, f"a{world.steward.id}", "ack", f"w{warned['C1_OVER_QUOTA']}")
    token = await csrf_token(client)
    answers = await asyncio.gather(*(client.post(path, data={"_csrf": token}, allow_redirects=False)
                                     for _ in range(2)))
    assert sorted(r.status for r in answers) == [303, 409]
    assert await uses(rt) == 1 and (await status_of(rt, warned["C1_OVER_QUOTA"]))[1] == 2


@pytest.mark.parametrize(("mangle", "reason", "status", "words"), [
    (lambda p: p[:-3] + ("AAA" if not p.endswith("AAA") else "BBB"), "tampered", 400, "被改动过"),
    (lambda p: p.replace(".", "", 1), "tampered", 400, "被改动过"),
])
async def test_a_tampered_link_is_refused(as_user, warned, rt, world, settings, mangle, reason, status, words):
    client = await as_user("steward")
    path = mangle(link(settings, f"a{world.steward.id}", "ack", f"w{warned['C1_OVER_QUOTA']}"))
    for answer in (await client.get(path), await post(client, path)):
        assert answer.status == status and words in await answer.text()
    assert await status_of(rt, warned["C1_OVER_QUOTA"]) == ("open", 1)
    assert [d["reason"] for d in await refusals(rt)] == [reason, reason]


async def test_a_link_signed_with_another_key_is_refused(as_user, warned, rt, world, settings):
    client = await as_user("steward")
    forged = "/a/" + mint("not-our-key", sub=f"a{world.steward.id}", act="ack", obj=f"w{warned['C1_OVER_QUOTA']}",
                          now=utcnow(), ttl=timedelta(hours=1))
    assert (await post(client, forged)).status == 400
    assert await status_of(rt, warned["C1_OVER_QUOTA"]) == ("open", 1)


async def test_an_expired_link_is_refused_even_before_login(client, warned, rt, world, settings):
    path = link(settings, f"a{world.steward.id}", "ack", f"w{warned['C1_OVER_QUOTA']}", hours=0.5)
    answer = await client.get(path, allow_redirects=False)
    assert answer.status == 410 and "已过期" in await answer.text()
    assert await refusals(rt) == [{"reason": "expired"}]


async def test_someone_elses_link_is_refused(as_user, warned, rt, world, settings):
    client = await as_user("officer")  # may acknowledge this warning, but the link is the steward's
    path = link(settings, f"a{world.steward.id}", "ack", f"w{warned['C1_OVER_QUOTA']}")
    for answer in (await client.get(path), await post(client, path)):
        assert answer.status == 403 and "发给其他同志" in await answer.text()
    assert await status_of(rt, warned["C1_OVER_QUOTA"]) == ("open", 1)
    assert {d["reason"] for d in await refusals(rt)} == {"wrong_person"}


async def test_a_group_link_works_for_a_member_in_scope_only(as_user, client, warned, rt, world, settings):
    async with transaction(rt.sessions) as session:
        group = await create_target(session, rt.cipher, TargetSpec("财政局群", "log", {}, ("digest",), "C1-A"),
                                    actor="test")
    own = link(settings, f"t{group.id}", "ack", f"w{warned['C1_OVER_QUOTA']}")
    other = link(settings, f"t{group.id}", "ack", f"w{warned['A10_INCOMPLETE']}")  # C2-A: not the group's
    await as_user("outsider")  # a member of the chat who does not cover C1-A
    assert (await post(client, own)).status == 403
    assert (await post(client, other)).status == 403  # the outsider's own unit, but not the group's scope
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    await as_user("steward")
    assert (await post(client, own)).status == 303
    assert (await status_of(rt, warned["C1_OVER_QUOTA"]))[0] == "acknowledged"
    assert (await status_of(rt, warned["A10_INCOMPLETE"]))[0] == "open"
    assert [d["reason"] for d in await refusals(rt)] == ["out_of_scope", "out_of_scope"]
    async with rt.sessions() as session:
        [echo] = (await session.scalars(select(Outbox).where(Outbox.purpose == "echo"))).all()
    assert echo.target_id == group.id and echo.body == "王＊＊已确认 1 条预警"  # no markdown bold in a group


async def test_roles_that_may_not_acknowledge_are_refused(client, warned, rt, world, settings):
    auditor = await add_account(rt, "auditor", "auditor", [ScopeSpec("C1", True)])
    await login(client, "auditor")
    path = link(settings, f"a{auditor.id}", "ack", f"w{warned['C1_OVER_QUOTA']}")
    assert (await post(client, path)).status == 403
    assert await status_of(rt, warned["C1_OVER_QUOTA"]) == ("open", 1)


async def test_logged_out_goes_to_login_and_comes_back_to_the_link(client, warned, world, settings):
    path = link(settings, f"a{world.steward.id}", "ack", f"w{warned['C1_OVER_QUOTA']}")
    answer = await client.get(path, allow_redirects=False)
    assert answer.status == 302 and unquote(answer.headers["Location"]).startswith("/login?next=/a/")
    token = await csrf_token(client)
    back = await client.post("/login", data={"login": "steward", "password": PASSWORD, "_csrf": token,
                                             "next": path}, allow_redirects=False)
    assert back.headers.get("Location") == path


async def digest_card(rt, world) -> Outbox:
    """The county group's digest after C1-A went over quota."""
    async with transaction(rt.sessions) as session:
        await create_target(session, rt.cipher, TargetSpec("甲县群", "log", {}, ("digest",), "C1", True,
                                                           group_by="all"), actor="test")
        await change_rule(session, code="C3_VACANCY", actor="test", enabled=False)
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)),
                      person_record("C2-A", seq=201, education=None))
    async with transaction(rt.sessions) as session:
        await scan_and_mark(session, as_of=date(2026, 11, 23), full=True)
    await compose_due(rt, utcnow() + timedelta(minutes=5))
    async with rt.sessions() as session:
        return (await session.scalars(select(Outbox).where(Outbox.purpose == "digest"))).one()


async def test_a_digest_card_carries_buttons_and_all_acknowledges_exactly_its_items(as_user, rt, world):
    card = await digest_card(rt, world)
    labels = [label for label, _url in card.payload["buttons"]]
    assert labels[0].startswith("全部确认") and labels[1] == "逐条处理"
    assert [label for label, _ in LINK.findall(card.body)] and "[确认](" in card.body and "[更正](" in card.body
    await add_persons(rt, person_record("C1-A", seq=301, education=None))  # arrives after the card
    async with transaction(rt.sessions) as session:
        await scan_and_mark(session, as_of=date(2026, 11, 23))
    client = await as_user("officer")
    all_link = card.payload["buttons"][0][1].removeprefix("http://portal.test")
    page = await (await client.get(all_link)).text()
    assert "全部确认：1 条预警" in page
    assert (await post(client, all_link)).status == 303
    async with rt.sessions() as session:
        statuses = {w.id: w.status for w in (await session.scalars(select(Warning))).all()}
        audited = await session.scalar(select(func.count()).select_from(AuditLog)
                                       .where(AuditLog.action == "warning.acknowledged"))
    assert [statuses[i] for i in card.payload["listed"]] == ["acknowledged"]
    assert sorted(statuses.values()).count("open") == 2  # the later warning, and C2-A's, stay open
    assert audited == 1


async def test_walking_a_card_shows_progress_and_acts_item_by_item(as_user, rt, world):
    card = await digest_card(rt, world)
    client = await as_user("officer")
    walk = card.payload["buttons"][1][1].removeprefix("http://portal.test")
    first = await client.get(walk)
    assert first.status == 200 and str(first.url.path) == f"/cards/{card.idempotency_key}"
    text = await first.text()
    assert "第 1 / 1 条" in text and "已处理 0/1" in text
    [warning_id] = card.payload["listed"]
    assert f'name="card" value="{card.idempotency_key}"' in text
    acked = await client.post(f"/warnings/{warning_id}/acknowledge", allow_redirects=False, data={
        "_csrf": await csrf_token(client), "next": f"/cards/{card.idempotency_key}?i=0", "card": card.idempotency_key})
    assert acked.headers["Location"] == f"/cards/{card.idempotency_key}?i=0"
    assert "已处理 1/1" in await (await client.get(acked.headers["Location"])).text()
    async with rt.sessions() as session:  # the county group, whose card it was, reads who did it
        [echo] = (await session.scalars(select(Outbox).where(Outbox.purpose == "echo"))).all()
    assert echo.target_id == card.target_id and echo.body == "李＊＊已确认 1 条预警"
