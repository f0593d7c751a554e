"""Server-side sessions: logout ends them, idle and old ones expire, a reset or an admin lock ends them all."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from models.accounts.store import reset_password, set_lock
from models.accounts.tables import WEB_SESSION, WebSession
from models.core.db import transaction, utcnow
from tests.portal.conftest import csrf_token, login

COOKIE = "bzops_session"


def token_of(client) -> str:
    return next(c.value for c in client.session.cookie_jar if c.key == COOKIE)


async def rows(rt) -> list[WebSession]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(WebSession))).all())


async def age(rt, **back: timedelta) -> None:
    """Move every session's times back (``created_at=…``, ``last_seen_at=…``), as if time had passed."""
    async with transaction(rt.sessions) as session:
        await session.execute(update(WEB_SESSION).values(**{k: utcnow() - v for k, v in back.items()}))


async def test_the_cookie_is_a_random_token_and_only_its_hash_is_stored(as_user, rt):
    client = await as_user("steward")
    token, [row] = token_of(client), await rows(rt)
    assert row.id == hashlib.sha256(token.encode()).hexdigest() and token not in row.id
    assert row.account_id and row.revoked_at is None and row.ip == "127.0.0.1"


async def test_logging_out_ends_the_session_on_the_server(as_user, rt):
    client = await as_user("steward")
    token = token_of(client)
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    reused = await client.get("/", cookies={COOKIE: token}, allow_redirects=False)
    assert reused.status == 302 and reused.headers["Location"].startswith("/login")
    assert (await rows(rt))[0].revoked_at is not None


async def test_an_idle_session_sends_the_person_to_log_in_and_back(as_user, world, rt):
    client = await as_user("steward")
    page = f"/units/{world.units['C1-A']}?tab=1"
    await age(rt, last_seen_at=timedelta(minutes=29))
    assert (await client.get(page, allow_redirects=False)).status == 200
    await age(rt, last_seen_at=timedelta(minutes=31))
    response = await client.get(page, allow_redirects=False)
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert response.status == 302 and query["next"] == [page] and query["expired"] == ["1"]
    assert "登录已过期" in await (await client.get(response.headers["Location"])).text()
    token = await csrf_token(client)
    back = await client.post("/login", data={"login": "steward", "password": "correct-horse-9", "_csrf": token,
                                             "next": query["next"][0]}, allow_redirects=False)
    assert back.headers["Location"] == page


async def test_an_idle_htmx_request_asks_htmx_to_navigate(as_user, world, rt):
    client = await as_user("steward")
    await age(rt, last_seen_at=timedelta(minutes=31))
    response = await client.get("/warnings?page=2", allow_redirects=False, headers={
        "HX-Request": "true", "Referer": f"http://{client.host}:{client.port}/warnings?severity=S1"})
    assert response.status == 200
    assert response.headers["HX-Redirect"] == "/login?next=%2Fwarnings%3Fseverity%3DS1&expired=1"


async def test_a_session_ends_after_its_lifetime_however_active(as_user, rt, settings):
    client = await as_user("steward")
    await age(rt, created_at=timedelta(hours=settings.session_hours, minutes=1), last_seen_at=timedelta(seconds=5))
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_use_is_recorded_at_most_once_a_minute(as_user, rt):
    client = await as_user("steward")
    first = (await rows(rt))[0].last_seen_at
    await client.get("/")
    assert (await rows(rt))[0].last_seen_at == first, "no write on every request"
    await age(rt, last_seen_at=timedelta(minutes=2))
    await client.get("/")
    assert (await rows(rt))[0].last_seen_at > utcnow() - timedelta(seconds=30)


async def test_a_password_reset_ends_every_session_of_the_account(as_user, client, rt):
    await as_user("steward")
    async with transaction(rt.sessions) as session:
        await reset_password(session, login="steward", password="another-pass-1", actor="test")
    assert (await client.get("/", allow_redirects=False)).status == 302
    assert all(row.revoked_at is not None for row in await rows(rt))


async def test_an_admin_lock_ends_every_session_and_unlocking_does_not_revive_them(as_user, client, rt):
    await as_user("steward")
    async with transaction(rt.sessions) as session:
        await set_lock(session, login="steward", locked=True, reason="调离", actor="test")
        await set_lock(session, login="steward", locked=False, reason=None, actor="test")
    assert (await client.get("/", allow_redirects=False)).status == 302
    assert (await login(client, "steward")).status == 303, "a new login works again"
