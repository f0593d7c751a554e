"""Admins see every account's lock state and unlock from the portal; every unlock is audited."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from models.accounts import throttle
from models.accounts.store import set_lock
from models.accounts.tables import Account
from models.core.audit import recent
from models.core.db import transaction, utcnow
from tests.portal.conftest import csrf_token, login


async def block(client, name: str) -> None:
    for _ in range(5):
        await login(client, name, "wrong-password")


async def test_the_list_shows_roles_in_chinese_and_lock_states_but_no_secret(as_user, client, world, rt):
    await block(client, "steward")
    async with transaction(rt.sessions) as session:
        await set_lock(session, login="officer", locked=True, reason="借调外单位", actor="test")
        until = (await session.get(Account, world.steward.id)).locked_until
    html = await (await (await as_user("admin")).get("/admin/accounts")).text()
    local = until.astimezone(ZoneInfo("Asia/Shanghai"))
    assert "王专员" in html and "单位数据管理专员" in html and "编办科室干部" in html
    assert f"连续 5 次密码错误，锁定至 {local:%Y-%m-%d %H:%M}" in html and "管理员锁定：借调外单位" in html
    assert "$argon2" not in html and html.count(">解锁</button>") == 2


async def test_an_admin_unlocks_a_blocked_account_and_it_is_audited(as_user, world, rt):
    client = await as_user("admin")
    async with transaction(rt.sessions) as session:
        for _ in range(5):
            await throttle.count_failure(session, key=throttle.account_key("steward"), threshold=5, now=utcnow())
        account = await session.get(Account, world.steward.id)
        account.locked, account.lock_reason = True, "待核实"
    done = await client.post(f"/admin/accounts/{world.steward.id}/unlock", data={"_csrf": await csrf_token(client)},
                             allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == "/admin/accounts"
    assert "已解锁：王专员" in await (await client.get("/admin/accounts")).text()
    async with rt.sessions() as session:
        [entry] = await recent(session, action="account.unlock")
        assert entry.actor == "admin" and entry.object_id == str(world.steward.id)
        assert entry.detail and entry.detail["was_locked"] is True
        assert await throttle.blocked_until(session, keys=[throttle.account_key("steward")], now=utcnow()) is None
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    assert (await login(client, "steward")).status == 303, "the owner logs in at once"


async def test_an_unknown_account_answers_404(as_user):
    client = await as_user("admin")
    response = await client.post("/admin/accounts/999999/unlock", data={"_csrf": await csrf_token(client)},
                                 allow_redirects=False)
    assert response.status == 404


async def test_an_admin_lifts_the_block_on_an_office_address(as_user, rt):
    client = await as_user("admin")
    async with transaction(rt.sessions) as session:
        await throttle.count_failure(session, key=throttle.ip_key("10.0.0.7"), threshold=1, now=utcnow())
    assert "10.0.0.7" in await (await client.get("/admin/accounts")).text()
    done = await client.post("/admin/accounts/addresses/unblock", data={"_csrf": await csrf_token(client),
                                                                         "ip": "10.0.0.7"})
    assert "已解除地址 10.0.0.7 的限制" in await done.text()
    assert "10.0.0.7" not in await (await client.get("/admin/accounts")).text()
    async with rt.sessions() as session:
        [entry] = await recent(session, action="address.unblock")
        assert entry.actor == "admin" and entry.object_id == "10.0.0.7"
