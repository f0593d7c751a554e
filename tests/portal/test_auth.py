from __future__ import annotations

from models.accounts.store import reset_password
from models.accounts.tables import Account
from models.core.audit import recent
from models.core.db import transaction
from tests.portal.conftest import csrf_token, login


async def test_it_redirects_anonymous_users_to_login(client, world):
    response = await client.get("/units/1?x=1", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/login?next=/units/1?x%3D1"


async def test_it_logs_in_and_out(client, world, rt):
    response = await login(client, "steward")
    assert response.status == 303 and response.headers["Location"] == "/"
    home = await client.get("/")
    assert "王专员" in await home.text()
    token = await csrf_token(client)
    out = await client.post("/logout", data={"_csrf": token}, allow_redirects=False)
    assert out.status == 303
    assert (await client.get("/", allow_redirects=False)).status == 302
    async with rt.sessions() as session:
        assert [a.action for a in await recent(session)][:2] == ["logout", "login.ok"]


async def test_it_refuses_a_wrong_password_in_chinese(client, world):
    response = await login(client, "steward", "wrong-password")
    assert response.status == 401 and "登录名或密码错误" in await response.text()


async def test_it_blocks_the_account_for_a_while_after_repeated_failures(client, world, rt):
    for _ in range(4):
        assert "登录名或密码错误" in await (await login(client, "steward", "wrong-password")).text()
    fifth = await login(client, "steward", "wrong-password")
    assert fifth.status == 401 and "暂时锁定，请1分钟后再试" in await fifth.text()
    response = await login(client, "steward")  # even the right password waits out the block
    assert response.status == 401 and "暂时锁定，请1分钟后再试" in await response.text()
    async with rt.sessions() as session:
        account = await session.get(Account, world.steward.id)
        assert account.locked is False and account.locked_until is not None, "a block, not the admin lock"


async def test_it_refuses_a_post_without_the_csrf_token(client, world):
    await client.get("/login")
    response = await client.post("/login", data={"login": "steward", "password": "x"}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login?next=")
    assert "bzops_session" not in response.cookies, "nothing was done: no session"


async def test_it_never_redirects_off_site_after_login(client, world):
    token = await csrf_token(client)
    response = await client.post("/login", allow_redirects=False, data={
        "login": "steward", "password": "correct-horse-9", "_csrf": token, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


async def test_it_ends_sessions_when_the_password_is_reset(client, world, rt):
    await login(client, "steward")
    async with transaction(rt.sessions) as session:
        await reset_password(session, login="steward", password="another-pass-1", actor="test")
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_it_reports_health(client):
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 200 and body["database"] == "ok" and body["redis"] == "ok"
