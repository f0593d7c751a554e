"""The HTTP callback as DingTalk (and an attacker) reaches it: signatures, replays, where replies go."""

from __future__ import annotations

import pytest
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import select

from models.core.tables import AuditLog
from models.warnings.tables import Warning
from portal.app import create_app
from portal.views.robot import REPLIES, ROBOT_PATH
from tests.fakes.dingtalk import expected_sign
from tests.robot.conftest import USERS

HOUR_MS = 3_600_000


async def refusals(rt) -> list[str]:
    async with rt.sessions() as session:
        rows = (await session.scalars(select(AuditLog).where(AuditLog.action == "robot.refused"))).all()
    return [row.detail["reason"] for row in rows]


async def status_of(rt, warning_id: int) -> str:
    async with rt.sessions() as session:
        return (await session.get(Warning, warning_id)).status


async def settle(client) -> None:
    """Wait for the replies the app is still sending in the background."""
    await client.app[REPLIES].drain()


def headers_for(app, case: str) -> dict[str, str]:
    return {
        "mismatch": app.signed_headers(secret="not-the-app-secret"),
        "stale": app.signed_headers(at_ms=app.now_ms() - HOUR_MS - 5_000),
        "future": app.signed_headers(at_ms=app.now_ms() + HOUR_MS + 5_000),
        "missing": {},
        "no_sign": {"timestamp": str(app.now_ms())},
        "malformed": {"timestamp": "soon", "sign": "abc"},
    }[case]


@pytest.mark.parametrize("case", ["mismatch", "stale", "future", "missing", "no_sign", "malformed"])
async def test_a_bad_stale_or_missing_signature_is_refused_and_audited(robot_client, fakes, rt, robot_world, case):
    app, mine = fakes.dingtalk_app, robot_world.mine
    body = app.robot_body(f"确认 W{mine.id}", sender=USERS["steward"])
    response = await robot_client.post(ROBOT_PATH, json=body, headers=headers_for(app, case))
    assert response.status == 403
    await settle(robot_client)
    expected = {"no_sign": "missing"}.get(case, case if case != "future" else "stale")
    assert await refusals(rt) == [expected]
    assert await status_of(rt, mine.id) == "open" and app.replies == []


async def test_a_signature_inside_the_hour_is_accepted(robot_client, fakes, robot_world):
    app = fakes.dingtalk_app
    body = app.robot_body("帮助", sender=USERS["steward"])
    headers = app.signed_headers(at_ms=app.now_ms() - HOUR_MS + 60_000)
    response = await robot_client.post(ROBOT_PATH, json=body, headers=headers)
    assert response.status == 200 and await response.json() == {}
    await settle(robot_client)
    assert len(app.replies) == 1


async def test_without_an_app_secret_nothing_is_accepted(aiohttp_client, robot_settings, redis, fakes, rt, robot_world):
    client = await aiohttp_client(create_app(robot_settings.model_copy(update={"dingtalk_app_secret": SecretStr("")})))
    timestamp = str(fakes.dingtalk_app.now_ms())
    headers = {"timestamp": timestamp, "sign": expected_sign("", timestamp)}  # what an empty key would accept
    body = fakes.dingtalk_app.robot_body("待办", sender=USERS["steward"])
    assert (await client.post(ROBOT_PATH, json=body, headers=headers)).status == 403
    assert await refusals(rt) == ["unconfigured"]


async def test_a_resent_message_is_answered_and_acted_on_once(robot_client, fakes, rt, robot_world):
    app, mine = fakes.dingtalk_app, robot_world.mine
    headers, body = app.callback(f"确认 W{mine.id}", sender=USERS["steward"])
    for _ in range(3):
        response = await robot_client.post(ROBOT_PATH, json=body, headers=headers)
        assert response.status == 200
    await settle(robot_client)
    assert len(app.replies) == 1 and "已确认预警" in app.replies[0].text
    assert await status_of(rt, mine.id) == "acknowledged" and await refusals(rt) == []


async def test_a_captured_signature_cannot_carry_another_message(robot_client, fakes, rt, robot_world):
    app, mine = fakes.dingtalk_app, robot_world.mine
    headers, body = app.callback("帮助", sender=USERS["steward"])
    assert (await robot_client.post(ROBOT_PATH, json=body, headers=headers)).status == 200
    forged = app.robot_body(f"确认 W{mine.id}", sender=USERS["officer"])
    assert (await robot_client.post(ROBOT_PATH, json=forged, headers=headers)).status == 403
    await settle(robot_client)
    assert await refusals(rt) == ["replayed"] and await status_of(rt, mine.id) == "open"
    assert len(app.replies) == 1


async def test_a_body_that_is_no_robot_message_is_a_bad_request(robot_client, fakes, robot_world):
    headers = fakes.dingtalk_app.signed_headers()
    for data in (b"not json", b"[]", b'{"msgtype": "text"}'):
        response = await robot_client.post(ROBOT_PATH, data=data, headers=headers)
        assert response.status == 400


async def test_replies_go_only_to_a_session_webhook_on_the_dingtalk_hosts(robot_client, fakes, aiohttp_server,
                                                                         robot_world):
    hits: list[str] = []

    async def catch(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.json_response({"errcode": 0})

    catcher = web.Application()
    catcher.router.add_post("/{tail:.*}", catch)
    elsewhere = await aiohttp_server(catcher)
    for webhook in (str(elsewhere.make_url("/robot/sendBySession?session=x")),  # another server
                    f"{fakes.url('wecom')}/robot/sendBySession?session=x",  # the right host, another path
                    "javascript:alert(1)"):
        headers, body = fakes.dingtalk_app.callback("帮助", sender=USERS["steward"])
        body["sessionWebhook"] = webhook
        assert (await robot_client.post(ROBOT_PATH, json=body, headers=headers)).status == 200
    await settle(robot_client)
    assert hits == [] and not [line for line in fakes.log if "/wecom/" in line]


async def test_an_expired_session_gets_no_reply_but_the_command_stands(robot_client, fakes, rt, robot_world):
    app, mine = fakes.dingtalk_app, robot_world.mine
    headers, body = app.callback(f"确认 W{mine.id}", sender=USERS["steward"])
    fakes.clock.advance(91 * 60)  # the platform's session ran out before we answered
    assert (await robot_client.post(ROBOT_PATH, json=body, headers=headers)).status == 200
    await settle(robot_client)
    assert app.refused_replies == 1 and app.replies == []
    assert await status_of(rt, mine.id) == "acknowledged"


async def test_a_session_the_body_says_has_expired_is_not_tried(robot_client, fakes, robot_world):
    app = fakes.dingtalk_app
    headers, body = app.callback("帮助", sender=USERS["steward"])
    body["sessionWebhookExpiredTime"] = app.now_ms() - 1000
    assert (await robot_client.post(ROBOT_PATH, json=body, headers=headers)).status == 200
    await settle(robot_client)
    assert app.refused_replies == 0 and app.replies == []


async def test_commands_still_work_without_redis(aiohttp_client, robot_settings, fakes, rt, robot_world):
    settings = robot_settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    client = await aiohttp_client(create_app(settings))
    headers, body = fakes.dingtalk_app.callback("待办", sender=USERS["steward"])
    assert (await client.post(ROBOT_PATH, json=body, headers=headers)).status == 200
    await settle(client)
    assert f"W{robot_world.mine.id}" in fakes.dingtalk_app.replies[-1].text
