from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.base import ChannelError
from bot.http import ApiClient, TokenCache
from tests.fakes.common import FakeClock
from tests.fakes.platforms import FakePlatforms

Serve = Callable[[web.Application], Awaitable[Any]]


@pytest.fixture
async def odd_server(aiohttp_server: Serve) -> str:
    """A real server with the replies the platforms never document but proxies produce."""
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({})

    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>维护中</html>", content_type="text/html")

    async def status(request: web.Request) -> web.Response:
        return web.json_response({}, status=int(request.match_info["status"]))

    app = web.Application()
    app.router.add_get("/slow", slow)
    app.router.add_get("/html", html)
    app.router.add_get("/{status:\\d+}", status)
    server = await aiohttp_server(app)
    return str(server.make_url("")).rstrip("/")


async def _call(url: str, **kwargs: Any) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        return await ApiClient(session, **{"allow_private": True, **kwargs}).request("test", "GET", url)


async def test_it_refuses_loopback_targets_unless_allowed(fakes: FakePlatforms) -> None:
    with pytest.raises(ChannelError) as refused:
        await _call(fakes.url("dingtalk") + "/robot/send?access_token=t", allow_private=False)
    assert (refused.value.permanent, refused.value.code) == (True, "private_address")
    assert fakes.log == []


@pytest.mark.parametrize(("path", "flags"), [("/404", (True, False, "http_404")), ("/429", (False, True, "http_429")),
                                             ("/html", (False, False, "bad_reply"))])
async def test_it_classifies_unexpected_replies(odd_server: str, path: str, flags: tuple[bool, bool, str]) -> None:
    with pytest.raises(ChannelError) as failed:
        await _call(odd_server + path)
    assert (failed.value.permanent, failed.value.rate_limited, failed.value.code) == flags


async def test_a_timeout_is_transient(odd_server: str) -> None:
    with pytest.raises(ChannelError) as failed:
        await _call(odd_server + "/slow", timeout=0.2)
    assert (failed.value.permanent, failed.value.code) == (False, "timeout")


async def test_the_token_cache_fetches_once_until_expiry() -> None:
    clock, fetched = FakeClock(), []

    async def fetch() -> tuple[str, float]:
        fetched.append(1)
        return f"token-{len(fetched)}", 7200.0

    cache = TokenCache(clock)
    assert [await cache.get("app", fetch) for _ in range(3)] == ["token-1"] * 3
    clock.advance(7200 - 299)  # within the refresh margin
    assert await cache.get("app", fetch) == "token-2"
    cache.drop("app")
    assert await cache.get("app", fetch) == "token-3"
