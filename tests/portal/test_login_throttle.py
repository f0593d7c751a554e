"""The login page under attack: same words and time for every name, the owner told, never the requester."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from models.accounts.store import set_lock
from models.accounts.tables import LOGIN_THROTTLE
from models.core.audit import recent
from models.core.db import transaction, utcnow
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from portal.app import create_app
from tests.factories import PASSWORD
from tests.portal.conftest import csrf_token, login

ALERT = re.compile(r'<p class="alert" role="alert">([^<]*)</p>')


async def alert(response) -> str:
    match = ALERT.search(await response.text())
    assert match, "the page shows why"
    return match.group(1)


async def personal_target(rt, account_id: int, name: str = "王专员的工作通知") -> int:
    spec = TargetSpec(name, "log", {}, ("digest",), account_id=account_id)
    async with transaction(rt.sessions) as session:
        target = await create_target(session, rt.cipher, spec, actor="test")
        return target.id or 0


async def lift_blocks(rt) -> None:
    async with transaction(rt.sessions) as session:
        await session.execute(update(LOGIN_THROTTLE).values(blocked_until=utcnow() - timedelta(seconds=1)))


async def test_unknown_and_real_names_get_the_same_words(client, world):
    for n in range(6):
        known, unknown = await login(client, "steward", "wrong-password"), await login(client, "nobody", "wrong-pass")
        assert known.status == unknown.status == 401
        assert await alert(known) == await alert(unknown), f"attempt {n + 1}"
    assert await alert(known) == "尝试次数过多，账号暂时锁定，请1分钟后再试"


async def test_unknown_and_real_names_take_the_same_time(client, world):
    async def timed(name: str) -> float:
        token = await csrf_token(client)
        started = time.perf_counter()
        await client.post("/login", data={"login": name, "password": "wrong-password", "_csrf": token})
        return time.perf_counter() - started

    known, unknown = [], []
    for n, name in enumerate(("steward", "officer", "outsider", "admin", "steward")):  # interleaved: same load
        known.append(await timed(name))
        unknown.append(await timed(f"nobody{n}"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.5 < ratio < 2, f"known {known} unknown {unknown}"


async def test_the_owner_is_told_of_a_block_and_the_requester_learns_nothing_more(client, world, rt):
    target_id = await personal_target(rt, world.steward.id)
    for _ in range(5):
        answer = await login(client, "steward", "wrong-password")
        await login(client, "nobody", "wrong-password")
    assert await alert(answer) == await alert(await login(client, "nobody", "wrong-password"))
    async with rt.sessions() as session:
        rows = (await session.scalars(select(Outbox))).all()
        blocks = await recent(session, action="login.blocked")
    assert [(r.target_id, r.purpose, r.title) for r in rows] == [(target_id, "security", "账号安全提醒")]
    local = blocks[-1].at.astimezone(ZoneInfo("Asia/Shanghai"))
    told = re.search(r"您的账号于(\d{4}-\d\d-\d\d \d\d:\d\d)因多次密码错误被暂时锁定", rows[0].body)
    assert told and told.group(1)[:10] == f"{local:%Y-%m-%d}" and "王专员" in rows[0].body
    assert {b.object_id for b in blocks} == {str(world.steward.id), None}, "unknown names are audited, not told"


async def test_the_owner_sees_the_block_at_the_next_login_and_only_once(client, world, rt):
    for _ in range(5):
        await login(client, "steward", "wrong-password")
    await lift_blocks(rt)
    token = await csrf_token(client)
    page = await client.post("/login", data={"login": "steward", "password": PASSWORD, "_csrf": token,
                                             "next": "/warnings"}, allow_redirects=False)
    html = await page.text()
    async with rt.sessions() as session:
        at = (await recent(session, action="login.blocked"))[0].at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert page.status == 200 and f"您的账号于{at:%Y-%m-%d %H:%M}因多次密码错误被暂时锁定" in html
    assert 'href="/warnings"' in html and (await client.get("/warnings", allow_redirects=False)).status == 200
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    assert (await login(client, "steward")).status == 303, "told once"


async def test_an_admin_lock_is_told_only_to_the_right_password(client, world, rt):
    async with transaction(rt.sessions) as session:
        await set_lock(session, login="steward", locked=True, reason="离职交接中", actor="test")
    assert await alert(await login(client, "steward", "wrong-password")) == "登录名或密码错误"
    assert await alert(await login(client, "steward")) == "账号已锁定：离职交接中"


async def test_an_address_is_blocked_whatever_the_names(aiohttp_client, settings, redis, world):
    client = await aiohttp_client(create_app(settings.model_copy(update={"login_ip_max_failures": 3})))
    office, elsewhere = {"X-Forwarded-For": "10.0.0.7"}, {"X-Forwarded-For": "10.0.0.8"}
    for name in ("a", "b", "c"):
        await client.post("/login", headers=office, data={"login": name, "password": "x" * 8,
                                                          "_csrf": await csrf_token(client)})
    data = {"login": "steward", "password": PASSWORD}
    blocked = await client.post("/login", headers=office, data=data | {"_csrf": await csrf_token(client)},
                                allow_redirects=False)
    assert blocked.status == 401 and "暂时锁定" in await alert(blocked)
    other = await client.post("/login", headers=elsewhere, data=data | {"_csrf": await csrf_token(client)},
                              allow_redirects=False)
    assert other.status == 303


async def test_an_absurdly_long_name_is_refused_like_any_other(client, world):
    response = await login(client, "x" * 500, "wrong-password")
    assert response.status == 401 and await alert(response) == "登录名或密码错误"
