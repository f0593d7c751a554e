"""Shared by the item page tests: a leader for the county, personal log targets for the people who
sign and file, and helpers that file and decide through the portal as a phone would."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlmodel import col

from models.accounts.store import ScopeSpec
from models.approvals.tables import Item, ItemEvent
from models.core.db import transaction
from models.core.runtime import Runtime
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from tests.factories import add_account
from tests.portal.conftest import csrf_token, login

VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture
async def leader(rt: Runtime, world: Any) -> Any:
    return await add_account(rt, "leader", "leader", [ScopeSpec("C1", True)], display_name="孙局长")


@pytest.fixture
async def personal(rt: Runtime, world: Any, leader: Any) -> dict[str, int]:
    """A personal work-notice target (log channel) for the steward, the officer and the leader."""
    people = {"steward": world.steward.id, "officer": world.officer.id, "leader": leader.id}
    made = {}
    async with transaction(rt.sessions) as session:
        for login_name, account_id in people.items():
            target = await create_target(session, rt.cipher, TargetSpec(
                f"{login_name}个人", "log", {}, ("review",), None, account_id=account_id), actor="test")
            made[login_name] = target.id or 0
    return made


async def switch(client: TestClient, name: str) -> None:
    """Log out whoever is signed in, then sign in as ``name``."""
    await client.post("/logout", data={"_csrf": await csrf_token(client)}, allow_redirects=False)
    response = await login(client, name)
    assert response.status == 303, await response.text()


async def file_use_quota(client: TestClient, unit_id: int, *, count: int = 2, est_type: str = "XZ") -> Any:
    data = {"_csrf": await csrf_token(client), "unit": str(unit_id), "est_type": est_type, "count": str(count),
            "reason": "补充退休空缺"}
    return await client.post("/items/new/use_quota", data=data, allow_redirects=False)


def item_id_of(response: Any) -> int:
    location = response.headers["Location"]
    assert location.startswith("/items/"), location
    return int(location.rsplit("/", 1)[1])


async def version_on_page(client: TestClient, item_id: int) -> int:
    page = await (await client.get(f"/items/{item_id}")).text()
    found = VERSION.search(page)
    assert found, "the decision form carries the item's version"
    return int(found.group(1))


async def move(client: TestClient, item_id: int, name: str, version: int | None = None, **fields: str) -> str:
    """Post one move as the item's page would and return the page it lands on."""
    if version is None:
        version = await version_on_page(client, item_id)
    data = {"_csrf": await csrf_token(client), "version": str(version), **fields}
    response = await client.post(f"/items/{item_id}/{name}", data=data, allow_redirects=False)
    assert response.status == 303, await response.text()
    return await (await client.get(response.headers["Location"])).text()


async def item_row(rt: Runtime, item_id: int) -> Item:
    async with rt.sessions() as session:
        found = await session.get(Item, item_id)
        assert found is not None
        return found


async def events(rt: Runtime, item_id: int) -> list[str]:
    async with rt.sessions() as session:
        rows = await session.scalars(select(col(ItemEvent.kind)).where(col(ItemEvent.item_id) == item_id)
                                     .order_by(col(ItemEvent.id)))
        return list(rows.all())


async def outbox(rt: Runtime) -> list[Outbox]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(Outbox).order_by(col(Outbox.id)))).all())
