"""Robot fixtures: the world with DingTalk-linked accounts and warnings on both sides of a scope
boundary, settings that reach the fake DingTalk, the portal app, and ``ask`` (one signed callback,
its reply read back from the fake session webhook)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from models.accounts.platform_ids import link
from models.accounts.store import ScopeSpec
from models.core.db import transaction
from models.warnings.config import change_rule
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from portal.app import create_app
from portal.views.robot import ROBOT_PATH
from tests.factories import World, add_account, add_persons, make_world, person_record
from tests.fakes.dingtalk_app import SessionReply, eventually
from tests.fakes.fixtures import fakes
from tests.fakes.platforms import FakePlatforms

__all__ = ["fakes"]
USERS = {"steward": "dt-steward", "officer": "dt-officer", "outsider": "dt-outsider", "org": "dt-org",
         "locked": "dt-locked"}


@dataclass
class RobotWorld:
    world: World
    mine: Warning  # over quota in the steward's unit (C1-A)
    theirs: Warning  # over quota in another county (C2-A): outside the steward's scope


def robot_settings_for(settings: Any, platforms: FakePlatforms) -> Any:
    app = platforms.dingtalk_app
    return settings.model_copy(update={
        "dingtalk_api_url": platforms.url("dingtalk"), "dingtalk_new_api_url": platforms.url("dingtalk_app"),
        "dingtalk_app_key": app.app_key, "dingtalk_app_secret": SecretStr(app.app_secret),
        "allow_private_urls": True})


@pytest.fixture
def robot_settings(settings, fakes):
    return robot_settings_for(settings, fakes)


@pytest.fixture
async def robot_world(rt) -> RobotWorld:
    world = await make_world(rt)
    await add_account(rt, "org", "org", [ScopeSpec("C1", True)], display_name="赵组织")
    await add_account(rt, "locked", "steward", [ScopeSpec("C1-A", False)], locked=True)
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)),
                      *(person_record("C2-A", seq=201 + 2 * i, name="李四") for i in range(6)))
    async with transaction(rt.sessions) as session:
        for login, userid in USERS.items():
            await link(session, login=login, platform="dingtalk", user_id=userid, actor="test")
        await change_rule(session, code="C3_VACANCY", actor="test", enabled=False)
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
    async with rt.sessions() as session:
        over = (await session.scalars(select(Warning).where(Warning.rule_code == "C1_OVER_QUOTA"))).all()
    by_unit = {w.unit_id: w for w in over}
    return RobotWorld(world, by_unit[world.units["C1-A"]], by_unit[world.units["C2-A"]])


@pytest.fixture
async def robot_client(aiohttp_client, robot_settings, redis, robot_world):
    return await aiohttp_client(create_app(robot_settings))


@pytest.fixture
def ask(robot_client, fakes):
    """Send ``text`` as ``sender`` (a DingTalk userid) through a signed callback; the reply."""
    async def _ask(text: str, *, sender: str = USERS["steward"], **body: Any) -> SessionReply:
        replies = fakes.dingtalk_app.replies
        before = len(replies)
        headers, payload = fakes.dingtalk_app.callback(text, sender=sender, **body)
        response = await robot_client.post(ROBOT_PATH, json=payload, headers=headers)
        assert response.status == 200, await response.text()
        await eventually(lambda: len(replies) > before)
        assert len(replies) == before + 1
        return replies[-1]
    return _ask
