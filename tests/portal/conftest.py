"""Portal fixtures: the real app on a test server, and a logged-in client per persona."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from portal.app import create_app
from tests.factories import PASSWORD, World, make_world

CSRF_FIELD = re.compile(r'name="_csrf" value="([^"]+)"')


@pytest.fixture
async def world(rt) -> World:
    return await make_world(rt)


@pytest.fixture
async def client(aiohttp_client: Any, settings, redis, rt) -> TestClient:
    return await aiohttp_client(create_app(settings))


async def csrf_token(client: TestClient) -> str:
    page = await client.get("/login")
    match = CSRF_FIELD.search(await page.text())
    assert match, "login page carries a CSRF token"
    return match.group(1)


async def login(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    token = await csrf_token(client)
    return await client.post("/login", data={"login": name, "password": password, "_csrf": token},
                             allow_redirects=False)


@pytest.fixture
def as_user(client: TestClient, world: World) -> Callable[[str], Awaitable[TestClient]]:
    async def _login(name: str) -> TestClient:
        response = await login(client, name)
        assert response.status == 303, await response.text()
        return client
    return _login
